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
}

/// Measures a model fitted on the earlier partners on the later ones, then fits the model to serve
/// on all of them.
pub fn train(g: &EcoGraph) -> Result<(Logistic, SuccessCard), TrainError> {
    let h = horizon(g).ok_or(TrainError::NoHistory)?;
    let s = Snapshot::build(g, None);
    let ex = fit::examples(g, &s, h);
    let split = ((ex.len() as f64) * (1.0 - HELD_OUT_SHARE)).round() as usize;
    let (train, test) = ex.split_at(split.min(ex.len()));
    let measured = fit::fit(train)?;
    let y: Vec<bool> = test.iter().map(|e| e.success).collect();
    let p: Vec<f64> = test
        .iter()
        .map(|e| measured.probability(&fit::features(&e.partner, e.overlap)))
        .collect();
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
        roc_auc: roc_auc(&p, &y),
        ece: ece(&p, &y, 10),
        criteria,
    };
    let model = fit::fit(&ex)?;
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
