//! `ecograph train`: fit a model on what the store holds and register it as a new version.

use crate::conflict::train::{Trained, examples, train_capped, write_features};
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
/// version unless `save` is false.
pub async fn train_conflict(
    eco: &Ecosystem,
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
    let ex = eco.read(|g| examples(g, &rules2));
    let feature_seconds = t.elapsed().as_secs_f64();
    if let Some(path) = export {
        let f = std::fs::File::create(path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        write_features(&ex, std::io::BufWriter::new(f))?;
    }
    let t = Instant::now();
    let trained = train_capped(
        &ex,
        rules,
        current.as_ref().map(|s| &s.model),
        source,
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
