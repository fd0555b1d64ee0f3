//! A logistic regression over named features, shared by the partner-intelligence models: fitted
//! with linfa on standardised columns, stored as plain numbers, explained feature by feature.
//!
//! A logistic regression is calibrated by construction on data like its training data, and its
//! parts in the log-odds are exact explanations, which is what the PRM shows next to each score.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a fit failed.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// One class has too few examples to learn from.
    #[error(
        "too few examples to learn from: {positive} positive and {negative} negative (at least {min} of each needed)"
    )]
    TooFew {
        /// The minimum per class.
        min: usize,
        /// Positive examples.
        positive: usize,
        /// Negative examples.
        negative: usize,
    },
    /// linfa failed.
    #[error("the fit failed: {0}")]
    Fit(String),
}

/// The fewest examples of each class a fit accepts.
pub const MIN_PER_CLASS: usize = 10;

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    /// Feature names, in vector order.
    pub features: Vec<String>,
    /// Feature means in the training data.
    pub mean: Vec<f64>,
    /// Feature standard deviations in the training data (1 where a feature was constant).
    pub scale: Vec<f64>,
    /// Weights on standardised features.
    pub weights: Vec<f64>,
    /// Intercept.
    pub bias: f64,
}

/// One feature's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Contribution {
    /// The feature.
    pub feature: String,
    /// Its value.
    pub value: f64,
    /// What it adds to the log-odds against the average training example.
    pub contribution: f64,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Logistic {
    /// Fits on rows of features (each `names.len()` long) and labels, with L2 penalty `alpha`.
    pub fn fit(
        names: &[&str],
        rows: &[Vec<f64>],
        y: &[bool],
        alpha: f64,
        max_iterations: u64,
    ) -> Result<Logistic, FitError> {
        let positive = y.iter().filter(|b| **b).count();
        let negative = y.len() - positive;
        if positive < MIN_PER_CLASS || negative < MIN_PER_CLASS {
            return Err(FitError::TooFew {
                min: MIN_PER_CLASS,
                positive,
                negative,
            });
        }
        let k = names.len();
        let n = rows.len() as f64;
        let mut mean = vec![0.0; k];
        for r in rows {
            debug_assert_eq!(r.len(), k);
            for (m, v) in mean.iter_mut().zip(r) {
                *m += v / n;
            }
        }
        let mut var = vec![0.0; k];
        for r in rows {
            for ((s, v), m) in var.iter_mut().zip(r).zip(&mean) {
                *s += (v - m).powi(2) / n;
            }
        }
        let scale: Vec<f64> = var
            .iter()
            .map(|v| if *v > 1e-12 { v.sqrt() } else { 1.0 })
            .collect();
        let flat: Vec<f64> = rows
            .iter()
            .flat_map(|r| r.iter().enumerate().map(|(j, v)| (v - mean[j]) / scale[j]))
            .collect();
        let xa = Array2::from_shape_vec((rows.len(), k), flat)
            .map_err(|e| FitError::Fit(e.to_string()))?;
        let ds = Dataset::new(xa, Array1::from_vec(y.to_vec()));
        let fitted = LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(max_iterations)
            .fit(&ds)
            .map_err(|e| FitError::Fit(e.to_string()))?;
        // linfa's "positive" class is the larger label; flip so the logit is for `true`.
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        Ok(Logistic {
            features: names.iter().map(|s| s.to_string()).collect(),
            mean,
            scale,
            weights: fitted.params().iter().map(|w| sign * w).collect(),
            bias: sign * fitted.intercept(),
        })
    }

    /// Whether the model reads exactly these features.
    pub fn reads(&self, names: &[&str]) -> bool {
        self.features.len() == names.len()
            && self.features.iter().zip(names).all(|(a, b)| a == b)
            && self.mean.len() == names.len()
            && self.scale.len() == names.len()
            && self.weights.len() == names.len()
            && self.scale.iter().all(|s| s.is_finite() && *s > 0.0)
    }

    /// The log-odds of `x`.
    pub fn logit(&self, x: &[f64]) -> f64 {
        self.bias
            + x.iter()
                .enumerate()
                .map(|(j, v)| self.weights[j] * (v - self.mean[j]) / self.scale[j])
                .sum::<f64>()
    }

    /// The probability of `x`.
    pub fn probability(&self, x: &[f64]) -> f64 {
        sigmoid(self.logit(x))
    }

    /// Each feature's part in the log-odds against the average training example, largest first,
    /// at most `k`; features that move nothing are left out.
    pub fn explain(&self, x: &[f64], k: usize) -> Vec<Contribution> {
        let mut out: Vec<Contribution> = x
            .iter()
            .enumerate()
            .map(|(j, v)| Contribution {
                feature: self.features[j].clone(),
                value: *v,
                contribution: self.weights[j] * (v - self.mean[j]) / self.scale[j],
            })
            .filter(|c| c.contribution.abs() > 1e-9)
            .collect();
        out.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        out.truncate(k);
        out
    }
}

/// Normalised discounted cumulative gain at `k` of a ranking against a set of relevant items.
pub fn ndcg_at<T: PartialEq>(ranked: &[T], relevant: &[T], k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .filter(|(_, r)| relevant.contains(r))
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..relevant.len().min(k))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    dcg / ideal
}

/// Recall at `k`: the share of the relevant items in the first `k` of a ranking.
pub fn recall_at<T: PartialEq>(ranked: &[T], relevant: &[T], k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let hit = relevant
        .iter()
        .filter(|r| ranked.iter().take(k).any(|x| x == *r))
        .count();
    hit as f64 / relevant.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_metrics_of_known_rankings() {
        let ranked = ["a", "b", "c", "d"];
        assert_eq!(recall_at(&ranked, &["a", "d"], 2), 0.5);
        assert_eq!(recall_at(&ranked, &["a", "d"], 4), 1.0);
        assert!((ndcg_at(&ranked, &["a"], 10) - 1.0).abs() < 1e-12);
        let second = ndcg_at(&ranked, &["b"], 10);
        assert!((second - 1.0 / 3f64.log2()).abs() < 1e-12);
        assert_eq!(ndcg_at(&ranked, &["z"], 10), 0.0);
    }

    #[test]
    fn a_fit_learns_the_sign_of_the_feature_that_separates_and_explains_with_it() {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..400 {
            let signal = (i % 7) as f64;
            let noise = ((i * 37) % 11) as f64;
            rows.push(vec![signal, noise]);
            y.push(signal >= 4.0);
        }
        let m = Logistic::fit(&["signal", "noise"], &rows, &y, 1.0, 200).expect("fits");
        assert!(m.reads(&["signal", "noise"]));
        assert!(!m.reads(&["noise", "signal"]));
        assert!(m.weights[0] > 0.0);
        assert!(m.probability(&[6.0, 5.0]) > 0.8);
        assert!(m.probability(&[0.0, 5.0]) < 0.2);
        let why = m.explain(&[6.0, 5.0], 1);
        assert_eq!(why[0].feature, "signal");
        assert!(why[0].contribution > 0.0);
    }

    #[test]
    fn too_few_of_a_class_is_refused() {
        let rows = vec![vec![1.0]; 30];
        let y: Vec<bool> = (0..30).map(|i| i < 3).collect();
        assert!(matches!(
            Logistic::fit(&["x"], &rows, &y, 1.0, 50),
            Err(FitError::TooFew { positive: 3, .. })
        ));
    }
}
