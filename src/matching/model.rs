//! The fitted match model: logistic regression over pair features, plus the threshold and
//! blocking limits it was evaluated with. Serialised as JSON (the model artifact).

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::blocking::{BlockingConfig, BlockingStats};
use super::cluster::{self, Brands};
use super::decide;
use super::distinct::{self, Freqs};
use super::evidence::{Evidence, MatchPair, OneSide, PairSide};
use super::features::{self, FEATURES, FIELDS, N_FEATURES};
use super::index::{self, Index};
use super::record::{Prepared, Record, prepare};
use super::similarity::IdfTable;
use crate::progress::Progress;

/// Errors from loading or fitting a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The JSON could not be parsed.
    #[error("model JSON")]
    Json(#[from] serde_json::Error),
    /// The JSON parsed but does not fit this code's feature set.
    #[error("model does not match this feature set: {0}")]
    Incompatible(String),
    /// Fitting failed.
    #[error("fitting: {0}")]
    Fit(String),
}

/// A fitted matcher: weights, intercept, decision threshold, blocking limits and token idfs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Matcher {
    /// Feature names in weight order (checked on load).
    pub feature_names: Vec<String>,
    /// Logistic-regression weights.
    pub weights: Vec<f64>,
    /// Intercept.
    pub bias: f64,
    /// Probability at or above which a pair is a match; fixed before evaluation.
    pub threshold: f64,
    /// Blocking limits.
    pub blocking: BlockingConfig,
    /// Name-token idfs from the training corpus.
    pub idf: IdfTable,
    /// What the model was trained on and how it scored on data it did not see.
    #[serde(default)]
    pub info: TrainingInfo,
    /// [`Matcher::expensive_order`], computed on first use (it changes only speed, never a
    /// result, so weights edited afterwards cannot make it wrong).
    #[serde(skip)]
    order: std::sync::OnceLock<[usize; features::EXPENSIVE.len()]>,
}

/// Provenance and held-out results recorded with the model.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// Training sources.
    pub trained_on: Vec<String>,
    /// Held-out set name -> pairwise F1 measured at training time.
    pub held_out_f1: Vec<(String, f64)>,
    /// Date of training (UTC, YYYY-MM-DD).
    pub date: String,
}

/// The weight of one feature `s` in a logistic regression whose other terms are fixed
/// (`offsets`, the logit without it), with the same L2 penalty `alpha` as the joint fit: Newton's
/// method on a one-dimensional convex loss.
fn fit_one_weight(offsets: &[f64], s: &[f64], y: &[bool], alpha: f64) -> f64 {
    let mut w = 0.0;
    for _ in 0..100 {
        let (mut grad, mut hess) = (alpha * w, alpha);
        for ((z, v), t) in offsets.iter().zip(s).zip(y) {
            if *v == 0.0 {
                continue;
            }
            let p = sigmoid(z + w * v);
            grad += (p - f64::from(u8::from(*t))) * v;
            hess += p * (1.0 - p) * v * v;
        }
        // Damped: far from the optimum a full Newton step can overshoot.
        let step = (grad / hess.max(1e-12)).clamp(-5.0, 5.0);
        w -= step;
        if step.abs() < 1e-10 {
            break;
        }
    }
    w
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Matcher {
    /// Loads a model artifact, checking it matches this code's features.
    pub fn from_json(s: &str) -> Result<Self, ModelError> {
        let m: Matcher = serde_json::from_str(s)?;
        let names: Vec<&str> = FEATURES.iter().map(|f| f.0).collect();
        if m.feature_names != names || m.weights.len() != N_FEATURES {
            return Err(ModelError::Incompatible(format!(
                "expected features {names:?}, got {:?}",
                m.feature_names
            )));
        }
        if !(0.0..=1.0).contains(&m.threshold) || m.weights.iter().any(|w| !w.is_finite()) {
            return Err(ModelError::Incompatible(
                "threshold or weights out of range".into(),
            ));
        }
        Ok(m)
    }

    /// Serialises the model artifact (pretty JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The decision threshold fixed at training time.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Fits a logistic regression on labelled feature vectors. `alpha` is the L2 penalty.
    pub fn fit(
        x: &[[f64; N_FEATURES]],
        y: &[bool],
        idf: IdfTable,
        blocking: BlockingConfig,
        threshold: f64,
        alpha: f64,
    ) -> Result<Self, ModelError> {
        // The features of `FITTED_AFTER` are fitted after the others (below): their columns
        // are left out of the joint fit (a zero column keeps a zero weight under the L2 penalty).
        let flat: Vec<f64> = x
            .iter()
            .flat_map(|r| {
                r.iter().enumerate().map(|(i, v)| {
                    if features::FITTED_AFTER.contains(&i) {
                        0.0
                    } else {
                        *v
                    }
                })
            })
            .collect();
        let xa = Array2::from_shape_vec((x.len(), N_FEATURES), flat)
            .map_err(|e| ModelError::Fit(e.to_string()))?;
        let ya = Array1::from_vec(y.to_vec());
        let ds = Dataset::new(xa, ya);
        let fitted = LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(500)
            .fit(&ds)
            .map_err(|e| ModelError::Fit(e.to_string()))?;
        // linfa calls the larger class "positive"; flip so the logit is for `true` (match).
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        let mut m = Matcher {
            feature_names: FEATURES.iter().map(|f| f.0.to_string()).collect(),
            weights: fitted.params().iter().map(|w| sign * w).collect(),
            bias: sign * fitted.intercept(),
            threshold,
            blocking,
            idf,
            info: TrainingInfo::default(),
            order: std::sync::OnceLock::new(),
        };
        // Fitted jointly, a swap took part of the cost the other name terms carried (the
        // one-side, chance and containment weights fell), and names differing by an added
        // word or sharing only a surname got cheaper (model card, "One word put for another");
        // so did a country put into a name, through the one-side and containment weights a
        // bare surname beside a descriptor leans on (model card, "Divisions named after their
        // country"). Fitted after them, one at a time, with the logit of all before as a fixed
        // offset, each can only add what the others leave unexplained.
        for i in features::FITTED_AFTER {
            let offsets: Vec<f64> = x.iter().map(|r| m.logit(r)).collect();
            let column: Vec<f64> = x.iter().map(|r| r[i]).collect();
            m.weights[i] = fit_one_weight(&offsets, &column, y, alpha);
        }
        Ok(m)
    }

    /// Logit of a feature vector.
    pub fn logit(&self, x: &[f64; N_FEATURES]) -> f64 {
        self.bias + x.iter().zip(&self.weights).map(|(a, w)| a * w).sum::<f64>()
    }

    /// Token frequencies of the training corpus, for pairs scored with no list at hand.
    pub fn corpus(&self) -> Freqs<'_> {
        Freqs::corpus(&self.idf)
    }

    /// Match probability of a pair, without evidence, with no list at hand.
    pub fn probability(&self, a: &Prepared, b: &Prepared) -> f64 {
        self.probability_in(a, b, &self.corpus())
    }

    /// Match probability of a pair scored in a list with token frequencies `f` (the fast path
    /// for bulk scoring).
    pub fn probability_in(&self, a: &Prepared, b: &Prepared, f: &Freqs) -> f64 {
        sigmoid(self.logit(&features::compare(a, b, f).0))
    }

    /// Whether a pair reaches probability `threshold`. The cheap features are computed first;
    /// then the expensive ones one at a time, and after each the logit is bounded using the
    /// most favourable values the remaining ones could take (length bounds for Levenshtein
    /// measures, 1 otherwise; 0 for negative weights since every feature is >= 0). A pair is
    /// rejected as soon as the bound falls short. Exact: it never rejects a pair that full
    /// scoring would accept.
    pub fn reaches(&self, a: &Prepared, b: &Prepared, threshold: f64) -> bool {
        self.reaches_in(a, b, threshold, &self.corpus())
    }

    /// [`Matcher::reaches`] for a pair scored in a list with token frequencies `f`.
    pub fn reaches_in(&self, a: &Prepared, b: &Prepared, threshold: f64, f: &Freqs) -> bool {
        if threshold <= 0.0 {
            return true;
        }
        if threshold >= 1.0 {
            return self.probability_in(a, b, f) >= threshold;
        }
        let need = (threshold / (1.0 - threshold)).ln();
        let mut x = features::cheap(a, b, f);
        // Small slack so rounding in the bound can never reject a pair exactly at threshold.
        let slack = 1e-9;
        let mut known = self.logit(&x);
        let mut bounds = [0.0; features::EXPENSIVE.len()];
        for (k, &i) in features::EXPENSIVE.iter().enumerate() {
            bounds[k] = self.weights[i].max(0.0) * features::expensive_bound(i, a, b);
        }
        let mut rest: f64 = bounds.iter().sum();
        if known + rest + slack < need {
            return false;
        }
        let mut diff = None;
        for &k in self.order.get_or_init(|| self.expensive_order()) {
            let i = features::EXPENSIVE[k];
            rest -= bounds[k];
            x[i] = features::expensive_one(i, a, b, f, &mut diff);
            known += self.weights[i] * x[i];
            if known + rest.max(0.0) + slack < need {
                return false;
            }
        }
        self.logit(&x) >= need
    }

    /// Positions in [`features::EXPENSIVE`] in the order a bounded evaluation computes them: by
    /// cost tier (the short address and city strings, then the name's string measures, then the
    /// list-frequency comparison), and within a tier by the most each can move the log-odds
    /// (|weight|, every feature being in [0, 1]). A measure the model barely weighs is computed
    /// last in its tier, once the others have rejected most pairs: ordered by a fixed list
    /// instead, soft-idf (weight -0.02 in the shipped model) cost a sixth of a 1M x 100k
    /// mapping. The order changes only the speed, never a result.
    fn expensive_order(&self) -> [usize; features::EXPENSIVE.len()] {
        let mut order: [usize; features::EXPENSIVE.len()] = std::array::from_fn(|k| k);
        order.sort_by(|&p, &q| {
            let (i, j) = (features::EXPENSIVE[p], features::EXPENSIVE[q]);
            features::cost_tier(i)
                .cmp(&features::cost_tier(j))
                .then(self.weights[j].abs().total_cmp(&self.weights[i].abs()))
                .then(p.cmp(&q))
        });
        order
    }

    /// Match probability and per-field evidence of a pair, with no list at hand.
    pub fn score_pair(&self, a: &Prepared, b: &Prepared) -> (f64, Vec<Evidence>) {
        self.score_pair_in(a, b, &self.corpus())
    }

    /// Match probability and per-field evidence of a pair scored in a list with token
    /// frequencies `f`.
    pub fn score_pair_in(&self, a: &Prepared, b: &Prepared, f: &Freqs) -> (f64, Vec<Evidence>) {
        let mut heard = Vec::new();
        let diff = distinct::compare_names(a, b, f, |side, t, nats| {
            heard.push((side, t.to_string(), nats));
        });
        let (x, headline) = features::compare_given(a, b, f, Some(diff));
        let mut contrib = [0.0; 7];
        let mut missing = [false; 7];
        for (i, v) in x.iter().enumerate() {
            contrib[features::field_of(i)] += self.weights[i] * v;
            if features::FEATURES[i].0.ends_with("_missing") && *v > 0.5 {
                missing[features::field_of(i)] = true;
            }
        }
        // The cost of the one-side term, and of the swap the one-side words make, shared among
        // those words by their information (the term saturates, so each token's share is
        // scaled with it).
        let term = self.weights[features::ONE_SIDE] * x[features::ONE_SIDE]
            + self.weights[features::SWAPPED] * x[features::SWAPPED];
        let one_side: Vec<OneSide> = heard
            .into_iter()
            .map(|(side, token, nats)| OneSide {
                token,
                side: if side == 0 {
                    PairSide::First
                } else {
                    PairSide::Second
                },
                cost: if diff.one_side_nats > 0.0 {
                    term * nats / diff.one_side_nats
                } else {
                    0.0
                },
            })
            .collect();
        let mut evidence: Vec<Evidence> = FIELDS
            .iter()
            .enumerate()
            .map(|(i, f)| Evidence {
                field: (*f).to_string(),
                similarity: headline[i],
                missing: missing[i],
                contribution: contrib[i],
                one_side: Vec::new(),
                relation: None,
            })
            .collect();
        evidence[0].one_side = one_side;
        evidence[0].relation = diff.relation;
        (sigmoid(self.logit(&x)), evidence)
    }

    /// Maps every right record to the left records it matches at `threshold` (rayon-parallel).
    pub fn match_lists(
        &self,
        left: &[Record],
        right: &[Record],
        threshold: f64,
    ) -> (Vec<MatchPair>, BlockingStats) {
        self.match_lists_with(left, right, threshold, &())
    }

    /// [`Matcher::match_lists`], reporting its stages (preparing the left records, matching the
    /// right ones) to `progress`.
    pub fn match_lists_with(
        &self,
        left: &[Record],
        right: &[Record],
        threshold: f64,
        progress: &dyn Progress,
    ) -> (Vec<MatchPair>, BlockingStats) {
        let index = Index::from_prepared(prepare_all(left, progress));
        self.match_in(&index, left.len(), right, threshold, progress)
    }

    /// Matches two lists and decides the pairs ([`decide::decide`]), judging duplicates with
    /// the left list's word frequencies, as the pairs were scored. Returns the decided pairs
    /// (with `all_pairs`, those not chosen too), the blocking figures and how many pairs were
    /// above the threshold.
    pub fn match_and_decide(
        &self,
        left: &[Record],
        right: &[Record],
        threshold: f64,
        all_pairs: bool,
        progress: &dyn Progress,
    ) -> (Vec<(MatchPair, decide::Status)>, BlockingStats, usize) {
        let index = Index::from_prepared(prepare_all(left, progress));
        let (pairs, stats) = self.match_in(&index, left.len(), right, threshold, progress);
        let above = pairs.len();
        let decided = decide::decide(self, left, right, pairs, threshold, all_pairs, &index);
        (decided, stats, above)
    }

    /// Every right record's pairs at `threshold` with the `n_left` left records of `index`.
    fn match_in(
        &self,
        index: &Index,
        n_left: usize,
        right: &[Record],
        threshold: f64,
        progress: &dyn Progress,
    ) -> (Vec<MatchPair>, BlockingStats) {
        // Token frequencies of the left list, which holds the first record of every pair.
        let freqs = Freqs::list(&self.idf, index, true, false);
        progress.start("matching", right.len() as u64);
        // Queried in name order: neighbouring names share posting lists and candidates, so a
        // thread finds them still in cache instead of reading a 1M-record index afresh.
        let queries: Vec<Prepared> = right.par_iter().map(prepare).collect();
        let order = index::name_order(queries.len(), |j| queries[j].name());
        let per_right: Vec<(u64, bool, Vec<MatchPair>)> = index::map_in_order(order, |j| {
            let q = &queries[j];
            let freqs = freqs.for_query(q);
            let (cands, windowed) = index.candidates_windowed(q, &self.blocking);
            let mut found = Vec::new();
            for s in &cands {
                let Some(p) = index.prepared(*s) else {
                    continue;
                };
                if self.reaches_in(p, q, threshold, &freqs) {
                    let (score, evidence) = self.score_pair_in(p, q, &freqs);
                    found.push(MatchPair {
                        left: *s as usize,
                        right: j,
                        score,
                        evidence,
                    });
                }
            }
            progress.advance(1);
            (cands.len() as u64, windowed, found)
        });
        drop(queries);
        let compared = per_right.iter().map(|x| x.0).sum();
        let windowed = per_right.iter().filter(|x| x.1).count() as u64;
        let pairs = per_right.into_iter().flat_map(|x| x.2).collect();
        let total = n_left as u64 * right.len() as u64;
        let mut stats = BlockingStats::new(compared, total);
        stats.windowed_records = windowed;
        (pairs, stats)
    }

    /// Candidate pairs (i < j) of a dedupe run with their probabilities.
    pub fn dedupe_edges(&self, preps: &[Prepared]) -> Vec<(u32, u32, f64)> {
        self.dedupe_edges_with(preps, &())
    }

    fn dedupe_edges_with(
        &self,
        preps: &[Prepared],
        progress: &dyn Progress,
    ) -> Vec<(u32, u32, f64)> {
        let index = Index::from_prepared(preps.to_vec());
        self.dedupe_edges_in(preps, &index, progress)
    }

    /// [`Matcher::dedupe_edges`] with `index` built over `preps`, whose token frequencies weigh
    /// the names.
    fn dedupe_edges_in(
        &self,
        preps: &[Prepared],
        index: &Index,
        progress: &dyn Progress,
    ) -> Vec<(u32, u32, f64)> {
        progress.start("blocking", 0);
        let pairs = index::dedupe_candidates_in(index, preps, &self.blocking);
        progress.start("scoring pairs", pairs.len() as u64);
        let freqs = Freqs::list(&self.idf, index, true, true);
        pairs
            .into_par_iter()
            .map(|(i, j)| {
                let p = self.probability_in(&preps[i as usize], &preps[j as usize], &freqs);
                progress.advance(1);
                (i, j, p)
            })
            .collect()
    }

    /// Groups records into entities; returns a cluster id per record (ids are 0..k).
    /// Clustering is average-linkage, see [`cluster::average_linkage`]; with [`Brands::Join`],
    /// clusters that a bare brand name ties together are then joined, see
    /// [`cluster::bridge_brands`].
    pub fn dedupe(
        &self,
        records: &[Record],
        threshold: f64,
        brands: Brands,
    ) -> (Vec<usize>, BlockingStats) {
        self.dedupe_with(records, threshold, brands, &())
    }

    /// [`Matcher::dedupe`], reporting its stages (preparing, blocking, scoring candidate pairs,
    /// clustering) to `progress`.
    pub fn dedupe_with(
        &self,
        records: &[Record],
        threshold: f64,
        brands: Brands,
        progress: &dyn Progress,
    ) -> (Vec<usize>, BlockingStats) {
        let preps = prepare_all(records, progress);
        let index = Index::from_prepared(preps.clone());
        let edges = self.dedupe_edges_in(&preps, &index, progress);
        progress.start("clustering", 0);
        let n = records.len() as u64;
        let stats = BlockingStats::new(edges.len() as u64, n * n.saturating_sub(1) / 2);
        let freqs = Freqs::list(&self.idf, &index, true, true);
        let mut ids = cluster::average_linkage(preps.len(), &edges, threshold, |i, j| {
            self.probability_in(&preps[i], &preps[j], &freqs)
        });
        if brands == Brands::Join {
            ids = cluster::bridge_brands(&ids, &preps, &self.idf);
        }
        (ids, stats)
    }
}

/// Prepares records in parallel, reporting each to `progress` as a "preparing" stage.
fn prepare_all(records: &[Record], progress: &dyn Progress) -> Vec<Prepared> {
    progress.start("preparing", records.len() as u64);
    records
        .par_iter()
        .map(|r| {
            let p = prepare(r);
            progress.advance(1);
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fit_one_weight;

    #[test]
    fn one_weight_fitted_on_an_offset_recovers_the_log_odds_it_adds() {
        // Rows with the feature match one time in ten, the others half the time, and the
        // fixed terms say nothing (offset 0): the weight is the log odds ln(1/9).
        let mut offsets = Vec::new();
        let mut s = Vec::new();
        let mut y = Vec::new();
        for i in 0..2000 {
            offsets.push(0.0);
            let with = i < 1000;
            s.push(if with { 1.0 } else { 0.0 });
            y.push(if with { i % 10 == 0 } else { i % 2 == 0 });
        }
        // The L2 penalty (alpha 1 beside 1,000 rows of curvature 0.09) shrinks it by ~0.024.
        let w = fit_one_weight(&offsets, &s, &y, 1.0);
        let log_odds = (1.0f64 / 9.0).ln();
        assert!(w > log_odds && w - log_odds < 0.05, "{w}");
        // Where the fixed terms already explain the rows, nothing is left for the feature.
        let explained: Vec<f64> = s
            .iter()
            .map(|v| if *v > 0.0 { (1.0f64 / 9.0).ln() } else { 0.0 })
            .collect();
        let w = fit_one_weight(&explained, &s, &y, 1.0);
        assert!(w.abs() < 0.02, "{w}");
    }
}
