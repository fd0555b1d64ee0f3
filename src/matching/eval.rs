//! Evaluation metrics: pairwise precision/recall/F1, B-cubed, blocking pair completeness.

use std::collections::HashMap;

use rayon::prelude::*;

use super::cluster::Brands;
use super::decide;
use super::devsets::{DedupeSet, LinkSet};
use super::index;
use super::model::Matcher;
use super::record::{Prepared, prepare};

/// Precision, recall and F1 with the counts behind them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

impl Prf {
    /// From true positives, predicted positives and actual positives.
    pub fn from_counts(tp: f64, pred: f64, truth: f64) -> Self {
        let precision = if pred > 0.0 { tp / pred } else { 1.0 };
        let recall = if truth > 0.0 { tp / truth } else { 1.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

fn pairs(n: u64) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

/// Pairwise metrics of a clustering against true labels (all within-cluster pairs count).
pub fn pairwise(pred: &[usize], truth: &[String]) -> Prf {
    let mut cell: HashMap<(usize, &str), u64> = HashMap::new();
    let mut p: HashMap<usize, u64> = HashMap::new();
    let mut t: HashMap<&str, u64> = HashMap::new();
    for (c, l) in pred.iter().zip(truth) {
        *cell.entry((*c, l.as_str())).or_default() += 1;
        *p.entry(*c).or_default() += 1;
        *t.entry(l.as_str()).or_default() += 1;
    }
    let tp = cell.values().map(|n| pairs(*n)).sum();
    Prf::from_counts(
        tp,
        p.values().map(|n| pairs(*n)).sum(),
        t.values().map(|n| pairs(*n)).sum(),
    )
}

/// B-cubed precision/recall/F1: per record, the overlap of its predicted and true clusters.
pub fn bcubed(pred: &[usize], truth: &[String]) -> Prf {
    let mut cell: HashMap<(usize, &str), f64> = HashMap::new();
    let mut p: HashMap<usize, f64> = HashMap::new();
    let mut t: HashMap<&str, f64> = HashMap::new();
    for (c, l) in pred.iter().zip(truth) {
        *cell.entry((*c, l.as_str())).or_default() += 1.0;
        *p.entry(*c).or_default() += 1.0;
        *t.entry(l.as_str()).or_default() += 1.0;
    }
    let n = pred.len().max(1) as f64;
    let (mut sp, mut sr) = (0.0, 0.0);
    for (c, l) in pred.iter().zip(truth) {
        let both = cell[&(*c, l.as_str())];
        sp += both / p[c];
        sr += both / t[l.as_str()];
    }
    let (precision, recall) = (sp / n, sr / n);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Prf {
        precision,
        recall,
        f1,
    }
}

/// One row of the evaluation table.
#[derive(Debug, Clone, Default)]
pub struct EvalRow {
    /// Set name.
    pub set: String,
    /// Records (left + right for linkage).
    pub records: usize,
    /// Pairwise metrics.
    pub pairwise: Prf,
    /// B-cubed metrics (dedupe sets only).
    pub bcubed: Option<Prf>,
    /// Share of true pairs that blocking kept.
    pub pair_completeness: f64,
    /// Share of all pairs that blocking discarded.
    pub reduction_ratio: f64,
    /// Linkage sets only: pairwise metrics of the decided matches ([`super::decide`]).
    pub decided: Option<Prf>,
    /// Expected calibration error over the blocked candidate pairs, when measured.
    pub ece: Option<f64>,
}

/// Expected calibration error in ten equal-width bins of predicted probability: the gap between
/// the mean prediction and the share of true pairs in each bin, weighed by the bin's pairs.
pub fn ece(probs: &[f64], labels: &[bool]) -> f64 {
    let mut sum_p = [0.0; 10];
    let mut sum_y = [0.0; 10];
    let mut n = [0usize; 10];
    for (p, y) in probs.iter().zip(labels) {
        let b = ((p * 10.0) as usize).min(9);
        sum_p[b] += p;
        sum_y[b] += f64::from(u8::from(*y));
        n[b] += 1;
    }
    let total = probs.len().max(1) as f64;
    (0..10)
        .filter(|b| n[*b] > 0)
        .map(|b| (sum_p[b] - sum_y[b]).abs() / total)
        .sum()
}

/// Runs dedupe + clustering on a labelled set at the matcher's threshold.
pub fn eval_dedupe(m: &Matcher, set: &DedupeSet) -> EvalRow {
    let (ids, stats) = m.dedupe(&set.records, m.threshold(), Brands::Join);
    let preps: Vec<Prepared> = set.records.par_iter().map(prepare).collect();
    let cands = index::dedupe_candidates(&preps, &m.blocking);
    let found = cands
        .iter()
        .filter(|(i, j)| set.labels[*i as usize] == set.labels[*j as usize])
        .count() as f64;
    let mut t: HashMap<&str, u64> = HashMap::new();
    for l in &set.labels {
        *t.entry(l.as_str()).or_default() += 1;
    }
    let true_pairs: f64 = t.values().map(|n| pairs(*n)).sum();
    EvalRow {
        set: set.name.clone(),
        records: set.records.len(),
        pairwise: pairwise(&ids, &set.labels),
        bcubed: Some(bcubed(&ids, &set.labels)),
        pair_completeness: if true_pairs > 0.0 {
            found / true_pairs
        } else {
            1.0
        },
        reduction_ratio: stats.reduction_ratio,
        decided: None,
        ece: None,
    }
}

/// Runs two-list matching on a labelled linkage set at the matcher's threshold.
pub fn eval_link(m: &Matcher, set: &LinkSet) -> EvalRow {
    // Every pair above the threshold, each with its decision.
    let (decided, stats, _) = m.match_and_decide(&set.left, &set.right, m.threshold(), true, &());
    let lp: Vec<Prepared> = set.left.par_iter().map(prepare).collect();
    let rp: Vec<Prepared> = set.right.par_iter().map(prepare).collect();
    let same = |i: usize, j: usize| set.left_labels[i] == set.right_labels[j];
    let cands = index::link_candidates(&lp, &rp, &m.blocking);
    let kept = cands
        .iter()
        .filter(|(i, j)| same(*i as usize, *j as usize))
        .count() as f64;
    let mut lcount: HashMap<&str, u64> = HashMap::new();
    for l in &set.left_labels {
        *lcount.entry(l.as_str()).or_default() += 1;
    }
    let true_pairs: f64 = set
        .right_labels
        .iter()
        .map(|l| lcount.get(l.as_str()).copied().unwrap_or(0) as f64)
        .sum();
    let tp = decided
        .iter()
        .filter(|(p, _)| same(p.left, p.right))
        .count() as f64;
    let listed = decided.len() as f64;
    let chosen: Vec<(usize, usize)> = decided
        .iter()
        .filter(|(_, s)| *s == decide::Status::Match)
        .map(|(p, _)| (p.left, p.right))
        .collect();
    let decided_tp = chosen.iter().filter(|(i, j)| same(*i, *j)).count() as f64;
    EvalRow {
        set: set.name.clone(),
        records: set.left.len() + set.right.len(),
        pairwise: Prf::from_counts(tp, listed, true_pairs),
        bcubed: None,
        decided: Some(Prf::from_counts(
            decided_tp,
            chosen.len() as f64,
            true_pairs,
        )),
        ece: None,
        pair_completeness: if true_pairs > 0.0 {
            kept / true_pairs
        } else {
            1.0
        },
        reduction_ratio: stats.reduction_ratio,
    }
}

/// Formats rows as a fixed-width table.
pub fn table(rows: &[EvalRow]) -> String {
    let mut s = format!(
        "{:<28} {:>6} {:>6} {:>6} {:>6} {:>8} {:>8} {:>8} {:>20} {:>6}\n",
        "set", "n", "P", "R", "F1", "B3-F1", "PC", "RR", "decided P/R/F1", "ECE"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<28} {:>6} {:>6.3} {:>6.3} {:>6.3} {:>8} {:>8.4} {:>8.5} {:>20} {:>6}\n",
            r.set,
            r.records,
            r.pairwise.precision,
            r.pairwise.recall,
            r.pairwise.f1,
            r.bcubed
                .map(|b| format!("{:.3}", b.f1))
                .unwrap_or_else(|| "-".into()),
            r.pair_completeness,
            r.reduction_ratio,
            r.decided
                .map(|d| format!("{:.4}/{:.4}/{:.4}", d.precision, d.recall, d.f1))
                .unwrap_or_else(|| "-".into()),
            r.ece
                .map(|e| format!("{e:.4}"))
                .unwrap_or_else(|| "-".into()),
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_on_known_clusterings() {
        let truth: Vec<String> = ["a", "a", "a", "b"].iter().map(|s| s.to_string()).collect();
        let perfect = pairwise(&[0, 0, 0, 1], &truth);
        assert!((perfect.f1 - 1.0).abs() < 1e-12);
        let split = pairwise(&[0, 0, 1, 2], &truth);
        assert!((split.precision - 1.0).abs() < 1e-12);
        assert!((split.recall - 1.0 / 3.0).abs() < 1e-12);
        let b = bcubed(&[0, 0, 0, 0], &truth);
        assert!((b.recall - 1.0).abs() < 1e-12);
        assert!((b.precision - (3.0 * 0.75 + 0.25) / 4.0).abs() < 1e-12);
    }
}
