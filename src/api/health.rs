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
    /// `ready`, or `unavailable` when the store does not answer.
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
}

/// The process is up.
#[utoipa::path(tag = "health", operation_id = "healthz", responses((status = 200, description = "Up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The store answers and the graph is loaded.
#[utoipa::path(tag = "health", operation_id = "readyz",
    responses((status = 200, body = Ready), (status = 503, description = "Store unreachable", body = Ready)))]
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
    let body = Ready {
        status: if ok { "ready" } else { "unavailable" }.into(),
        store: eco.store().backend().into(),
        partners,
        accounts,
        deals,
        partner_records,
    };
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
