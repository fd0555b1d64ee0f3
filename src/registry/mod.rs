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
    save(store, CONFLICT, model).await
}

/// Stores any model document as a new version of `name`; returns its id.
pub async fn save<T: Serialize>(
    store: &dyn Repository,
    name: &str,
    doc: &T,
) -> Result<String, StoreError> {
    let now = Utc::now();
    let id = new_version_id(name, now);
    store
        .apply(&[crate::store::Op::PutModel(StoredModel {
            id: id.clone(),
            name: name.into(),
            created_at: now,
            doc: serde_json::to_string(doc).expect("models serialise to JSON"),
        })])
        .await?;
    Ok(id)
}

/// The committed defaults of the partner-intelligence models (trained on a generated world; see
/// their cards under `models/`).
const COMMITTED_INTEL: [(&str, &str); 3] = [
    (
        crate::intel::PARTNERS,
        include_str!("../../models/partners.json"),
    ),
    (
        crate::intel::SUCCESS,
        include_str!("../../models/ipp_success.json"),
    ),
    (crate::intel::PLAYS, include_str!("../../models/plays.json")),
];

/// The features each partner-intelligence model must read to be usable by this build.
fn intel_features(name: &str) -> Option<&'static [&'static str]> {
    match name {
        crate::intel::PARTNERS => Some(&crate::intel::recommend::FEATURES),
        crate::intel::SUCCESS => Some(&crate::intel::fit::FEATURES),
        crate::intel::PLAYS => Some(&crate::intel::plays::FEATURES),
        _ => None,
    }
}

fn parse_intel(name: &str, doc: &str) -> Option<crate::intel::Versioned> {
    let v: crate::intel::Versioned = serde_json::from_str(doc).ok()?;
    (v.name == name && v.model.reads(intel_features(name)?)).then_some(v)
}

/// The committed default of an intelligence model, if it fits this build.
fn committed_intel(name: &str) -> Option<crate::intel::Versioned> {
    COMMITTED_INTEL
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, doc)| parse_intel(name, doc))
}

/// An intelligence model to serve: the newest usable stored version, else the committed default.
pub async fn serving_intel(
    store: &dyn Repository,
    name: &str,
) -> Result<Option<crate::service::Served>, StoreError> {
    for m in store.models(name).await? {
        match parse_intel(name, &m.doc) {
            Some(v) => {
                return Ok(Some(crate::service::Served {
                    version: m.id,
                    model: v.model,
                }));
            }
            None => {
                tracing::warn!(version = %m.id, "stored {name} model does not fit this build; skipped")
            }
        }
    }
    Ok(committed_intel(name).map(|v| crate::service::Served {
        version: DEFAULT_VERSION.into(),
        model: v.model,
    }))
}

/// Every intelligence model to serve.
pub async fn serving_intel_models(
    store: &dyn Repository,
) -> Result<crate::service::IntelModels, StoreError> {
    Ok(crate::service::IntelModels {
        partners: serving_intel(store, crate::intel::PARTNERS).await?,
        success: serving_intel(store, crate::intel::SUCCESS).await?,
        plays: serving_intel(store, crate::intel::PLAYS).await?,
    })
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

/// Every version of every model, newest first within a model, each model's committed default
/// after its versions. `serving` names the version that serves for each model.
pub async fn list(
    store: &dyn Repository,
    serving: &[(&str, Option<String>)],
) -> Result<Vec<VersionInfo>, StoreError> {
    let serves = |name: &str, version: &str| {
        serving
            .iter()
            .any(|(n, v)| *n == name && v.as_deref() == Some(version))
    };
    let mut out: Vec<VersionInfo> = Vec::new();
    for (name, _) in serving {
        for m in store.models(name).await? {
            let usable = if *name == CONFLICT {
                parse(&m).is_some()
            } else {
                parse_intel(name, &m.doc).is_some()
            };
            out.push(VersionInfo {
                name: m.name.clone(),
                serving: serves(name, &m.id),
                usable,
                card: serde_json::from_str::<serde_json::Value>(&m.doc)
                    .ok()
                    .and_then(|d| d.get("card").cloned())
                    .unwrap_or(serde_json::Value::Null),
                version: m.id,
                created_at: Some(m.created_at),
            });
        }
        let default_card = if *name == CONFLICT {
            committed_conflict().map(|d| serde_json::to_value(&d.model.card).unwrap_or_default())
        } else {
            committed_intel(name).map(|v| v.card)
        };
        if let Some(card) = default_card {
            out.push(VersionInfo {
                name: name.to_string(),
                version: DEFAULT_VERSION.into(),
                created_at: None,
                serving: serves(name, DEFAULT_VERSION),
                usable: true,
                card,
            });
        }
    }
    Ok(out)
}
