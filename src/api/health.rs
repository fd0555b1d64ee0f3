//! Liveness and readiness.

use crate::domain::Kind;
use crate::service::Ecosystem;
use actix_web::HttpResponse;
use actix_web::get;
use actix_web::web::Data;
use serde::Serialize;
use utoipa::ToSchema;

/// Readiness, with what the graph holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ready`; `starting` while the resolution index is built; `unavailable` when the store
    /// does not answer.
    pub status: String,
    /// The store backend.
    pub store: String,
    /// Partners in the graph.
    pub partners: usize,
    /// Accounts in the graph.
    pub accounts: usize,
    /// Deals in the graph.
    pub deals: usize,
    /// Partner account records in the graph.
    pub partner_records: usize,
    /// `ready`, or `building` while the index that resolves company records to accounts is built
    /// after start-up (seconds at a million accounts); the answer is 503 until it is ready.
    pub resolution_index: String,
}

/// The process is up.
#[utoipa::path(tag = "health", operation_id = "healthz", responses((status = 200, description = "Up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The store answers and the graph is loaded.
#[utoipa::path(tag = "health", operation_id = "readyz",
    responses((status = 200, body = Ready), (status = 503, description = "Store unreachable, or the resolution index still building (Retry-After: 1)", body = Ready)))]
#[get("/readyz")]
pub async fn readyz(eco: Data<Ecosystem>) -> HttpResponse {
    let ok = eco.store().ping().await.is_ok();
    let (partners, accounts, deals, partner_records) = eco.read(|g| {
        (
            g.count(Kind::Partner),
            g.count(Kind::Account),
            g.count(Kind::Deal),
            g.record_count(),
        )
    });
    let indexed = eco.resolution_ready();
    let status = match (ok, indexed) {
        (false, _) => "unavailable",
        (true, false) => "starting",
        (true, true) => "ready",
    };
    let body = Ready {
        status: status.into(),
        store: eco.store().backend().into(),
        partners,
        accounts,
        deals,
        partner_records,
        resolution_index: if indexed { "ready" } else { "building" }.into(),
    };
    match (ok, indexed) {
        (true, true) => HttpResponse::Ok().json(body),
        (true, false) => HttpResponse::ServiceUnavailable()
            .insert_header(("retry-after", "1"))
            .json(body),
        (false, _) => HttpResponse::ServiceUnavailable().json(body),
    }
}
