//! Teams the strategy file names for work whose tracker names none (`[[team]]`).

use serde::{Deserialize, Serialize};

use crate::WorkItem;

/// A team and the tracker projects and components whose work is its own, for work the
/// tracker gives no team (a Jira search export has no team field unless the site made
/// one). Applied when an item has no team of its own; an item's own team always wins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMapping {
    pub name: String,
    #[serde(default)]
    pub projects: Vec<String>,
    #[serde(default)]
    pub components: Vec<String>,
}

/// The team `teams` give `item`, whatever its own: the first team mapping one of its
/// components (the finer fact), else the first mapping its project; values compare
/// without case or surrounding spaces, as selectors do.
pub fn mapped_team<'a>(teams: &'a [TeamMapping], item: &WorkItem) -> Option<&'a str> {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    let by_component = teams.iter().find(|t| {
        t.components
            .iter()
            .any(|c| item.components.iter().any(|ic| same(c, ic)))
    });
    let by_project = || {
        let project = item.project.as_deref()?;
        teams
            .iter()
            .find(|t| t.projects.iter().any(|p| same(p, project)))
    };
    by_component.or_else(by_project).map(|t| t.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(name: &str, projects: &[&str], components: &[&str]) -> TeamMapping {
        TeamMapping {
            name: name.into(),
            projects: projects.iter().map(|s| s.to_string()).collect(),
            components: components.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_component_is_finer_than_a_project_and_file_order_breaks_ties() {
        let teams = vec![
            team("Tooling", &["DAEMON"], &["CLI"]),
            team("Mobile", &[], &["Android", "iOS"]),
            team("Alloy", &["aloy"], &[]),
        ];
        let item = |project: &str, components: &[&str]| WorkItem {
            project: Some(project.into()),
            components: components.iter().map(|s| s.to_string()).collect(),
            ..WorkItem::default()
        };
        // A component maps before the project does.
        assert_eq!(
            mapped_team(&teams, &item("DAEMON", &["android"])),
            Some("Mobile")
        );
        assert_eq!(mapped_team(&teams, &item("DAEMON", &[])), Some("Tooling"));
        // Two components of two teams: the team listed first.
        assert_eq!(
            mapped_team(&teams, &item("TIMOB", &["iOS", " cli "])),
            Some("Tooling")
        );
        assert_eq!(mapped_team(&teams, &item("ALOY", &["XML"])), Some("Alloy"));
        assert_eq!(mapped_team(&teams, &item("MOD", &["Map"])), None);
        assert_eq!(mapped_team(&[], &item("ALOY", &[])), None);
    }
}
