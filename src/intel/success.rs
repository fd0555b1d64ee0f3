//! Training and measuring the IPP success model on what the store holds: partners ordered by the
//! day they joined, the latest quarter held out, the model against each profile's declared
//! criteria on the same partners.

use super::fit::{self, Example, FEATURES};
use super::holdout::{TrainError, horizon};
use super::snapshot::Snapshot;
use crate::conflict::model::{ece, roc_auc};
use crate::domain::Ipp;
use crate::graph::EcoGraph;
use crate::learn::Logistic;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Share of partners (the latest to join) held out for measuring.
pub const HELD_OUT_SHARE: f64 = 0.25;

/// One profile's declared criteria as a ranker of success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaBaseline {
    /// The profile.
    pub ipp_id: String,
    /// ROC AUC of its criteria score.
    pub roc_auc: f64,
    /// ROC AUC of the blended score under it.
    pub blended_roc_auc: f64,
}

/// What `ecograph train ipp_success` measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuccessCard {
    /// Day after the latest event in the store.
    pub horizon: NaiveDate,
    /// Partners with a known outcome.
    pub partners: usize,
    /// Of which succeeded.
    pub succeeded: usize,
    /// Partners held out (joined on or after `held_out_from`).
    pub held_out: usize,
    /// First joining day held out.
    pub held_out_from: Option<NaiveDate>,
    /// ROC AUC of the model on the held-out partners.
    pub roc_auc: f64,
    /// Expected calibration error (10 bins) on them.
    pub ece: f64,
    /// Each profile's criteria on the same partners.
    pub criteria: Vec<CriteriaBaseline>,
    /// The model served before this training run (a stored version or the committed default) on
    /// the same held-out partners: ROC AUC and ECE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<(f64, f64)>,
    /// The other stores read, each split on its own, with their own held-out figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<SuccessHeldOut>,
}

/// How one more store's held-out partners measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuccessHeldOut {
    /// The store (its display URL).
    pub source: String,
    /// Partners with a known outcome.
    pub partners: usize,
    /// Of which succeeded.
    pub succeeded: usize,
    /// Partners held out.
    pub held_out: usize,
    /// ROC AUC of the model on them.
    pub roc_auc: f64,
    /// Its ECE on them.
    pub ece: f64,
    /// The model served before, on them: ROC AUC and ECE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<(f64, f64)>,
}

/// Measures a model fitted on the earlier partners on the later ones, then fits the model to serve
/// on all of them. `current` (the model served so far), when given, is measured on the same
/// held-out partners.
pub fn train(
    g: &EcoGraph,
    current: Option<&Logistic>,
) -> Result<(Logistic, SuccessCard), TrainError> {
    train_stores(&[("", g)], current)
}

/// [`train`] on several stores: each store's partners are split on their own (the latest
/// [`HELD_OUT_SHARE`] to join held out), the fits read every store's partners together, and each
/// store's held-out partners are measured on their own. The card's top level is the first store's.
pub fn train_stores(
    stores: &[(&str, &EcoGraph)],
    current: Option<&Logistic>,
) -> Result<(Logistic, SuccessCard), TrainError> {
    let mut sets = Vec::new();
    for (_, g) in stores {
        let h = horizon(g).ok_or(TrainError::NoHistory)?;
        let s = Snapshot::build(g, None);
        let ex = fit::examples(g, &s, h);
        let split = ((ex.len() as f64) * (1.0 - HELD_OUT_SHARE)).round() as usize;
        sets.push((h, ex, split));
    }
    let train: Vec<Example> = sets
        .iter()
        .flat_map(|(_, ex, split)| ex[..(*split).min(ex.len())].iter().cloned())
        .collect();
    let measured = fit::fit(&train)?;
    let measure = |m: &Logistic, test: &[Example]| {
        let y: Vec<bool> = test.iter().map(|e| e.success).collect();
        let p: Vec<f64> = test
            .iter()
            .map(|e| m.probability(&fit::features(&e.partner, e.overlap)))
            .collect();
        (roc_auc(&p, &y), ece(&p, &y, 10))
    };
    let mut also = Vec::new();
    for ((source, _), (_, ex, split)) in stores.iter().zip(&sets).skip(1) {
        let test = &ex[(*split).min(ex.len())..];
        let (roc_auc, ece) = measure(&measured, test);
        also.push(SuccessHeldOut {
            source: source.to_string(),
            partners: ex.len(),
            succeeded: ex.iter().filter(|e| e.success).count(),
            held_out: test.len(),
            roc_auc,
            ece,
            current: current.map(|c| measure(c, test)),
        });
    }
    let (g, (h, ex, split)) = (stores[0].1, &sets[0]);
    let h = *h;
    let test = &ex[(*split).min(ex.len())..];
    let (roc_auc, ece) = measure(&measured, test);
    let criteria = g
        .ipps()
        .map(|ipp| baseline(ipp, test, &measured, h))
        .collect();
    let card = SuccessCard {
        horizon: h,
        partners: ex.len(),
        succeeded: ex.iter().filter(|e| e.success).count(),
        held_out: test.len(),
        held_out_from: test.first().map(|e| e.joined_on),
        roc_auc,
        ece,
        criteria,
        current: current.map(|c| measure(c, test)),
        also,
    };
    let all: Vec<Example> = sets.into_iter().flat_map(|(_, ex, _)| ex).collect();
    let model = fit::fit(&all)?;
    debug_assert!(model.reads(&FEATURES));
    Ok((model, card))
}

fn baseline(ipp: &Ipp, test: &[Example], model: &Logistic, today: NaiveDate) -> CriteriaBaseline {
    let y: Vec<bool> = test.iter().map(|e| e.success).collect();
    let mut crit = Vec::with_capacity(test.len());
    let mut blended = Vec::with_capacity(test.len());
    for e in test {
        let prior = fit::success(model, "measured", &e.partner, e.overlap, None);
        let s = fit::score(ipp, &e.partner, e.overlap, Some(prior), today);
        crit.push(s.criteria_score);
        blended.push(s.score);
    }
    CriteriaBaseline {
        ipp_id: ipp.id.to_string(),
        roc_auc: roc_auc(&crit, &y),
        blended_roc_auc: roc_auc(&blended, &y),
    }
}
