//! Building labelled training pairs and fitting the match model.
//!
//! Pairs are the *blocked* candidate pairs of each source (so the model learns the pairs it
//! will actually see), labelled by ground truth, then capped per source so that one large set
//! (PATSTAT's Philips cluster alone has 228k true pairs) cannot dominate.

use rand::seq::SliceRandom;
use rayon::prelude::*;

use super::blocking::BlockingConfig;
use super::devsets::{DedupeSet, LinkSet};
use super::distinct::Freqs;
use super::features::{self, N_FEATURES};
use super::index::{self, Index};
use super::model::{Matcher, ModelError};
use super::record::{Prepared, Record, prepare};
use super::similarity::IdfTable;
use super::synth;

/// A training source.
pub enum Source<'a> {
    /// A labelled dedupe set.
    Dedupe(&'a DedupeSet),
    /// ecograph's synthetic dedupe set: a dedupe set whose labels say which company a record
    /// is, so that its names alone still carry its labels (see [`Source::labels_companies`]).
    Synthetic(&'a DedupeSet),
    /// A labelled two-list set.
    Link(&'a LinkSet),
    /// A generated dense world (the stress or the families shape): trained on, but kept out of
    /// the word-frequency corpus. Its few hundred made-up roots and descriptors would teach the
    /// corpus that "field", "light" or "nordex" are common words in company names anywhere.
    Generated(&'a LinkSet),
}

impl Source<'_> {
    fn name(&self) -> &str {
        match self {
            Source::Dedupe(d) | Source::Synthetic(d) => &d.name,
            Source::Link(l) | Source::Generated(l) => &l.name,
        }
    }

    /// Whether the source's labels say which *company* a record is, so that its names alone
    /// still carry its labels: the generated worlds and ecograph's synthetic set. Not Chicago
    /// (its entities are sites, whatever the name), Febrl (people) or PATSTAT (names only
    /// already).
    fn labels_companies(&self) -> bool {
        matches!(self, Source::Generated(_) | Source::Synthetic(_))
    }
}

/// Pairs taken from the names-only view of a source (see [`fit`]): a sixth of [`MAX_POS`] and
/// [`MAX_NEG`]. A third was run first and cost PATSTAT more calibration for the same gains (both
/// in the model card).
const NAMES_ONLY_SHARE: usize = 6;

/// Decision threshold, fixed before any evaluation: a calibrated probability of 0.5.
pub const THRESHOLD: f64 = 0.5;
/// L2 penalty of the logistic regression.
pub const ALPHA: f64 = 1.0;
/// Most positive and negative pairs taken from one source.
pub const MAX_POS: usize = 15_000;
/// See [`MAX_POS`].
pub const MAX_NEG: usize = 30_000;

/// Synthetic labelled dedupe set used in every training run.
pub fn synthetic_set(seed: u64, n: usize) -> DedupeSet {
    let (records, labels) = synth::dedupe_set(seed, n, 1.0);
    DedupeSet {
        name: format!("synthetic(seed={seed},n={n})"),
        records,
        labels,
    }
}

/// Feature vectors and their labels.
pub type Xy = (Vec<[f64; N_FEATURES]>, Vec<bool>);

fn sample(mut x: Xy, seed: u64, share: usize) -> Xy {
    let mut r = synth::rng(seed);
    let mut pos: Vec<usize> = (0..x.1.len()).filter(|i| x.1[*i]).collect();
    let mut neg: Vec<usize> = (0..x.1.len()).filter(|i| !x.1[*i]).collect();
    pos.shuffle(&mut r);
    neg.shuffle(&mut r);
    pos.truncate(MAX_POS / share);
    neg.truncate(MAX_NEG / share);
    let keep: Vec<usize> = pos.into_iter().chain(neg).collect();
    let xs = keep.iter().map(|i| x.0[*i]).collect();
    let ys = keep.iter().map(|i| x.1[*i]).collect();
    x.0.clear();
    (xs, ys)
}

/// A record as a names-only list holds it: its id and name.
fn name_only(r: &Record) -> Prepared {
    prepare(&Record {
        id: r.id.clone(),
        name: r.name.clone(),
        ..Record::default()
    })
}

/// Labelled feature vectors of a source's blocked candidate pairs, each pair weighed with the
/// token frequencies of its own lists, as matching them would.
pub fn labelled(src: &Source, idf: &IdfTable, cfg: &BlockingConfig) -> Xy {
    labelled_as(src, idf, cfg, prepare)
}

/// [`labelled`], with the records of both sides seen through `view`.
fn labelled_as(
    src: &Source,
    idf: &IdfTable,
    cfg: &BlockingConfig,
    view: fn(&Record) -> Prepared,
) -> Xy {
    match src {
        Source::Dedupe(d) | Source::Synthetic(d) => {
            let p: Vec<Prepared> = d.records.par_iter().map(view).collect();
            let index = Index::from_prepared(p.clone());
            let f = Freqs::list(idf, &index, true, true);
            index::dedupe_candidates_in(&index, &p, cfg)
                .into_par_iter()
                .map(|(i, j)| {
                    let (i, j) = (i as usize, j as usize);
                    (
                        features::compare(&p[i], &p[j], &f).0,
                        d.labels[i] == d.labels[j],
                    )
                })
                .unzip()
        }
        Source::Link(l) | Source::Generated(l) => {
            let lp: Vec<Prepared> = l.left.par_iter().map(view).collect();
            let rp: Vec<Prepared> = l.right.par_iter().map(view).collect();
            let index = Index::from_prepared(lp.clone());
            let f = Freqs::list(idf, &index, true, false);
            (0..rp.len())
                .into_par_iter()
                .flat_map_iter(|j| {
                    index
                        .candidates(&rp[j], cfg)
                        .into_iter()
                        .map(move |i| (i as usize, j))
                })
                .map(|(i, j)| {
                    (
                        features::compare(&lp[i], &rp[j], &f).0,
                        l.left_labels[i] == l.right_labels[j],
                    )
                })
                .unzip()
        }
    }
}

/// Token idfs over the names of the training records, stress worlds left out.
pub fn idf_of(sources: &[Source]) -> IdfTable {
    let mut docs: Vec<Vec<String>> = Vec::new();
    for s in sources {
        let recs: Vec<&super::record::Record> = match s {
            Source::Dedupe(d) | Source::Synthetic(d) => d.records.iter().collect(),
            Source::Link(l) => l.left.iter().chain(&l.right).collect(),
            Source::Generated(_) => continue,
        };
        docs.extend(
            recs.par_iter()
                .map(|r| prepare(r).token_vec())
                .collect::<Vec<_>>(),
        );
    }
    IdfTable::from_docs(docs.iter().map(Vec::as_slice), 3)
}

/// Per-source counts of (name, positive pairs, negative pairs) used in training.
pub type PairCounts = Vec<(String, usize, usize)>;

/// Fits a matcher on the given sources. Returns it and per-source (positives, negatives) used.
pub fn fit(sources: &[Source], seed: u64) -> Result<(Matcher, PairCounts), ModelError> {
    let cfg = BlockingConfig::default();
    let idf = idf_of(sources);
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut counts = Vec::new();
    for (k, s) in sources.iter().enumerate() {
        let (xs, ys) = sample(labelled(s, &idf, &cfg), seed + k as u64, 1);
        let npos = ys.iter().filter(|b| **b).count();
        counts.push((s.name().to_string(), npos, ys.len() - npos));
        x.extend(xs);
        y.extend(ys);
        // Users bring lists of names alone (alias lists, CRM exports without addresses). A
        // model that only saw names beside agreeing cities and phones learns nothing of what
        // names alone are worth, so the sources whose labels are companies are also learnt
        // from with every field but the name dropped.
        if s.labels_companies() {
            let (xs, ys) = sample(
                labelled_as(s, &idf, &cfg, name_only),
                seed + k as u64,
                NAMES_ONLY_SHARE,
            );
            let npos = ys.iter().filter(|b| **b).count();
            counts.push((format!("{}, names only", s.name()), npos, ys.len() - npos));
            x.extend(xs);
            y.extend(ys);
        }
    }
    let mut m = Matcher::fit(&x, &y, idf, cfg, THRESHOLD, ALPHA)?;
    m.info.trained_on = sources.iter().map(|s| s.name().to_string()).collect();
    Ok((m, counts))
}

/// Seed of the synthetic training set.
pub const SYNTH_SEED: u64 = 42;
/// Companies in the synthetic training set.
pub const SYNTH_N: usize = 4000;

/// One leave-one-dataset-out fold: the model trained without `held_out`, and its rows on it.
pub struct Fold {
    /// Name of the held-out set.
    pub held_out: String,
    /// Model trained on the other sets plus synthetic data.
    pub matcher: Matcher,
    /// Evaluation rows on the held-out set.
    pub rows: Vec<super::eval::EvalRow>,
    /// Pairs used per training source.
    pub counts: PairCounts,
}

/// Seed, left and right records of the stress world trained on.
pub const STRESS_TRAIN: (u64, usize, usize) = (101, 20_000, 5_000);
/// Seed, left and right records of the stress world evaluated while building (the fold that
/// holds the stress shape out is measured on it).
pub const STRESS_TEST: (u64, usize, usize) = (3, 20_000, 5_000);

/// Seed, left and right records of the families world trained on.
pub const FAMILIES_TRAIN: (u64, usize, usize) = (202, 20_000, 5_000);
/// Seed, left and right records of the families world the fold that holds it out is measured on.
pub const FAMILIES_TEST: (u64, usize, usize) = (5, 20_000, 5_000);

/// A families world as a labelled set.
pub fn families_set((seed, left, right): (u64, usize, usize)) -> LinkSet {
    super::families::generate(
        seed,
        left,
        right,
        format!("families(seed={seed},{left}x{right})"),
    )
    .expect("the training and test families worlds are within its size")
}

/// A stress world as a labelled set.
pub fn stress_set((seed, left, right): (u64, usize, usize)) -> LinkSet {
    super::stress::generate(seed, left, right)
        .expect("the training and test stress worlds are small enough for their name space")
        .link_set(format!("stress(seed={seed},{left}x{right})"))
}

/// The probabilities `m` gives the blocked candidate pairs of a set it did not see, and whether
/// each pair is a true match.
pub fn held_out_probabilities(m: &Matcher, src: &Source) -> (Vec<f64>, Vec<bool>) {
    let (x, y) = labelled(src, &m.idf, &m.blocking);
    let p = x
        .iter()
        .map(|v| 1.0 / (1.0 + (-m.logit(v)).exp()))
        .collect();
    (p, y)
}

fn logit_of(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).ln()
}

/// The share of matches among candidate pairs that makes probabilities fitted at
/// `trained_share` consistent with themselves on these pairs (EM over the prior, labels unseen).
pub fn prior_shift(p: &[f64], trained_share: f64) -> f64 {
    let mut share = trained_share;
    for _ in 0..200 {
        let up = share / trained_share;
        let down = (1.0 - share) / (1.0 - trained_share);
        let next = p
            .iter()
            .map(|q| up * q / (up * q + down * (1.0 - q)))
            .sum::<f64>()
            / p.len().max(1) as f64;
        if (next - share).abs() < 1e-7 {
            return next;
        }
        share = next;
    }
    share
}

/// The sources a fold may train on, by name.
pub const SOURCES: [&str; 6] = [
    "patstat",
    "chicago",
    "febrl4",
    "stress",
    "families",
    "synthetic",
];

/// Leave-one-source-out: for each source (the three development sets, the stress and families
/// shapes and ecograph's own generator), train on the other five and evaluate on it (PATSTAT
/// also without its largest cluster; the generated shapes on worlds of other seeds). A fresh
/// synthetic set with a different seed is evaluated by every fold's model as well.
pub fn leave_one_out(
    patstat: &DedupeSet,
    chicago: &DedupeSet,
    febrl: &LinkSet,
) -> Result<Vec<Fold>, ModelError> {
    use super::eval::{eval_dedupe, eval_link};
    let synth = synthetic_set(SYNTH_SEED, SYNTH_N);
    let synth_test = synthetic_set(7, 1500);
    let stress = stress_set(STRESS_TRAIN);
    let stress_test = stress_set(STRESS_TEST);
    let families = families_set(FAMILIES_TRAIN);
    let families_test = families_set(FAMILIES_TEST);
    let mut folds = Vec::new();
    for held in SOURCES {
        let mut srcs = Vec::new();
        for name in SOURCES.iter().filter(|n| **n != held) {
            srcs.push(match *name {
                "patstat" => Source::Dedupe(patstat),
                "chicago" => Source::Dedupe(chicago),
                "febrl4" => Source::Link(febrl),
                "stress" => Source::Generated(&stress),
                "families" => Source::Generated(&families),
                _ => Source::Synthetic(&synth),
            });
        }
        let (mut m, counts) = fit(&srcs, SYNTH_SEED)?;
        // The held-out set's first row, by any model (the adaptation below scores it again).
        let eval_held = |m: &Matcher| match held {
            "patstat" => eval_dedupe(m, patstat),
            "chicago" => eval_dedupe(m, chicago),
            "febrl4" => eval_link(m, febrl),
            "stress" => eval_link(m, &stress_test),
            "families" => eval_link(m, &families_test),
            _ => eval_dedupe(m, &synth_test),
        };
        let src = match held {
            "patstat" => Source::Dedupe(patstat),
            "chicago" => Source::Dedupe(chicago),
            "febrl4" => Source::Link(febrl),
            "stress" => Source::Generated(&stress_test),
            "families" => Source::Generated(&families_test),
            _ => Source::Synthetic(&synth_test),
        };
        let mut rows = vec![eval_held(&m)];
        if held == "patstat" {
            rows.push(eval_dedupe(&m, &patstat.without_largest().0));
        }
        if held != "synthetic" {
            rows.push(eval_dedupe(&m, &synth_test));
        }
        let (p, y) = held_out_probabilities(&m, &src);
        rows[0].ece = Some(super::eval::ece(&p, &y));
        if std::env::var_os("ECOGRAPH_MATCHER_ADAPT").is_some() {
            let pos: usize = counts.iter().map(|c| c.1).sum();
            let all: usize = counts.iter().map(|c| c.1 + c.2).sum();
            let trained_share = pos as f64 / all as f64;
            let share = prior_shift(&p, trained_share);
            let shift = logit_of(share) - logit_of(trained_share);
            let mut a = m.clone();
            a.bias += shift;
            let again = eval_held(&a);
            let shifted: Vec<f64> = p
                .iter()
                .map(|q| 1.0 / (1.0 + (-(logit_of(*q) + shift)).exp()))
                .collect();
            let ece = super::eval::ece(&shifted, &y);
            eprintln!(
                "adapt {held}: trained share {trained_share:.4} -> estimated {share:.4} (shift {shift:+.3}); before F1 {:.4} decided {:?} ECE {:.4}; after F1 {:.4} decided {:?} ECE {ece:.4}",
                rows[0].pairwise.f1,
                rows[0].decided.map(|d| d.f1),
                rows[0].ece.unwrap_or(f64::NAN),
                again.pairwise.f1,
                again.decided.map(|d| d.f1),
            );
        }
        m.info.held_out_f1 = rows
            .iter()
            .map(|r| (r.set.clone(), r.pairwise.f1))
            .collect();
        folds.push(Fold {
            held_out: held.to_string(),
            matcher: m,
            rows,
            counts,
        });
    }
    Ok(folds)
}

#[cfg(test)]
mod tests {
    use super::prior_shift;

    #[test]
    fn the_prior_shift_recovers_the_share_of_matches_of_a_list() {
        // A model fitted at a share of 0.5 gives a likelihood ratio of 4 or 1/4; matches show the
        // high ratio 80% of the time, non-matches 20%. A list with 10% matches (100 of 1,000):
        // 80 + 180 pairs at the high ratio, 20 + 720 at the low one.
        let at = |lr: f64| lr / (lr + 1.0);
        let mut p = vec![at(4.0); 260];
        p.extend(vec![at(0.25); 740]);
        let share = prior_shift(&p, 0.5);
        assert!((share - 0.1).abs() < 1e-3, "{share}");
        // Probabilities that already average the trained share leave it where it is.
        let even = vec![at(4.0), at(0.25)];
        assert!((prior_shift(&even, 0.5) - 0.5).abs() < 1e-6);
    }
}
