//! `--team-from`: the team of work whose export names none, from a fact of the item
//! itself (its project, a component, a label with a prefix) or from a tracker field.

use std::fmt;
use std::str::FromStr;

use throughline_model::WorkItem;

/// A `--team-from` value that names no source of teams.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseTeamFromError(String);

/// Where an item's team comes from when the export gives it none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamFrom {
    /// The item's project (a Jira project key, a GitHub repository, a Linear project).
    Project,
    /// The item's first component.
    Component,
    /// The first label starting with this prefix (compared without case), the prefix
    /// taken off: `label:team-` reads `team-payments` as team `payments`.
    LabelPrefix(String),
    /// A field of the export: for Jira JSON a field id or name (`customfield_10001`,
    /// `Team`), for Jira CSV a column (`Custom field (Team)`), for generic CSV and JSON
    /// Lines a column or key. It replaces the detection of a team field. GitHub and
    /// Linear exports have no such field.
    Field(String),
}

impl TeamFrom {
    /// Gives `item` its team from its own facts, when it has none; a field is read by
    /// the importer itself (see [`crate::read_items`]).
    pub fn fill(&self, item: &mut WorkItem) {
        if item.team.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            return;
        }
        let team = match self {
            TeamFrom::Project => item.project.clone(),
            TeamFrom::Component => item.components.first().cloned(),
            TeamFrom::LabelPrefix(prefix) => item.labels.iter().find_map(|l| {
                let l = l.trim();
                let head = l.get(..prefix.len())?;
                head.eq_ignore_ascii_case(prefix)
                    .then(|| l[prefix.len()..].trim().to_string())
            }),
            TeamFrom::Field(_) => None,
        };
        if let Some(t) = team.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) {
            item.team = Some(t);
        }
    }
}

impl FromStr for TeamFrom {
    type Err = ParseTeamFromError;

    /// `project`, `component`, `label:PREFIX` or `field:NAME`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (kind, arg) = match s.split_once(':') {
            Some((k, a)) => (k.trim().to_ascii_lowercase(), Some(a.trim())),
            None => (s.to_ascii_lowercase(), None),
        };
        let bad = |why: &str| {
            ParseTeamFromError(format!(
                "{s:?} is {why}; use project, component, label:PREFIX (e.g. label:team-) \
                 or field:NAME (e.g. field:customfield_10001)"
            ))
        };
        match (kind.as_str(), arg) {
            ("project" | "projects", None) => Ok(TeamFrom::Project),
            ("component" | "components", None) => Ok(TeamFrom::Component),
            ("label" | "labels", Some(p)) if !p.is_empty() => {
                Ok(TeamFrom::LabelPrefix(p.to_string()))
            }
            ("label" | "labels", _) => Err(bad("a label without its prefix")),
            ("field", Some(f)) if !f.is_empty() => Ok(TeamFrom::Field(f.to_string())),
            ("field", _) => Err(bad("a field without its name")),
            _ => Err(bad("not a source of teams")),
        }
    }
}

impl fmt::Display for TeamFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TeamFrom::Project => f.write_str("project"),
            TeamFrom::Component => f.write_str("component"),
            TeamFrom::LabelPrefix(p) => write!(f, "label:{p}"),
            TeamFrom::Field(n) => write!(f, "field:{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_parses_and_prints_back() {
        for s in [
            "project",
            "component",
            "label:team-",
            "field:customfield_10001",
        ] {
            assert_eq!(s.parse::<TeamFrom>().unwrap().to_string(), s);
        }
        assert_eq!(
            " Label: squad/ ".parse::<TeamFrom>().unwrap(),
            TeamFrom::LabelPrefix("squad/".into())
        );
        for bad in ["assignee", "label", "label:", "field:", "project:x"] {
            let e = bad.parse::<TeamFrom>().unwrap_err().to_string();
            assert!(e.contains("label:PREFIX"), "{bad}: {e}");
        }
    }

    #[test]
    fn an_items_own_team_wins_and_facts_fill_the_rest() {
        let item = |team: Option<&str>| WorkItem {
            project: Some("ALOY".into()),
            components: vec!["XML".into(), "Runtime".into()],
            labels: vec!["regression".into(), "Team-Alloy Core".into()],
            team: team.map(str::to_string),
            ..WorkItem::default()
        };
        let filled = |from: &str, team: Option<&str>| {
            let mut it = item(team);
            from.parse::<TeamFrom>().unwrap().fill(&mut it);
            it.team
        };
        assert_eq!(filled("project", None).as_deref(), Some("ALOY"));
        assert_eq!(filled("component", None).as_deref(), Some("XML"));
        assert_eq!(filled("label:team-", None).as_deref(), Some("Alloy Core"));
        assert_eq!(filled("label:squad-", None), None);
        assert_eq!(filled("component", Some("Docs")).as_deref(), Some("Docs"));
        // An empty team is none.
        assert_eq!(filled("project", Some(" ")).as_deref(), Some("ALOY"));
    }
}
