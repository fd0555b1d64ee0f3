//! The model registry: every trained model is a version in the store, with its card; the newest
//! version of a model serves, and the default committed under `models/` serves a fresh install.

use crate::conflict::{ConflictModel, Serving};
use crate::store::{Repository, StoreError, StoredModel};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The conflict model's name in the registry.
pub const CONFLICT: &str = "conflict";

/// The version id of the committed default.
pub const DEFAULT_VERSION: &str = "default";

/// The committed default conflict model (trained on a generated world; see `models/conflict.md`).
const COMMITTED_CONFLICT: &str = include_str!("../../models/conflict.json");

/// A model version as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionInfo {
    /// The model's name.
    pub name: String,
    /// The version id.
    pub version: String,
    /// When it was trained (absent for the committed default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// Whether it serves now.
    pub serving: bool,
    /// Whether this build can serve it (it reads the features this build computes).
    pub usable: bool,
    /// What it was trained on and how it measured.
    #[schema(value_type = Object)]
    pub card: serde_json::Value,
}

/// The committed default conflict model, if it parses and fits this build.
pub fn committed_conflict() -> Option<Serving> {
    let model: ConflictModel = serde_json::from_str(COMMITTED_CONFLICT).ok()?;
    model.check().ok()?;
    Some(Serving {
        version: DEFAULT_VERSION.into(),
        model,
    })
}

/// A new, time-ordered version id.
pub fn new_version_id(name: &str, now: DateTime<Utc>) -> String {
    format!("{name}-{}", now.format("%Y%m%dT%H%M%S%6fZ"))
}

/// Stores a trained conflict model as a new version; returns its id.
pub async fn save_conflict(
    store: &dyn Repository,
    model: &ConflictModel,
) -> Result<String, StoreError> {
    let now = Utc::now();
    let id = new_version_id(CONFLICT, now);
    store
        .apply(&[crate::store::Op::PutModel(StoredModel {
            id: id.clone(),
            name: CONFLICT.into(),
            created_at: now,
            doc: serde_json::to_string(model).expect("models serialise to JSON"),
        })])
        .await?;
    Ok(id)
}

fn parse(m: &StoredModel) -> Option<ConflictModel> {
    let model: ConflictModel = serde_json::from_str(&m.doc).ok()?;
    model.check().ok()?;
    Some(model)
}

/// The conflict model to serve: the newest usable stored version, else the committed default.
pub async fn serving_conflict(store: &dyn Repository) -> Result<Option<Serving>, StoreError> {
    for m in store.models(CONFLICT).await? {
        if let Some(model) = parse(&m) {
            return Ok(Some(Serving {
                version: m.id,
                model,
            }));
        } else {
            tracing::warn!(version = %m.id, "stored conflict model does not fit this build; skipped");
        }
    }
    Ok(committed_conflict())
}

/// Every version of every model, newest first, the committed default last.
pub async fn list(
    store: &dyn Repository,
    serving: Option<&str>,
) -> Result<Vec<VersionInfo>, StoreError> {
    let mut out: Vec<VersionInfo> = store
        .models(CONFLICT)
        .await?
        .into_iter()
        .map(|m| {
            let model = parse(&m);
            VersionInfo {
                name: m.name.clone(),
                serving: serving == Some(m.id.as_str()),
                usable: model.is_some(),
                card: serde_json::from_str::<serde_json::Value>(&m.doc)
                    .ok()
                    .and_then(|d| d.get("card").cloned())
                    .unwrap_or(serde_json::Value::Null),
                version: m.id,
                created_at: Some(m.created_at),
            }
        })
        .collect();
    if let Some(d) = committed_conflict() {
        out.push(VersionInfo {
            name: CONFLICT.into(),
            version: DEFAULT_VERSION.into(),
            created_at: None,
            serving: serving == Some(DEFAULT_VERSION),
            usable: true,
            card: serde_json::to_value(&d.model.card).unwrap_or_default(),
        });
    }
    Ok(out)
}
