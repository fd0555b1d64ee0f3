//! `GET /metrics`: the Prometheus text exposition, for admin keys and the metrics token.
//!
//! The route is outside `/v1`, where the access middleware does not look, so it admits its
//! callers itself, through the same authentication, failure counting and throttling as every
//! `/v1` route; the metrics token is throttled as the master key is.

use super::auth::AccessControl;
use super::error::{ApiError, Code, Problem};
use crate::domain::Role;
use crate::service::Ecosystem;
use crate::telemetry::Metrics;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get};

/// The content type of the text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A bearer token, besides admin keys, that may read `/metrics` and nothing else.
pub struct ScrapeToken(Option<String>);

impl ScrapeToken {
    /// The metrics token from the settings, if one is given.
    pub fn new(token: Option<String>) -> Self {
        ScrapeToken(token)
    }
}

/// Metrics in the Prometheus text format.
///
/// Requests by route template, method and status; request latency by route template; store
/// latency by operation; graph sizes by kind; the resolution index's size; the models in use.
/// Admits an admin key, the master key or the metrics token (`--metrics-token`); a service
/// without a master key answers anyone, as every route does.
#[utoipa::path(tag = "metrics", operation_id = "metrics", security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Metrics in the Prometheus text exposition format (version 0.0.4)",
            body = String, content_type = "text/plain",
            example = "ecograph_graph_entities{kind=\"partner\"} 40\n"),
        (status = 401, description = "No key, or a key that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A key of a role other than admin", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed authentications from this address", body = Problem, content_type = "application/problem+json")))]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    access: Data<AccessControl>,
    scrape: Data<ScrapeToken>,
    metrics: Data<Metrics>,
    eco: Data<Ecosystem>,
) -> Result<HttpResponse, ApiError> {
    let by_token = match &scrape.0 {
        Some(token) => access.presents(&req, token)?,
        None => false,
    };
    if !by_token {
        let caller = access.authenticate(&req).await?;
        if caller.role != Role::Admin {
            return Err(ApiError::new(
                Code::Forbidden,
                format!(
                    "a {} key may not read metrics: use an admin key or the metrics token",
                    caller.role
                ),
            ));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type(TEXT_FORMAT)
        .body(metrics.render(&eco)))
}
