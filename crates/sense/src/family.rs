//! Versioned families of targets. Trackers name areas after what they version: `spark
//! 4.1` follows `spark 4.0`, `Checkout v2` follows `Checkout`. A member that is new (few
//! or no linked items) has no vocabulary of its own yet, but its work reads like its
//! family's, so it borrows the score of its best-scoring sibling, keeping what speaks
//! for it alone (its own words, such as its version). How far it trusts the borrowed
//! score is fitted on the held-out fold, where an older new member plays the same part.

use std::collections::HashMap;

/// Linked items at which a target relies half on its own model, half on its family's.
const OWN_HALF: f32 = 5.0;

/// The families of targets and how much each target borrows from its siblings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Families {
    /// Per target: its family (an index into `groups`), if it has siblings.
    family: Vec<Option<u32>>,
    /// Per target: an id of its exact name. Two targets of one name are not each
    /// other's siblings (a duplicate is not a version).
    name: Vec<u32>,
    /// The families of two or more names, as lists of their members.
    groups: Vec<Vec<u32>>,
    /// Per target: `OWN_HALF / (OWN_HALF + linked items)`; 0 without siblings.
    share: Vec<f32>,
    /// Per target: `ln m` when it is one of `m > 1` new members of its family (mostly
    /// borrowing), else 0. New members share what they borrow: two areas opened at once
    /// are each about half as likely as one would be, so they do not both take their
    /// sibling's place and crowd the top answers with copies of one score.
    split: Vec<f32>,
}

/// A target's name without its version-like words (any word with a digit), lower case;
/// empty when nothing else is left.
fn stem(name: &str) -> String {
    let mut spans = Vec::new();
    crate::features::tokens(name, &mut spans);
    spans
        .iter()
        .map(|s| &name[s.start..s.end])
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Families {
    /// Families from the targets' names (`None` for targets that are no area of work,
    /// like off-plan reasons) and the number of linked items of each target. Targets
    /// are grouped by stem in one pass: a tracker can have thousands of `Release 1.x`
    /// epics, and comparing every pair of names (or storing every sibling list) would
    /// grow with the square of that.
    pub fn new(names: &[Option<&str>], linked: &[usize]) -> Self {
        let n = names.len();
        let mut name_ids: HashMap<&str, u32> = HashMap::new();
        let name: Vec<u32> = names
            .iter()
            .map(|nm| {
                let next = name_ids.len() as u32;
                *name_ids.entry(nm.unwrap_or("")).or_insert(next)
            })
            .collect();
        let mut by_stem: HashMap<String, Vec<u32>> = HashMap::new();
        for (c, nm) in names.iter().enumerate() {
            if let Some(st) = nm.map(stem).filter(|s| !s.is_empty()) {
                by_stem.entry(st).or_default().push(c as u32);
            }
        }
        let mut groups: Vec<Vec<u32>> = by_stem
            .into_values()
            // A family needs two different names (`spark 4.1` and `spark`).
            .filter(|g| g.iter().any(|&m| name[m as usize] != name[g[0] as usize]))
            .collect();
        groups.sort_unstable();
        let mut family = vec![None; n];
        for (k, g) in groups.iter().enumerate() {
            for &m in g {
                family[m as usize] = Some(k as u32);
            }
        }
        let share: Vec<f32> = family
            .iter()
            .zip(linked)
            .map(|(f, &l)| match f {
                Some(_) => OWN_HALF / (OWN_HALF + l as f32),
                None => 0.0,
            })
            .collect();
        let new = |c: usize| share[c] >= 0.5;
        let mut split = vec![0f32; n];
        for g in &groups {
            // New siblings of a new member: the family's new members less those of its
            // own name (itself included), plus itself.
            let mut new_by_name: HashMap<u32, usize> = HashMap::new();
            for &m in g.iter().filter(|&&m| new(m as usize)) {
                *new_by_name.entry(name[m as usize]).or_default() += 1;
            }
            let all_new: usize = new_by_name.values().sum();
            for &m in g.iter().filter(|&&m| new(m as usize)) {
                let own = new_by_name[&name[m as usize]];
                split[m as usize] = ((1 + all_new - own) as f32).ln();
            }
        }
        Families {
            family,
            name,
            groups,
            share,
            split,
        }
    }

    /// Whether any target borrows at all.
    pub fn is_empty(&self) -> bool {
        self.share.iter().all(|&s| s == 0.0)
    }

    /// The siblings of target `c`: its family's members of another name.
    pub fn siblings(&self, c: usize) -> impl Iterator<Item = usize> + '_ {
        let members = match self.family.get(c) {
            Some(Some(g)) => self.groups[*g as usize].as_slice(),
            _ => &[],
        };
        members
            .iter()
            .map(|&m| m as usize)
            .filter(move |&m| self.name[m] != self.name[c])
    }

    /// Moves each borrowing target's score `z[c]` towards its best sibling's score less
    /// `gap`, plus what speaks for it alone, `evidence[c]` (its score without bias and
    /// prior), when positive: `z[c] = (1 - share) z[c] + share (max sibling z - gap -
    /// split + max(evidence[c], 0))`, where `split` shares the borrowed score among the
    /// family's new members. A new target's own model was trained against its
    /// siblings' items, so its negative evidence says little. Siblings are read before
    /// any target borrows, so the order does not matter.
    pub fn apply(&self, gap: f32, z: &mut [f32], evidence: &[f32], before: &mut Vec<f32>) {
        before.clear();
        before.extend_from_slice(z);
        // Per family, its best score and the best of the other names: a member's best
        // sibling is the family's best unless that has the member's own name. Linear
        // in the targets, however large a family grows.
        for g in &self.groups {
            let (mut best, mut best_name, mut other) =
                (f32::NEG_INFINITY, u32::MAX, f32::NEG_INFINITY);
            for &m in g {
                let Some(&v) = before.get(m as usize) else {
                    continue;
                };
                let nm = self.name[m as usize];
                if v > best {
                    if nm != best_name {
                        other = best;
                    }
                    (best, best_name) = (v, nm);
                } else if nm != best_name && v > other {
                    other = v;
                }
            }
            for &m in g {
                let c = m as usize;
                let share = self.share[c];
                if share == 0.0 || c >= z.len() {
                    continue;
                }
                let sib_best = if self.name[c] == best_name {
                    other
                } else {
                    best
                };
                if sib_best.is_finite() {
                    z[c] = (1.0 - share) * before[c]
                        + share * (sib_best - gap - self.split[c] + evidence[c].max(0.0));
                }
            }
        }
    }

    /// The sibling target `c` borrowed from for these (pre-borrowing) scores, if it
    /// borrows a noticeable share.
    pub fn lender(&self, c: usize, before: &[f32]) -> Option<usize> {
        if self.share.get(c).is_none_or(|&s| s < 0.5) {
            return None;
        }
        self.siblings(c)
            .filter(|&s| s < before.len())
            .max_by(|&a, &b| before[a].total_cmp(&before[b]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_make_a_family_and_plain_words_do_not() {
        let names = [
            Some("Spark 4.1"),
            Some("spark"),
            Some("Spark 3.5"),
            Some("Flink 3.5"),
            Some("Improve search"),
            Some("Improve onboarding"),
            None,
        ];
        let f = Families::new(&names, &[0, 100, 40, 50, 0, 80, 10]);
        let sib = |c: usize| f.siblings(c).collect::<Vec<_>>();
        assert_eq!(sib(0), vec![1, 2]);
        assert_eq!(sib(3), Vec::<usize>::new());
        assert!(sib(4).is_empty() && sib(6).is_empty());
        assert_eq!(f.share[0], 1.0);
        assert!(f.share[1] < 0.05);
        assert_eq!(f.share[4], 0.0);
    }

    #[test]
    fn new_members_opened_together_share_what_they_borrow() {
        let names = [Some("app v3"), Some("app v2"), Some("app"), Some("web")];
        let f = Families::new(&names, &[0, 0, 50, 50]);
        let mut z = vec![-3.0, -3.0, 1.0, 0.5];
        let mut buf = Vec::new();
        // The same evidence for both new members: each gets the sibling's score less the
        // gap and less ln 2, instead of both taking it whole.
        f.apply(0.5, &mut z, &[0.0, 0.0, 0.0, 0.0], &mut buf);
        let want = 1.0 - 0.5 - 2f32.ln();
        assert!(
            (z[0] - want).abs() < 1e-6 && (z[1] - want).abs() < 1e-6,
            "{z:?}"
        );
        // What speaks for one of them alone still separates them.
        let mut z = vec![-3.0, -3.0, 1.0, 0.5];
        f.apply(0.5, &mut z, &[0.8, 0.0, 0.0, 0.0], &mut buf);
        assert!(z[0] > z[1] && z[0] > z[3], "{z:?}");
        // The established member does not split anything.
        assert_eq!(f.split[2], 0.0);
    }

    #[test]
    fn one_pass_per_family_gives_what_each_members_best_sibling_gives() {
        // A large family (release epics) with some new members, two epics that share a
        // name (not each other's siblings), and an unrelated target.
        let names: Vec<String> = (0..40)
            .map(|i| format!("Release 1.{}", i.min(38)))
            .chain(["Search".to_string()])
            .collect();
        let refs: Vec<Option<&str>> = names.iter().map(|n| Some(n.as_str())).collect();
        let linked: Vec<usize> = (0..41)
            .map(|i| if i % 3 == 0 { 0 } else { 4 * i })
            .collect();
        let f = Families::new(&refs, &linked);
        // Every pair of scores differs, and one of the twins scores highest of all.
        let mut z0: Vec<f32> = (0..41)
            .map(|i| ((i * 37 % 41) as f32 - 20.0) / 7.0)
            .collect();
        z0[39] = 10.0;
        let ev: Vec<f32> = (0..41).map(|i| ((i * 11 % 7) as f32 - 3.0) / 4.0).collect();
        let mut z = z0.clone();
        f.apply(0.5, &mut z, &ev, &mut Vec::new());
        for c in 0..41 {
            // The definition, member by member: siblings share the stem, not the name.
            let sibling =
                |s: usize| s != c && stem(&names[s]) == stem(&names[c]) && names[s] != names[c];
            let best = (0..41)
                .filter(|&s| sibling(s))
                .map(|s| z0[s])
                .fold(f32::NEG_INFINITY, f32::max);
            let share = f.share[c];
            let want = if share == 0.0 || !best.is_finite() {
                z0[c]
            } else {
                (1.0 - share) * z0[c] + share * (best - 0.5 - f.split[c] + ev[c].max(0.0))
            };
            assert!((z[c] - want).abs() < 1e-5, "target {c}: {} vs {want}", z[c]);
            assert_eq!(
                f.siblings(c).collect::<Vec<_>>(),
                (0..41).filter(|&s| sibling(s)).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_new_member_takes_its_best_siblings_score_less_the_gap() {
        let f = Families::new(&[Some("app v2"), Some("app"), Some("web")], &[0, 50, 50]);
        let mut z = vec![-3.0, 1.0, 0.5];
        let mut buf = Vec::new();
        f.apply(0.5, &mut z, &[0.2, 0.0, 0.0], &mut buf);
        assert!((z[0] - 0.7).abs() < 1e-6, "{z:?}");
        assert_eq!(f.lender(0, &buf), Some(1));
        assert!(!f.is_empty());
    }
}
