//! Deciding a match between two lists: from every pair above the threshold, the one match
//! ecograph stands behind for each record, or an honest "too close to call".
//!
//! A pair list is not a decision. When a partner record reaches two vendor accounts, at most one
//! of them is its company, unless the two accounts are themselves one company entered twice.
//! So, for each right record, its best candidate wins, together with the left records that are
//! duplicates of that candidate and of one another and score within [`TIE_LOGIT`] of it; a different company within
//! [`TIE_LOGIT`] of it makes the record ambiguous. Then, for each left record claimed by several right records that are not
//! duplicates of one another, the best claim wins and a close rival is ambiguous too.

use super::distinct::{Freqs, TokenCounts};
use super::evidence::MatchPair;
use super::model::Matcher;
use super::record::{Prepared, Record, prepare};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Candidates within this many log-odds of the best are too close to call: a factor of e^2,
/// about 7, in odds. The same margin account-list linking uses; it was fixed on a generated
/// ecosystem (seed 7) before any list this decides on was read.
pub const TIE_LOGIT: f64 = 2.0;

/// Candidates of one record weighed in a decision, best first; the rest cannot change it (they
/// are further from the best than the ones kept) and would make the work unbounded.
const MAX_WEIGHED: usize = 10;

/// What ecograph says of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The match ecograph stands behind.
    Match,
    /// One of two candidates too close to call; neither is taken.
    Ambiguous,
    /// Above the threshold but not chosen (listed only when every pair is asked for).
    Candidate,
}

impl Status {
    /// The status as written in `pairs.csv` and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Match => "match",
            Status::Ambiguous => "ambiguous",
            Status::Candidate => "candidate",
        }
    }
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).ln()
}

/// Prepared records of one side, made on first use (only records in contested pairs need them),
/// and the word frequencies two of them are judged one company with.
struct Side<'a> {
    records: &'a [Record],
    prepared: HashMap<usize, Prepared>,
    freqs: Freqs<'a>,
}

impl<'a> Side<'a> {
    fn new(records: &'a [Record], freqs: Freqs<'a>) -> Self {
        Side {
            records,
            prepared: HashMap::new(),
            freqs,
        }
    }

    /// Whether records `a` and `b` of this side are one company, by the matcher.
    fn same(&mut self, m: &Matcher, a: usize, b: usize, threshold: f64) -> bool {
        for i in [a, b] {
            self.prepared
                .entry(i)
                .or_insert_with(|| prepare(&self.records[i]));
        }
        m.reaches_in(
            &self.prepared[&a],
            &self.prepared[&b],
            threshold,
            &self.freqs,
        )
    }

    /// Whether record `b` is one company with every record of `group`.
    fn same_as_all(&mut self, m: &Matcher, group: &[usize], b: usize, threshold: f64) -> bool {
        group.iter().all(|&a| self.same(m, a, b, threshold))
    }
}

/// Decides every pair: each comes back with its [`Status`]. With `all_pairs`, pairs not chosen
/// are kept as [`Status::Candidate`]; otherwise only matches and ambiguous pairs are returned.
/// Sorted by right record, then score (best first). Whether two left records (or two right
/// records) are one company is judged with the word frequencies of `list`, the left list the
/// pairs were scored in ([`NoList`](super::distinct::NoList) for the training corpus alone). With the corpus alone,
/// "Corvidon Foods GmbH" and "Corviden Foods GmbH" read as one company spelt two ways (neither
/// word is known); in a list where each spelling names several companies they are two.
pub fn decide(
    matcher: &Matcher,
    left: &[Record],
    right: &[Record],
    pairs: Vec<MatchPair>,
    threshold: f64,
    all_pairs: bool,
    list: &dyn TokenCounts,
) -> Vec<(MatchPair, Status)> {
    let mut by_right: HashMap<usize, Vec<MatchPair>> = HashMap::new();
    for p in pairs {
        by_right.entry(p.right).or_default().push(p);
    }
    // Two left records are both in the list; two right records are weighed in it, not held.
    let mut lefts = Side::new(left, Freqs::list(&matcher.idf, list, true, true));
    let mut rights = Side::new(right, Freqs::list(&matcher.idf, list, false, false));
    let mut out: Vec<(MatchPair, Status)> = Vec::new();
    let mut rights_sorted: Vec<usize> = by_right.keys().copied().collect();
    rights_sorted.sort_unstable();
    for j in rights_sorted {
        let mut cands = by_right.remove(&j).unwrap_or_default();
        cands.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.left.cmp(&b.left)));
        let best = cands[0].left;
        let best_logit = logit(cands[0].score);
        let mut statuses = vec![Status::Candidate; cands.len()];
        statuses[0] = Status::Match;
        let mut rival = None;
        let mut taken = vec![best];
        for (k, c) in cands.iter().enumerate().skip(1).take(MAX_WEIGHED - 1) {
            // A duplicate of the best must also score about as well against this record: the
            // model seeing a clear difference here outweighs its judgement of the two alone.
            // And it must be one company with every record taken so far, not only with the
            // best: "Zeptrix Ltd" may open both "Zeptrix Foods Ltd" and "Zeptrix Security Ltd",
            // but those two are not one company, so the bare name is a root several share.
            let close = best_logit - logit(c.score) < TIE_LOGIT;
            if close && lefts.same_as_all(matcher, &taken, c.left, threshold) {
                statuses[k] = Status::Match;
                taken.push(c.left);
            } else if rival.is_none() {
                rival = Some(k);
            }
        }
        if let Some(k) = rival
            && best_logit - logit(cands[k].score) < TIE_LOGIT
        {
            for s in statuses.iter_mut() {
                if *s == Status::Match {
                    *s = Status::Candidate;
                }
            }
            statuses[0] = Status::Ambiguous;
            statuses[k] = Status::Ambiguous;
        }
        out.extend(cands.into_iter().zip(statuses));
    }
    settle_contested_lefts(matcher, &mut rights, &mut out, threshold);
    if !all_pairs {
        out.retain(|(_, s)| *s != Status::Candidate);
    }
    out
}

/// What one record resolves to among its candidates (`(probability, record)`, best first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum One {
    /// No candidate reaches the threshold.
    None,
    /// The candidate at this position is the match.
    Match(usize),
    /// The candidates at these positions are different companies too close to call.
    Ambiguous(usize, usize),
}

/// Decides one record against its candidates, as [`decide`] does for each right record: the
/// best at the threshold wins unless a candidate that is a different company (not a duplicate of
/// the best, by the matcher) is within [`TIE_LOGIT`] of it; whether two candidates are one
/// company is judged with the word frequencies of `list`, the list that holds them (the account
/// base of a resolution).
pub fn decide_one(
    matcher: &Matcher,
    candidates: &[(f64, &Record)],
    threshold: f64,
    list: &dyn TokenCounts,
) -> One {
    let Some(&(best, best_rec)) = candidates.first().filter(|(p, _)| *p >= threshold) else {
        return One::None;
    };
    let f = Freqs::list(&matcher.idf, list, true, true);
    let best_prep = prepare(best_rec);
    for (k, &(p, rec)) in candidates.iter().enumerate().skip(1).take(MAX_WEIGHED - 1) {
        if p < threshold || logit(best) - logit(p) >= TIE_LOGIT {
            break;
        }
        if !matcher.reaches_in(&best_prep, &prepare(rec), threshold, &f) {
            return One::Ambiguous(0, k);
        }
    }
    One::Match(0)
}

/// A left record matched by several right records that are different companies keeps only the
/// best claim; a rival claim within [`TIE_LOGIT`] makes both ambiguous.
fn settle_contested_lefts(
    matcher: &Matcher,
    rights: &mut Side,
    out: &mut [(MatchPair, Status)],
    threshold: f64,
) {
    let mut claims: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, (p, s)) in out.iter().enumerate() {
        if *s == Status::Match {
            claims.entry(p.left).or_default().push(k);
        }
    }
    let mut contested: Vec<Vec<usize>> = claims.into_values().filter(|c| c.len() > 1).collect();
    contested.sort_unstable();
    for mut ks in contested {
        ks.sort_by(|a, b| out[*b].0.score.total_cmp(&out[*a].0.score).then(a.cmp(b)));
        let first = ks[0];
        let (best_right, best_logit) = (out[first].0.right, logit(out[first].0.score));
        let mut tie = false;
        let mut kept = vec![best_right];
        for &k in ks.iter().skip(1).take(MAX_WEIGHED - 1) {
            if rights.same_as_all(matcher, &kept, out[k].0.right, threshold) {
                kept.push(out[k].0.right);
                continue;
            }
            if best_logit - logit(out[k].0.score) < TIE_LOGIT {
                out[k].1 = Status::Ambiguous;
                tie = true;
            } else {
                out[k].1 = Status::Candidate;
            }
        }
        for &k in ks.iter().skip(MAX_WEIGHED) {
            out[k].1 = Status::Candidate;
        }
        if tie {
            out[first].1 = Status::Ambiguous;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::distinct::NoList;
    use super::*;

    fn rec(id: &str, name: &str) -> Record {
        Record {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    fn pair(left: usize, right: usize, score: f64) -> MatchPair {
        MatchPair {
            left,
            right,
            score,
            evidence: Vec::new(),
        }
    }

    fn statuses(v: &[(MatchPair, Status)]) -> Vec<(usize, usize, Status)> {
        v.iter().map(|(p, s)| (p.left, p.right, *s)).collect()
    }

    #[test]
    fn a_clear_best_wins_and_a_close_rival_company_makes_it_ambiguous() {
        let m = super::super::card::shipped();
        let left = [
            rec("a", "Corvid Field Cleaning GmbH"),
            rec("b", "Zephyr Quantum Logistics Ltd"),
        ];
        let right = [
            rec("x", "Corvid Cleaning GmbH"),
            rec("y", "Corvid Cleaning"),
        ];
        // x: the rival is far behind in odds, so the best is the match.
        // y: the rival is within a factor of 7 in odds, so neither is taken.
        let pairs = vec![
            pair(0, 0, 0.99),
            pair(1, 0, 0.6),
            pair(0, 1, 0.9),
            pair(1, 1, 0.8),
        ];
        let d = decide(&m, &left, &right, pairs.clone(), 0.5, false, &NoList);
        assert_eq!(
            statuses(&d),
            vec![
                (0, 0, Status::Match),
                (0, 1, Status::Ambiguous),
                (1, 1, Status::Ambiguous)
            ]
        );
        let all = decide(&m, &left, &right, pairs, 0.5, true, &NoList);
        assert_eq!(all.len(), 4);
        assert!(all.contains(&(pair(1, 0, 0.6), Status::Candidate)));
    }

    #[test]
    fn duplicates_on_the_left_are_matched_together() {
        let m = super::super::card::shipped();
        let left = [
            rec("a", "Nordwind Logistik GmbH"),
            rec("b", "NORDWIND LOGISTIK GMBH"),
        ];
        let right = [rec("x", "Nordwind Logistik")];
        let d = decide(
            &m,
            &left,
            &right,
            vec![pair(0, 0, 0.97), pair(1, 0, 0.96)],
            0.5,
            false,
            &NoList,
        );
        assert_eq!(
            statuses(&d),
            vec![(0, 0, Status::Match), (1, 0, Status::Match)]
        );
    }

    #[test]
    fn records_taken_together_must_be_one_company_with_each_other() {
        let m = super::super::card::shipped();
        // The bare name opens both longer ones, which are not one company with each other:
        // their web domains and phones differ.
        let with = |id: &str, name: &str, domain: &str, phone: &str| Record {
            domain: Some(domain.into()),
            phone: Some(phone.into()),
            ..rec(id, name)
        };
        let left = [
            rec("a", "Zeptrix Ltd"),
            with(
                "b",
                "Zeptrix Foods Ltd",
                "zeptrixfoods.co.uk",
                "+44 113 4960001",
            ),
            with(
                "c",
                "Zeptrix Security Ltd",
                "zeptrix-sec.co.uk",
                "+44 113 4960777",
            ),
        ];
        let p: Vec<Prepared> = left.iter().map(prepare).collect();
        assert!(m.reaches(&p[0], &p[1], 0.5) && m.reaches(&p[0], &p[2], 0.5));
        assert!(!m.reaches(&p[1], &p[2], 0.5));
        let right = [rec("x", "Zeptrix UK Ltd")];
        let d = decide(
            &m,
            &left,
            &right,
            vec![pair(0, 0, 0.9), pair(1, 0, 0.8), pair(2, 0, 0.75)],
            0.5,
            false,
            &NoList,
        );
        assert!(
            d.iter().all(|(_, s)| *s != Status::Match),
            "{:?}",
            statuses(&d)
        );
        assert!(d.iter().any(|(_, s)| *s == Status::Ambiguous));
    }

    #[test]
    fn a_left_record_claimed_by_two_companies_keeps_the_clear_best_claim() {
        let m = super::super::card::shipped();
        let left = [rec("a", "Kestrel Analytics")];
        let right = [
            rec("x", "Kestrel Analytics Inc"),
            rec("y", "Quillon Maritime Services"),
        ];
        let d = decide(
            &m,
            &left,
            &right,
            vec![pair(0, 0, 0.99), pair(0, 1, 0.7)],
            0.5,
            false,
            &NoList,
        );
        assert_eq!(statuses(&d), vec![(0, 0, Status::Match)]);
        let d = decide(
            &m,
            &left,
            &right,
            vec![pair(0, 0, 0.9), pair(0, 1, 0.8)],
            0.5,
            false,
            &NoList,
        );
        assert_eq!(
            statuses(&d),
            vec![(0, 0, Status::Ambiguous), (0, 1, Status::Ambiguous)]
        );
    }

    #[test]
    fn duplicates_are_judged_with_the_word_frequencies_of_the_list_matched_against() {
        // Two roots a letter apart, each naming a company in four cities of a list of 2,008
        // (most of it in Hamburg): in this list they are two words, not one spelt two ways, so
        // the Hamburg companies are not duplicates.
        let m = super::super::card::shipped();
        let mut left: Vec<Record> = (0..2000)
            .map(|i| Record {
                id: format!("other-{i}"),
                name: format!("Nordhafen{i} Handel GmbH"),
                city: Some("Hamburg".into()),
                ..Default::default()
            })
            .collect();
        // The list counts words once per distinct name, so each root names four companies
        // with four lines of business; both roots' Hamburg companies sell food.
        for (city, line) in [
            ("Hamburg", "Foods"),
            ("Berlin", "Retail"),
            ("Munich", "Print"),
            ("Bremen", "Textile"),
        ] {
            for root in ["Corvidon", "Corviden"] {
                left.push(Record {
                    id: format!("{root}-{city}"),
                    name: format!("{root} {line} GmbH"),
                    city: Some(city.into()),
                    ..Default::default()
                });
            }
        }
        // A letter put for another, as far from one root as from the other (a doubled letter,
        // "Corviddon", would be read as Corvidon's typo and settle it).
        let right = [Record {
            id: "r".into(),
            name: "Corvidan Foods GmbH".into(),
            city: Some("Hamburg".into()),
            ..Default::default()
        }];
        let (pairs, _) = m.match_lists(&left, &right, 0.5);
        let hamburg: Vec<usize> = pairs
            .iter()
            .filter(|p| left[p.left].city.as_deref() == Some("Hamburg"))
            .map(|p| p.left)
            .collect();
        assert_eq!(
            hamburg.len(),
            2,
            "both Hamburg companies reach the threshold"
        );
        // With the corpus alone neither root is a known word, so the two read as one company
        // entered twice and both are matched.
        let by_corpus = decide(&m, &left, &right, pairs, 0.5, false, &NoList);
        let matched = |d: &[(MatchPair, Status)]| {
            d.iter()
                .filter(|(_, s)| *s == Status::Match)
                .map(|(p, _)| left[p.left].id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(matched(&by_corpus).len(), 2, "{by_corpus:?}");
        // In the list they are two companies: at most one is the match.
        let (in_list, _, above) = m.match_and_decide(&left, &right, 0.5, false, &());
        assert!(above >= 2);
        assert!(matched(&in_list).len() <= 1, "{in_list:?}");
        assert!(!in_list.is_empty());
        // Resolving the record against the same list as an account base decides alike: with
        // the corpus the two close candidates are one company (the best is taken), in the list
        // they are two too close to call.
        let mut cands: Vec<(f64, &Record)> = pairs_again(&m, &left, &right[0]);
        cands.sort_by(|a, b| b.0.total_cmp(&a.0));
        assert!(
            logit(cands[0].0) - logit(cands[1].0) < TIE_LOGIT,
            "{cands:?}"
        );
        assert_eq!(decide_one(&m, &cands, 0.5, &NoList), One::Match(0));
        let base = super::super::Index::from_prepared(left.iter().map(prepare).collect());
        assert_eq!(decide_one(&m, &cands, 0.5, &base), One::Ambiguous(0, 1));
    }

    /// Every left record's probability against `r` at or above 0.5, scored in the left list.
    fn pairs_again<'a>(m: &Matcher, left: &'a [Record], r: &Record) -> Vec<(f64, &'a Record)> {
        let (pairs, _) = m.match_lists(left, std::slice::from_ref(r), 0.5);
        pairs.iter().map(|p| (p.score, &left[p.left])).collect()
    }
}
