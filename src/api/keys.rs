//! API keys and the audit log (admin only).

use super::auth::AccessControl;
use super::error::{ApiError, ApiResult, Code, Problem};
use super::extract::JsonBody;
use super::pagination::{Page, cursor_after, cursor_of, limit};
use super::query::Query;
use crate::domain::{ApiKey, AuditEntry, Id, Role};
use crate::service::{Actor, Ecosystem, NewKey};
use crate::store::AuditQuery;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A key request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyInput {
    /// What the key is for, e.g. "PRM production".
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// Its role.
    pub role: Role,
    /// For a `partner` key: the partner it is confined to.
    #[serde(default)]
    pub partner_id: Option<String>,
    /// When it stops working.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new key with its secret token, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key.
    #[serde(flatten)]
    pub key: ApiKey,
    /// The bearer token. It is not stored and cannot be shown again.
    pub token: String,
}

/// Creates an API key. The token in the response is shown once.
#[utoipa::path(tag = "access", operation_id = "create_key", security(("bearer" = ["admin"])),
    request_body(content = KeyInput, content_type = "application/json"),
    responses((status = 201, body = CreatedKey),
        (status = 422, description = "Invalid field or unknown partner", body = Problem, content_type = "application/problem+json")))]
#[post("/keys")]
pub async fn create_key(
    eco: Data<Ecosystem>,
    ac: Data<AccessControl>,
    actor: Actor,
    body: JsonBody<KeyInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    let name = crate::domain::Name::parse("name", &input.name)?.into();
    let partner_id = input
        .partner_id
        .map(|p| Id::parse("partner_id", &p))
        .transpose()?;
    if let Some(p) = &partner_id
        && !eco.read(|g| g.contains(crate::domain::Kind::Partner, p.as_str()))
    {
        return Err(ApiError::new(
            Code::UnknownReference,
            format!("partner '{p}' does not exist"),
        )
        .field("partner_id"));
    }
    let req = NewKey {
        name,
        role: input.role,
        partner_id,
        expires_at: input.expires_at,
    };
    let (key, token) = ac.keys.create(req, &actor).await?;
    Ok(HttpResponse::Created().json(CreatedKey { key, token }))
}

/// Page parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KeyPage {
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists API keys (never their secrets), in id order.
#[utoipa::path(tag = "access", operation_id = "list_keys", security(("bearer" = ["admin"])), params(KeyPage),
    responses((status = 200, body = Page<ApiKey>)))]
#[get("/keys")]
pub async fn list_keys(ac: Data<AccessControl>, q: Query<KeyPage>) -> ApiResult<HttpResponse> {
    let n = limit(q.limit)?;
    // Keys made with `ecograph keys create` beside the running service are listed too.
    ac.keys.refresh().await?;
    let mut items = ac
        .keys
        .list(cursor_after("key", q.cursor.as_deref())?, n + 1);
    let next_cursor = (items.len() > n).then(|| {
        items.truncate(n);
        items.last().map(|k| cursor_of("key", &k.id))
    });
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: next_cursor.flatten(),
    }))
}

/// One API key (never its secret).
#[utoipa::path(tag = "access", operation_id = "get_key", security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "The key id")),
    responses((status = 200, body = ApiKey),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json")))]
#[get("/keys/{id}")]
pub async fn get_key(ac: Data<AccessControl>, id: Path<String>) -> ApiResult<HttpResponse> {
    ac.keys.refresh().await?;
    ac.keys
        .get(&id)
        .map(|k| HttpResponse::Ok().json(k))
        .ok_or_else(|| ApiError::new(Code::NotFound, format!("API key '{id}' does not exist")))
}

/// Revokes an API key; it stops working on the next request.
#[utoipa::path(tag = "access", operation_id = "revoke_key", security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "The key id")),
    responses((status = 200, description = "Revoked", body = ApiKey),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json")))]
#[delete("/keys/{id}")]
pub async fn revoke_key(
    ac: Data<AccessControl>,
    actor: Actor,
    id: Path<String>,
) -> ApiResult<HttpResponse> {
    ac.keys.refresh().await?;
    let key = ac.keys.revoke(&id, &actor).await?;
    Ok(HttpResponse::Ok().json(key))
}

/// Audit log filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only writes made with this key id (`master`, `open`, `cli` or an issued key).
    pub key_id: Option<String>,
    /// Only writes that touched this record id.
    pub record_id: Option<String>,
    /// Only writes at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only writes before this time.
    pub until: Option<DateTime<Utc>>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The audit log, oldest first: who wrote what, when, through which route.
#[utoipa::path(tag = "access", operation_id = "list_audit", security(("bearer" = ["admin"])), params(AuditFilter),
    responses((status = 200, body = Page<AuditEntry>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/audit")]
pub async fn list_audit(eco: Data<Ecosystem>, q: Query<AuditFilter>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    if let Some(r) = &q.record_id {
        Id::parse("record_id", r).map_err(|e| {
            ApiError::new(
                Code::InvalidQuery,
                format!("invalid query parameter `record_id`: {}", e.message),
            )
            .field("record_id")
        })?;
    }
    let query = AuditQuery {
        key_id: q.key_id,
        record_id: q.record_id,
        since: q.since,
        until: q.until,
        after: cursor_after("audit", q.cursor.as_deref())?.map(str::to_string),
        limit: n + 1,
    };
    let mut items = eco
        .store()
        .audit(&query)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let next_cursor = if items.len() > n {
        items.truncate(n);
        items.last().map(|e| cursor_of("audit", &e.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}
