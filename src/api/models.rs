//! The model registry over HTTP: list versions, serve the newest.

use super::error::{ApiResult, Problem};
use crate::registry::VersionInfo;
use crate::service::Ecosystem;
use actix_web::web::Data;
use actix_web::{HttpResponse, get, post};
use serde::Serialize;
use utoipa::ToSchema;

/// The versions of every model.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelList {
    /// Newest first; the committed default last.
    pub items: Vec<VersionInfo>,
}

fn serving_versions(eco: &Ecosystem) -> Vec<(&'static str, Option<String>)> {
    let intel = eco.intel_models();
    let v = |s: &Option<crate::service::Served>| s.as_ref().map(|m| m.version.clone());
    vec![
        (
            crate::registry::CONFLICT,
            eco.engine().model.as_ref().map(|m| m.version.clone()),
        ),
        (crate::intel::PARTNERS, v(&intel.partners)),
        (crate::intel::SUCCESS, v(&intel.success)),
        (crate::intel::PLAYS, v(&intel.plays)),
    ]
}

/// Lists model versions with their cards and metrics, and which one serves.
#[utoipa::path(tag = "models", operation_id = "list_models", security(("bearer" = ["admin", "prm", "deal_desk"])),
    responses((status = 200, body = ModelList)))]
#[get("/models")]
pub async fn list(eco: Data<Ecosystem>) -> ApiResult<HttpResponse> {
    listing(&eco).await
}

async fn listing(eco: &Ecosystem) -> ApiResult<HttpResponse> {
    let serving = serving_versions(eco);
    let items = crate::registry::list(&**eco.store(), &serving)
        .await
        .map_err(crate::service::ServiceError::from)?;
    Ok(HttpResponse::Ok().json(ModelList { items }))
}

/// Serves the newest usable version of each model now (`ecograph train` saves versions without
/// touching a running service).
#[utoipa::path(tag = "models", operation_id = "reload_models", security(("bearer" = ["admin"])),
    responses((status = 200, body = ModelList),
        (status = 500, description = "The store failed", body = Problem, content_type = "application/problem+json")))]
#[post("/models/reload")]
pub async fn reload(eco: Data<Ecosystem>) -> ApiResult<HttpResponse> {
    let model = crate::registry::serving_conflict(&**eco.store())
        .await
        .map_err(crate::service::ServiceError::from)?;
    let mut engine = (*eco.engine()).clone();
    tracing::info!(
        conflict_model = model
            .as_ref()
            .map_or("none (rules only)", |s| s.version.as_str()),
        "models reloaded"
    );
    engine.model = model;
    eco.set_engine(engine);
    let intel = crate::registry::serving_intel_models(&**eco.store())
        .await
        .map_err(crate::service::ServiceError::from)?;
    intel.log("partner-intelligence models reloaded");
    eco.set_intel_models(intel);
    listing(&eco).await
}
