//! Training the conflict model from the registrations the store holds: features as of each
//! registration's own instant, the label from its decisions (it was disputed), a time-ordered split.

use super::findings::{findings, rules_probability};
use super::model::{Card, ConflictModel, Metrics, ModelError};
use super::rules::Rules;
use crate::domain::Kind;
use crate::features::conflict::{Histories, N, NAMES, gather_with, subject_of};
use crate::graph::{EcoGraph, Node};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::io::Write;

/// The share of registrations, the latest ones, held out for the metrics.
pub const HOLD_OUT: f64 = 0.2;

/// One registration as a training example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The registration.
    pub id: String,
    /// When it was registered (the features' instant).
    pub at: DateTime<Utc>,
    /// Features as of then.
    pub x: [f64; N],
    /// Whether it received a dispute.
    pub y: bool,
    /// The rules-only probability as of then.
    pub rules_p: f64,
}

/// Every registration in the graph as an example, oldest first.
pub fn examples(g: &EcoGraph, rules: &Rules) -> Vec<Example> {
    let w = rules.windows();
    let regs: Vec<&crate::domain::Registration> = g
        .iter_from(Kind::Registration, None)
        .filter_map(|n| match n {
            Node::Registration(r) => Some(r.as_ref()),
            _ => None,
        })
        .collect();
    let histories = Histories::new(regs.iter().copied());
    let mut out: Vec<Example> = regs
        .par_iter()
        .map(|r| {
            let s = subject_of(r);
            let facts = gather_with(g, None, Some(&histories), &s, &w);
            Example {
                id: r.id.to_string(),
                at: r.registered_at,
                x: facts.vector(&w),
                y: r.was_disputed(),
                rules_p: rules_probability(&findings(&facts, rules, s.at)),
            }
        })
        .collect();
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    out
}

/// A trained model and how the model it would replace measures on the same held-out part.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The new model, its card filled.
    pub model: ConflictModel,
    /// The current model on the same held-out part, when there is one.
    pub current: Option<Metrics>,
}

/// Fits on the earlier `1 - HOLD_OUT` of the examples and measures on the rest, against the
/// rules-only estimate and the `current` model.
pub fn train(
    ex: &[Example],
    rules: &Rules,
    current: Option<&ConflictModel>,
    source: &str,
) -> Result<Trained, ModelError> {
    let split = ((ex.len() as f64) * (1.0 - HOLD_OUT)).floor() as usize;
    let (train, test) = ex.split_at(split.min(ex.len()));
    let x: Vec<[f64; N]> = train.iter().map(|e| e.x).collect();
    let y: Vec<bool> = train.iter().map(|e| e.y).collect();
    let mut model = ConflictModel::fit(&x, &y)?;
    let ty: Vec<bool> = test.iter().map(|e| e.y).collect();
    let high = rules.levels.high;
    let score =
        |m: &ConflictModel| -> Vec<f64> { test.iter().map(|e| m.probability(&e.x)).collect() };
    let rules_p: Vec<f64> = test.iter().map(|e| e.rules_p).collect();
    model.card = Card {
        source: source.to_string(),
        registrations: ex.len(),
        trained_on: train.len(),
        held_out: test.len(),
        split_at: test.first().map(|e| e.at.to_rfc3339()).unwrap_or_default(),
        metrics: Metrics::of(&score(&model), &ty, high),
        rules_baseline: Metrics::of(&rules_p, &ty, high),
    };
    let current = current
        .filter(|m| m.check().is_ok())
        .map(|m| Metrics::of(&score(m), &ty, high));
    Ok(Trained { model, current })
}

/// Writes the examples as CSV (id, registered_at, split, label, rules probability, features), for
/// comparing with other learners on exactly the same features and split.
pub fn write_features(ex: &[Example], out: impl Write) -> csv::Result<()> {
    let split = ((ex.len() as f64) * (1.0 - HOLD_OUT)).floor() as usize;
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "id",
        "registered_at",
        "split",
        "disputed",
        "rules_probability",
    ];
    header.extend(NAMES);
    w.write_record(&header)?;
    for (i, e) in ex.iter().enumerate() {
        let mut row = vec![
            e.id.clone(),
            e.at.to_rfc3339(),
            (if i < split { "train" } else { "test" }).to_string(),
            u8::from(e.y).to_string(),
            e.rules_p.to_string(),
        ];
        row.extend(e.x.iter().map(f64::to_string));
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}
