//! `ecograph train`: fit a model on what the store holds and register it as a new version.

use crate::conflict::train::{Trained, examples, train_sets, write_feature_sets};
use crate::conflict::{Engine, Rules};
use crate::service::Ecosystem;
use std::path::Path;
use std::time::Instant;

/// What a training run did.
#[derive(Debug)]
pub struct ConflictRun {
    /// The new model and the current one's metrics on the same held-out part.
    pub trained: Trained,
    /// The version the current model is (`default`, a stored id, or none).
    pub current_version: Option<String>,
    /// The new version's id, when it was saved.
    pub saved_as: Option<String>,
    /// Seconds computing features.
    pub feature_seconds: f64,
    /// Seconds fitting and scoring.
    pub fit_seconds: f64,
}

/// Sets the rules and the serving conflict model (newest stored version, else the committed
/// default) on a service loaded outside `serve`, so that imports assess as the service would.
pub async fn use_serving_engine(eco: &Ecosystem, rules: Rules) -> anyhow::Result<()> {
    let model = crate::registry::serving_conflict(&**eco.store()).await?;
    eco.set_engine(Engine { rules, model });
    Ok(())
}

/// Trains the conflict model on every registration in the store (features as of each one's
/// registration, label: it received a dispute), measures it on the latest part against the rules
/// alone and the current model, optionally writes the features as CSV, and saves it as a new
/// version unless `save` is false. `also` are other stores (with their sources) whose registrations
/// are read as well, each split in time on its own; the new version is saved in `eco`'s store.
pub async fn train_conflict(
    eco: &Ecosystem,
    also: &[(&str, &Ecosystem)],
    rules: &Rules,
    source: &str,
    export: Option<&Path>,
    save: bool,
    max_fit_rows: usize,
) -> anyhow::Result<ConflictRun> {
    anyhow::ensure!(max_fit_rows >= 100, "--max-fit-rows must be at least 100");
    let current = crate::registry::serving_conflict(&**eco.store()).await?;
    let t = Instant::now();
    let rules2 = rules.clone();
    let mut sets: Vec<(&str, Vec<crate::conflict::train::Example>)> =
        vec![(source, eco.read(|g| examples(g, &rules2)))];
    for (src, other) in also {
        sets.push((src, other.read(|g| examples(g, &rules2))));
    }
    let feature_seconds = t.elapsed().as_secs_f64();
    if let Some(path) = export {
        let f = std::fs::File::create(path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        let all: Vec<&[crate::conflict::train::Example]> =
            sets.iter().map(|(_, ex)| ex.as_slice()).collect();
        write_feature_sets(&all, std::io::BufWriter::new(f))?;
    }
    let t = Instant::now();
    let views: Vec<(&str, &[crate::conflict::train::Example])> =
        sets.iter().map(|(s, ex)| (*s, ex.as_slice())).collect();
    let trained = train_sets(
        &views,
        rules,
        current.as_ref().map(|s| &s.model),
        max_fit_rows,
    )?;
    let fit_seconds = t.elapsed().as_secs_f64();
    let saved_as = if save {
        Some(crate::registry::save_conflict(&**eco.store(), &trained.model).await?)
    } else {
        None
    };
    Ok(ConflictRun {
        trained,
        current_version: current.map(|s| s.version),
        saved_as,
        feature_seconds,
        fit_seconds,
    })
}
