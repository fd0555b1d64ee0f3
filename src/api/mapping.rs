//! Account mapping over HTTP: the overlap matrix, the overlapping accounts, partner-to-partner overlaps.

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Code, Problem};
use super::pagination::{Page, limit, take};
use crate::domain::{Population, Role};
use crate::mapping::{self, Matrix, Overlap, PartnerOverlap, Viewer};
use crate::service::Ecosystem;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

fn viewer(caller: &Caller) -> Viewer {
    match (&caller.role, &caller.partner_id) {
        (Role::Partner, Some(p)) => Viewer::Partner(p.clone()),
        _ => Viewer::Vendor,
    }
}

fn no_partner(id: &str) -> ApiError {
    ApiError::new(Code::NotFound, format!("partner '{id}' does not exist"))
}

/// The 3x3 overlap matrix between the vendor's populations and a partner's. Populations the partner
/// hides are left without a count.
#[utoipa::path(tag = "mapping", operation_id = "mapping_matrix", security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner")),
    responses((status = 200, body = Matrix),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/mapping/partners/{id}/matrix")]
pub async fn matrix(
    eco: Data<Ecosystem>,
    caller: Caller,
    id: Path<String>,
) -> ApiResult<HttpResponse> {
    let v = viewer(&caller);
    let id = id.into_inner();
    let eco2 = eco.clone();
    let id2 = id.clone();
    let m = actix_web::web::block(move || eco2.read(|g| mapping::matrix(g, &id2, &v)))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    m.map(|m| HttpResponse::Ok().json(m))
        .ok_or_else(|| no_partner(&id))
}

/// Filters of the overlap listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverlapFilter {
    /// Only accounts in this vendor population.
    #[param(inline)]
    pub vendor_population: Option<Population>,
    /// Only accounts in this partner population.
    #[param(inline)]
    pub partner_population: Option<Population>,
    /// Page size, 1-1000 (default 100).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The accounts where the vendor and a partner overlap, with how each partner knows them, open
/// pipeline and the last touchpoint. Only populations the partner shares as records are listed; a
/// partner caller never sees other partners.
#[utoipa::path(tag = "mapping", operation_id = "mapping_overlaps", security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner"), OverlapFilter),
    responses((status = 200, body = Page<Overlap>),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/mapping/partners/{id}/overlaps")]
pub async fn overlaps(
    eco: Data<Ecosystem>,
    caller: Caller,
    id: Path<String>,
    q: Query<OverlapFilter>,
) -> ApiResult<HttpResponse> {
    let v = viewer(&caller);
    let (id, q) = (id.into_inner(), q.into_inner());
    let n = limit(q.limit)?;
    let eco2 = eco.clone();
    let id2 = id.clone();
    let found = actix_web::web::block(move || {
        eco2.read(|g| mapping::overlaps(g, &id2, &v, q.vendor_population, q.partner_population))
            .map(|all| {
                let start = q
                    .cursor
                    .as_deref()
                    .map_or(0, |c| all.partition_point(|o| o.account.id.as_str() <= c));
                let (items, next_cursor) =
                    take(all.into_iter().skip(start), n, |o| o.account.id.to_string());
                Page { items, next_cursor }
            })
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    found
        .map(|p| HttpResponse::Ok().json(p))
        .ok_or_else(|| no_partner(&id))
}

/// Other partners whose account lists overlap this partner's (as each shares at least counts), most
/// shared accounts first: co-selling candidates.
#[utoipa::path(tag = "mapping", operation_id = "mapping_partner_overlaps", security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner")),
    responses((status = 200, body = Vec<PartnerOverlap>),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/mapping/partners/{id}/partners")]
pub async fn partner_overlaps(eco: Data<Ecosystem>, id: Path<String>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let eco2 = eco.clone();
    let id2 = id.clone();
    let found = actix_web::web::block(move || eco2.read(|g| mapping::partner_overlaps(g, &id2)))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    found
        .map(|p| HttpResponse::Ok().json(p))
        .ok_or_else(|| no_partner(&id))
}
