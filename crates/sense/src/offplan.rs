//! Why work that serves no goal was done: rules over tracker type, labels, text and the
//! notes people attach, ranked by how much each source can be trusted.
//!
//! Rules are the cold-start knowledge; the organisation's own corrections (links whose
//! target is `OffPlan(reason)`) become classes of the learned model in [`crate::Model`]
//! and override the rules once they exist. Before that, the rules' own hits on unlinked
//! items ([`weak_label`]) train off-plan targets of the model (self-training), so that
//! work no rule fires on can still be recognised by its words. A note is the strongest evidence because it
//! is a person saying why ("pulled in for the ACME renewal"); labels and the tracker
//! type come next; words in the title or description are only a hint.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use throughline_model::{ContextNote, OffPlanReason, WorkItem};

/// How much an off-plan signal can be trusted, strongest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strength {
    /// Words in the title or description ("refactor", "bump").
    Text,
    /// The tracker type (Bug, Incident, Spike).
    ItemType,
    /// A label or component (tech-debt, incident, escalation, spike).
    Label,
    /// A context note written by a person.
    Note,
}

impl Strength {
    /// Prior reliability of a rule firing from this source; used as its confidence until
    /// corrections teach the model better. Chosen conservatively (weak hints stay below
    /// the usual "unclear" threshold of an uncertain alignment).
    pub fn confidence(self) -> f32 {
        match self {
            Strength::Text => 0.5,
            Strength::ItemType => 0.65,
            Strength::Label => 0.8,
            Strength::Note => 0.85,
        }
    }
}

/// An off-plan reason suggested by the rules, with the evidence that drove it.
#[derive(Debug, Clone, PartialEq)]
pub struct OffPlanSignal {
    /// The suggested reason.
    pub reason: OffPlanReason,
    /// Where the evidence came from.
    pub strength: Strength,
    /// Human-readable evidence, e.g. `note: "pulled in for the ACME renewal"`.
    pub evidence: String,
}

// Phrases per reason, checked against lower-cased text as substrings of whole words
// (a leading space is matched against a space-padded text). Order matters: the first
// reason with a match wins, so the most specific reasons come first.
//
// Each reason also has masks: engineering usages of its words that mean something else
// ("close the file handler", "privilege escalation", "regression tests"), blanked out
// before its phrases are looked for. The lists were pruned against the 31,000 real
// titles and descriptions in `../shared/data` (Iceberg and 16 Jira projects, where
// hardly anything is a sales deal): bare "deal", "close the", "sales", "contract",
// "signed with" and "escalat" fired on about 250 of them, and every one we read was a
// false hint ("deal with nulls", "close the file handler", "signed with a developer
// certificate"); "explore" matched "Project Explorer" and "experiment" "experimental".
// The lists now fire on 11 sales and 6 escalation hints there.
struct Rule {
    reason: OffPlanReason,
    phrases: &'static [&'static str],
    masks: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        reason: OffPlanReason::SalesCommitment,
        phrases: &[
            " renewal",
            " the deal ",
            " this deal ",
            " close the deal",
            " closing the deal",
            " must-win",
            " deal desk",
            " sales team",
            " sales request",
            " requested by sales",
            " sales commitment",
            " sales demo",
            " sales engineer",
            " customer contract",
            " signed contract",
            " contract signed",
            " signed the contract",
            " prospect ",
            " prospects ",
            " promised to",
            " commitment to",
            " rfp",
            " upsell",
        ],
        masks: &[
            " certificate renewal",
            " cert renewal",
            " token renewal",
            " lease renewal",
            " session renewal",
            " plan renewal",
        ],
    },
    Rule {
        reason: OffPlanReason::CustomerEscalation,
        phrases: &[
            " escalation",
            " escalated",
            " customer complain",
            " support ticket",
            " customer reported",
            " reported by customer",
            " zendesk",
            " customer issue",
            " customer request",
        ],
        masks: &[
            " privilege escalation",
            " escalation of privilege",
            " escalated privilege",
            " escalation timeout",
        ],
    },
    Rule {
        reason: OffPlanReason::BugIncident,
        phrases: &[
            " incident",
            " outage",
            " postmortem",
            " post-mortem",
            " hotfix",
            " sev1",
            " sev2",
            " pagerduty",
            " production bug",
            " regression",
            " crash",
            " bug ",
        ],
        // The tracker's own forms are no bug: "Update Bug report template for 1.7.2".
        masks: &[
            " regression test",
            " regression suite",
            " non-regression",
            " bug report template",
            " bug report form",
            " bug template",
        ],
    },
    Rule {
        reason: OffPlanReason::TechDebt,
        phrases: &[
            " tech debt",
            " technical debt",
            " tech-debt",
            " refactor",
            " clean up",
            " cleanup",
            " legacy",
            " deprecat",
            " remove unused",
            " dead code",
        ],
        masks: &[],
    },
    Rule {
        reason: OffPlanReason::Exploration,
        phrases: &[
            " spike",
            " research",
            " explore ",
            " exploring ",
            " exploration",
            " prototype",
            " poc ",
            " proof of concept",
            " investigate",
            " experiment ",
            " experiments ",
            " evaluate ",
        ],
        masks: &[],
    },
    Rule {
        reason: OffPlanReason::Maintenance,
        phrases: &[
            " ktlo",
            " keep the lights on",
            " bump ",
            " upgrade ",
            " dependabot",
            " renovate ",
            " dependency update",
            " dependency upgrade",
            " update dependency",
            " upgrade dependency",
            " update dependencies",
            " upgrade dependencies",
            " dependencies update",
            " outdated dependenc",
            " certificate renewal",
            " renew certificate",
            " renew the certificate",
            " certificate expir",
            " expired certificate",
            " certificate is expired",
            " key rotation",
            " secret rotation",
            " credential rotation",
            " log rotation",
            " rotate keys",
            " rotate the key",
            " rotate secrets",
            " rotate credentials",
            " cve",
            " security patch",
            " maintenance",
            " housekeeping",
            " chore",
        ],
        masks: &[],
    },
];

// Labels and components, compared whole after normalising `_`/` ` to `-`.
const LABELS: &[(OffPlanReason, &[&str])] = &[
    (
        OffPlanReason::TechDebt,
        &[
            "tech-debt",
            "techdebt",
            "debt",
            "refactor",
            "refactoring",
            "cleanup",
        ],
    ),
    (
        OffPlanReason::BugIncident,
        &[
            "bug",
            "incident",
            "hotfix",
            "outage",
            "defect",
            "regression",
            "sev1",
            "sev2",
        ],
    ),
    (
        OffPlanReason::CustomerEscalation,
        &[
            "escalation",
            "customer",
            "support",
            "customer-escalation",
            "customer-request",
        ],
    ),
    (
        OffPlanReason::SalesCommitment,
        &[
            "sales",
            "deal",
            "sales-request",
            "sales-commitment",
            "customer-commitment",
            "contract",
        ],
    ),
    (
        OffPlanReason::Maintenance,
        &[
            "ktlo",
            "maintenance",
            "chore",
            "dependencies",
            "deps",
            "security",
            "ops",
        ],
    ),
    (
        OffPlanReason::Exploration,
        &[
            "spike",
            "research",
            "poc",
            "exploration",
            "experiment",
            "prototype",
        ],
    ),
];

/// Every phrase and mask of every rule, in one automaton: most texts have none of them,
/// and one pass says so, where looking for each phrase in turn read the text a hundred
/// times (on a million items, seconds of every `align`).
static ANY_PHRASE_OR_MASK: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::new(
        RULES
            .iter()
            .flat_map(|r| r.phrases.iter().chain(r.masks.iter())),
    )
    .ok()
});

fn phrase_match(text: &str) -> Option<(OffPlanReason, &'static str)> {
    let padded = format!(
        " {} ",
        text.to_lowercase()
            .replace(|c: char| !c.is_alphanumeric() && c != '-', " ")
    );
    // Masking only removes text, so with no phrase and no mask there is nothing to find;
    // a text with either takes the exact path below, masks and rule order included.
    if ANY_PHRASE_OR_MASK
        .as_ref()
        .is_some_and(|ac| !ac.is_match(&padded))
    {
        return None;
    }
    RULES.iter().find_map(|rule| {
        let masked;
        let text = if rule.masks.iter().any(|m| padded.contains(m)) {
            let mut t = padded.clone();
            for m in rule.masks {
                // Keep the spaces around the masked words, so neighbours stay apart.
                t = t.replace(m, " ");
            }
            masked = t;
            &masked
        } else {
            &padded
        };
        rule.phrases
            .iter()
            .find(|p| text.contains(**p))
            .map(|p| (rule.reason, p.trim()))
    })
}

fn label_match(label: &str) -> Option<OffPlanReason> {
    let norm = label.trim().to_lowercase().replace(['_', ' '], "-");
    LABELS
        .iter()
        .find(|(_, ls)| ls.contains(&norm.as_str()))
        .map(|(r, _)| *r)
}

fn type_match(item_type: &str) -> Option<OffPlanReason> {
    match item_type.trim().to_lowercase().as_str() {
        "bug" | "defect" | "incident" | "problem" | "hotfix" => Some(OffPlanReason::BugIncident),
        "spike" | "research" => Some(OffPlanReason::Exploration),
        "support" | "support request" | "escalation" => Some(OffPlanReason::CustomerEscalation),
        "chore" | "maintenance" => Some(OffPlanReason::Maintenance),
        "tech debt" | "technical debt" => Some(OffPlanReason::TechDebt),
        _ => None,
    }
}

/// Whether a tracker type names new work (a feature, a story, an improvement), which
/// words alone must not turn into a bug or an incident.
pub fn is_new_work_type(item_type: &str) -> bool {
    matches!(
        item_type
            .trim()
            .to_lowercase()
            .replace(['_', '-'], " ")
            .as_str(),
        "feature"
            | "new feature"
            | "story"
            | "user story"
            | "improvement"
            | "enhancement"
            | "feature request"
            | "epic"
    )
}

fn quote(s: &str) -> String {
    let s = s.trim();
    let short: String = s.chars().take(80).collect();
    if short.len() < s.len() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}

/// The strongest off-plan signal of an item, if any: notes first, then labels and
/// components, then the tracker type, then words of the title and description.
pub fn classify(item: &WorkItem, notes: &[&ContextNote]) -> Option<OffPlanSignal> {
    classify_strong(item, notes).or_else(|| classify_text(item))
}

/// Signals from notes, labels, components and the tracker type only (cheap; no text).
pub fn classify_strong(item: &WorkItem, notes: &[&ContextNote]) -> Option<OffPlanSignal> {
    classify_strong_but(item, notes, |_| false)
}

/// [`classify_strong`], passing over the labels and components `skip` says (the ones a
/// selector matched, which no unlinked item has).
pub(crate) fn classify_strong_but(
    item: &WorkItem,
    notes: &[&ContextNote],
    skip: impl Fn(&str) -> bool,
) -> Option<OffPlanSignal> {
    for n in notes {
        if let Some((reason, _)) = phrase_match(&n.text) {
            return Some(OffPlanSignal {
                reason,
                strength: Strength::Note,
                evidence: format!("note: {}", quote(&n.text)),
            });
        }
    }
    for l in item.labels.iter().chain(&item.components) {
        if skip(l) {
            continue;
        }
        if let Some(reason) = label_match(l) {
            return Some(OffPlanSignal {
                reason,
                strength: Strength::Label,
                evidence: format!("label \"{}\"", l.trim()),
            });
        }
    }
    let t = item.item_type.as_deref()?;
    type_match(t).map(|reason| OffPlanSignal {
        reason,
        strength: Strength::ItemType,
        evidence: format!("type \"{t}\""),
    })
}

/// A weak signal from words of the title (or the start of the description).
pub fn classify_text(item: &WorkItem) -> Option<OffPlanSignal> {
    let hit = phrase_match(&item.title)
        .or_else(|| phrase_match(crate::features::truncate(&item.description, 500)))
        // A feature's words about a crash it fixes on the way do not make it a bug.
        .filter(|(reason, _)| {
            *reason != OffPlanReason::BugIncident
                || !item.item_type.as_deref().is_some_and(is_new_work_type)
        });
    hit.map(|(reason, word)| OffPlanSignal {
        reason,
        strength: Strength::Text,
        evidence: format!("the word \"{word}\""),
    })
}

/// A weak label for self-training: the rule signal used to teach the learned model the
/// organisation's own off-plan vocabulary, and how much to trust it (0..1).
///
/// Notes and labels are trusted most. A tracker type alone (a Bug) is a weak hint, since
/// planned work has bugs too; when the words name a more specific reason (an escalation,
/// a deal), the words decide the reason.
pub fn weak_label(item: &WorkItem, notes: &[&ContextNote]) -> Option<(OffPlanReason, f32)> {
    weak_signal(item, notes).map(|(r, t, _)| (r, t))
}

/// [`weak_label`], with the kind of evidence the reason rests on (for [`RuleLift`]).
pub(crate) fn weak_signal(
    item: &WorkItem,
    notes: &[&ContextNote],
) -> Option<(OffPlanReason, f32, Strength)> {
    let strong = classify_strong(item, notes);
    let text = classify_text(item);
    match (strong, text) {
        (Some(s), t) if s.strength == Strength::ItemType => match t {
            Some(t)
                if matches!(
                    t.reason,
                    OffPlanReason::CustomerEscalation | OffPlanReason::SalesCommitment
                ) =>
            {
                Some((t.reason, 0.6, Strength::Text))
            }
            Some(t) if t.reason == s.reason => Some((s.reason, 0.6, Strength::ItemType)),
            _ => Some((s.reason, 0.35, Strength::ItemType)),
        },
        (Some(s), _) => Some((
            s.reason,
            if s.strength == Strength::Note {
                1.0
            } else {
                0.8
            },
            s.strength,
        )),
        (None, Some(t)) => Some((t.reason, 0.3, Strength::Text)),
        (None, None) => None,
    }
}

/// How much each off-plan rule says about this organisation's work: a rule that fires on
/// planned work as often as on the rest is no evidence that work is off plan.
///
/// A tracker type "Bug" is a trade-off in a team whose roadmap has no bugs, and the
/// daily work of every initiative in one whose roadmap is a product's backlog
/// (Appcelerator's linked work is 72% bugs). Taking the rule at its word there called
/// every item the model was unsure of "bug / incident", whatever area it was in. So each
/// rule (its reason and where it fired: label, type, words) is weighed by its excess on
/// unlinked work: `(rU - rL) / rU`, where `rL` and `rU` are the shares of linked and
/// unlinked work it fires on. Were the covered share of unlinked work as prone to the
/// rule as linked work, that is about the share of the rule's hits on unlinked work
/// that is off plan. A note is a person saying why, and always counts in full.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleLift {
    /// Per rule, its excess; empty (every rule counts in full) when there was too little
    /// linked work to compare with.
    excess: std::collections::HashMap<(Strength, OffPlanReason), f32>,
}

/// Linked items needed before the rules' rates on them are trusted.
const MIN_LINKED_FOR_LIFT: usize = 30;

impl RuleLift {
    /// `linked[i]`: `Some(true)` for work linked to an initiative or goal, `Some(false)`
    /// for unlinked work, `None` for work that counts as neither (epics, work people put
    /// off plan themselves).
    /// Linked work is read without the labels and components a selector matched
    /// (`selected`): they say how it was linked, and unlinked work never has them.
    pub(crate) fn measure<'n>(
        items: &[WorkItem],
        linked: impl Fn(usize) -> Option<bool> + Sync,
        notes_of: impl Fn(usize) -> Vec<&'n ContextNote> + Sync,
        selected: impl Fn(&str) -> bool + Sync,
        threads: usize,
    ) -> Self {
        type Counts = std::collections::HashMap<(Strength, OffPlanReason), [usize; 2]>;
        let parts: Vec<(Counts, [usize; 2])> =
            crate::parallel::map_chunks(items.len(), threads, |range| {
                let mut c = Counts::new();
                let mut n = [0usize; 2];
                for i in range {
                    let Some(is_linked) = linked(i) else { continue };
                    let side = usize::from(!is_linked);
                    n[side] += 1;
                    let notes = notes_of(i);
                    if let Some(s) =
                        classify_strong_but(&items[i], &notes, |l| is_linked && selected(l))
                            .or_else(|| classify_text(&items[i]))
                    {
                        c.entry((s.strength, s.reason)).or_default()[side] += 1;
                    }
                }
                (c, n)
            });
        let mut counts = Counts::new();
        let mut n = [0usize; 2];
        for (c, k) in parts {
            n[0] += k[0];
            n[1] += k[1];
            for (key, v) in c {
                let e = counts.entry(key).or_default();
                e[0] += v[0];
                e[1] += v[1];
            }
        }
        if n[0] < MIN_LINKED_FOR_LIFT || n[1] == 0 {
            return RuleLift::default();
        }
        let excess = counts
            .into_iter()
            .map(|(key, [l, u])| {
                let (rl, ru) = (l as f32 / n[0] as f32, u as f32 / n[1] as f32);
                let e = if ru > 0.0 {
                    ((ru - rl) / ru).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (key, e)
            })
            .collect();
        RuleLift { excess }
    }

    /// How far the signal is evidence of off-plan work here (0..1).
    pub(crate) fn weight(&self, s: &OffPlanSignal) -> f32 {
        if s.strength == Strength::Note {
            return 1.0;
        }
        self.excess
            .get(&(s.strength, s.reason))
            .copied()
            .unwrap_or(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(phrase_match("idealistic plans").is_none());
        assert_eq!(
            phrase_match("Pulled in for the ACME renewal").map(|p| p.0),
            Some(OffPlanReason::SalesCommitment)
        );
        assert!(phrase_match("").is_none());
        assert!(phrase_match("ünïcödé ✓").is_none());
    }

    #[test]
    fn engineering_words_are_not_taken_for_deals_or_escalations() {
        // Titles of the real public trackers in ../shared/data that the first phrase
        // lists took for sales commitments, escalations or exploration.
        for t in [
            "Close the file handler",
            "Close Migration ExecutorService if Started",
            "Deal with null partition values",
            "Sign OS X application with developer certificate",
            "Add a contract test for the REST catalog",
            "Command executor may escalate privileges: fix privilege escalation",
            "Signal escalation timeout is not configurable",
            "RFI with prospective DWDM vendors",
            "Samples: Project Explorer context menu",
            "Extend functionality of experimental Jupyter widget",
            "FITS Visualizer porting: Rotate",
            "Update Bug report template for 1.7.2",
        ] {
            assert_eq!(phrase_match(t), None, "{t}");
        }
        let reason = |t: &str| phrase_match(t).map(|p| p.0);
        // What the rules are for still fires, and a masked usage does not hide a real
        // hint elsewhere in the text.
        assert_eq!(
            reason("Export to CSV, promised to Globex to close the deal"),
            Some(OffPlanReason::SalesCommitment)
        );
        assert_eq!(
            reason("Certificate renewal for the ACME renewal demo"),
            Some(OffPlanReason::SalesCommitment)
        );
        assert_eq!(
            reason("Security certificate renewal"),
            Some(OffPlanReason::Maintenance)
        );
        assert_eq!(
            reason("Escalated by support: exports time out for Initech"),
            Some(OffPlanReason::CustomerEscalation)
        );
        assert_eq!(
            reason("Add regression tests for the planner"),
            None,
            "tests are not an incident"
        );
        assert_eq!(
            reason("Regression: planner crashes on empty tables"),
            Some(OffPlanReason::BugIncident)
        );
        assert_eq!(
            reason("Fix bug in the report template renderer"),
            Some(OffPlanReason::BugIncident)
        );
        assert_eq!(
            reason("Explore how to shard the index"),
            Some(OffPlanReason::Exploration)
        );
        assert_eq!(
            reason("Bump jackson from 2.11.4 to 2.14.1"),
            Some(OffPlanReason::Maintenance)
        );
    }
}
