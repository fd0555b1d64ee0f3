//! Training the conflict model from the registrations the store holds: features as of each
//! registration's own instant, the label from its decisions (it was disputed), a time-ordered split.

use super::findings::{findings, rules_probability};
use super::model::{Card, ConflictModel, Metrics, ModelError};
use super::rules::Rules;
use crate::domain::Kind;
use crate::features::conflict::{N, NAMES, gather, subject_of};
use crate::graph::{EcoGraph, Node};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::io::Write;

/// The share of registrations, the latest ones, held out for the metrics.
pub const HOLD_OUT: f64 = 0.2;

/// Registrations the fit reads at most. Past it, every disputed one is kept and the others are
/// sampled evenly, and the intercept is corrected by the log of the sampling rate, which leaves the
/// model's probabilities those of the whole training part. The fit's time grows with its rows
/// (22 s for 31,924 here), so 60,000 keeps training within a minute whatever the store holds. Checked
/// on the unseen world (seed 23): fitting on 12,000 of 31,552 gave held-out ROC AUC 0.9559 and ECE
/// 0.0101, against 0.9568 and 0.0061 fitting on all, in 7.9 s instead of 22 s.
pub const MAX_FIT_ROWS: usize = 60_000;

/// The training rows to fit: all of them, or within `cap` every disputed one and an even sample of
/// the rest; with the log of the rate the rest was kept at (0 when all were).
fn fit_rows(train: &[Example], cap: usize) -> (Vec<&Example>, f64) {
    let disputed = train.iter().filter(|e| e.y).count();
    let rest = train.len() - disputed;
    if train.len() <= cap || rest == 0 || cap <= disputed {
        return (train.iter().collect(), 0.0);
    }
    let keep = cap - disputed;
    let rate = keep as f64 / rest as f64;
    // Every k-th undisputed one in time order, k fractional: even over time, deterministic.
    let mut out: Vec<&Example> = Vec::with_capacity(cap);
    let mut seen = 0usize;
    let mut taken = 0usize;
    for e in train {
        if e.y {
            out.push(e);
            continue;
        }
        seen += 1;
        if (seen as f64 * rate).floor() as usize > taken {
            taken += 1;
            out.push(e);
        }
    }
    (out, (taken as f64 / rest as f64).ln())
}

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
    let mut out: Vec<Example> = regs
        .par_iter()
        .map(|r| {
            let s = subject_of(r);
            let facts = gather(g, &s, &w);
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
    train_capped(ex, rules, current, source, MAX_FIT_ROWS)
}

/// [`train`] with the fit reading at most `cap` registrations.
pub fn train_capped(
    ex: &[Example],
    rules: &Rules,
    current: Option<&ConflictModel>,
    source: &str,
    cap: usize,
) -> Result<Trained, ModelError> {
    train_sets(&[(source, ex)], rules, current, cap)
}

/// Where a set of examples, oldest first, splits into its training and held-out parts.
fn split_point(n: usize) -> usize {
    (((n as f64) * (1.0 - HOLD_OUT)).floor() as usize).min(n)
}

/// [`train_capped`] on several sets of examples (each a store, oldest first, with its source): each
/// set is split in time on its own (its latest `HOLD_OUT` held out), the fit reads the training
/// parts together, and the metrics are over the held-out parts together. Sets from different
/// histories keep their own clocks, so one history's later dates do not fill the held-out part.
pub fn train_sets(
    sets: &[(&str, &[Example])],
    rules: &Rules,
    current: Option<&ConflictModel>,
    cap: usize,
) -> Result<Trained, ModelError> {
    let mut train: Vec<Example> = Vec::new();
    let mut test: Vec<&Example> = Vec::new();
    let mut split_at: Vec<String> = Vec::new();
    for (_, ex) in sets {
        let (tr, te) = ex.split_at(split_point(ex.len()));
        train.extend(tr.iter().cloned());
        test.extend(te);
        split_at.push(te.first().map(|e| e.at.to_rfc3339()).unwrap_or_default());
    }
    let (rows, log_rate) = fit_rows(&train, cap);
    let x: Vec<[f64; N]> = rows.iter().map(|e| e.x).collect();
    let y: Vec<bool> = rows.iter().map(|e| e.y).collect();
    let mut model = ConflictModel::fit(&x, &y)?;
    // Undisputed ones kept at rate r multiplied the odds of a dispute by 1/r.
    model.bias += log_rate;
    let ty: Vec<bool> = test.iter().map(|e| e.y).collect();
    let high = rules.levels.high;
    let score =
        |m: &ConflictModel| -> Vec<f64> { test.iter().map(|e| m.probability(&e.x)).collect() };
    let rules_p: Vec<f64> = test.iter().map(|e| e.rules_p).collect();
    let sources: Vec<&str> = sets.iter().map(|(s, _)| *s).collect();
    model.card = Card {
        source: sources.join(" + "),
        registrations: sets.iter().map(|(_, ex)| ex.len()).sum(),
        trained_on: train.len(),
        fit_on: rows.len(),
        held_out: test.len(),
        split_at: split_at.join(" + "),
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
    write_feature_sets(&[ex], out)
}

/// [`write_features`] for several sets, each split in time on its own as [`train_sets`] splits it.
pub fn write_feature_sets(sets: &[&[Example]], out: impl Write) -> csv::Result<()> {
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
    for ex in sets {
        write_rows(&mut w, ex)?;
    }
    w.flush()?;
    Ok(())
}

fn write_rows<W: Write>(w: &mut csv::Writer<W>, ex: &[Example]) -> csv::Result<()> {
    let split = split_point(ex.len());
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(i: usize, y: bool) -> Example {
        Example {
            id: format!("R-{i}"),
            at: chrono::DateTime::from_timestamp(i as i64 * 60, 0).unwrap(),
            x: [0.0; N],
            y,
            rules_p: 0.0,
        }
    }

    #[test]
    fn a_capped_fit_keeps_every_dispute_and_samples_the_rest_evenly() {
        let rows: Vec<Example> = (0..1000).map(|i| ex(i, i % 10 == 0)).collect();
        let (all, rate) = fit_rows(&rows, 5000);
        assert_eq!((all.len(), rate), (1000, 0.0));
        let (kept, log_rate) = fit_rows(&rows, 400);
        assert_eq!(kept.len(), 400);
        assert_eq!(
            kept.iter().filter(|e| e.y).count(),
            100,
            "every dispute kept"
        );
        assert!((log_rate - (300.0f64 / 900.0).ln()).abs() < 1e-12);
        // Even over time: the undisputed kept from the first and the second half differ by one at most.
        let early = kept
            .iter()
            .filter(|e| !e.y && e.id[2..].parse::<usize>().unwrap() < 500)
            .count();
        assert!((early as i64 - 150).abs() <= 1, "{early}");
    }

    #[test]
    fn sets_are_split_each_on_its_own_clock() {
        // Two histories, the second years later: each holds out its own latest 20%.
        let mut a: Vec<Example> = (0..100).map(|i| ex(i, i % 5 == 0)).collect();
        let b: Vec<Example> = (0..50)
            .map(|i| {
                let mut e = ex(1_000_000 + i, i % 4 == 0);
                e.x[0] = f64::from(u8::from(e.y));
                e
            })
            .collect();
        for e in a.iter_mut() {
            e.x[0] = f64::from(u8::from(e.y));
        }
        let t = train_sets(&[("a", &a), ("b", &b)], &Rules::default(), None, 1000).unwrap();
        let c = &t.model.card;
        assert_eq!((c.registrations, c.trained_on, c.held_out), (150, 120, 30));
        assert_eq!(c.source, "a + b");
        assert_eq!(c.split_at.split(" + ").count(), 2);
        let mut csv = Vec::new();
        write_feature_sets(&[&a, &b], &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text.lines().filter(|l| l.contains(",test,")).count(), 30);
        assert!(
            text.contains("R-79,")
                && text
                    .lines()
                    .any(|l| l.starts_with("R-80,") && l.contains(",test,"))
        );
    }
}
