//! Partner account lists: a partner's CRM export uploaded as CSV or NDJSON.

use super::entities::path_id;
use super::error::{ApiError, ApiResult, Code, Problem};
use super::extract::{
    BulkFormat, Limits, bulk_format, charset, check_ndjson, parse_ndjson, read_body,
};
use super::query::Query;
use crate::csvtext;
use crate::domain::{PartnerRecord, PartnerRecordInput, Population, RECORD_CSV_COLUMNS};
use crate::service::{Actor, BulkReport, Ecosystem, Rejection, Rows};
use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse};
use actix_web::{delete, get, put};
use serde::Deserialize;
use utoipa::IntoParams;

/// Options of an account-list upload.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `replace` (default): the upload becomes the partner's whole list and records it omits are
    /// removed; it is written only if every row is accepted (else 422 and nothing changes).
    /// `merge`: good rows are added to the list (or replace records with the same id), bad rows
    /// are reported, nothing is removed.
    #[param(inline)]
    pub mode: Option<UploadMode>,
    /// The population of rows that have no `relation` column or value.
    #[param(inline)]
    pub relation: Option<Population>,
    /// Write nothing if any row is rejected.
    #[serde(default)]
    pub all_or_nothing: bool,
}

/// How an upload combines with the list already held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadMode {
    /// The upload replaces the list.
    Replace,
    /// The upload is merged into the list.
    Merge,
}

/// Parses a CSV account list into rows; a missing required column fails the whole upload.
///
/// The text is decoded and split as [`crate::csvtext`] describes: a byte-order mark, else the
/// declared `charset`, else UTF-8 if valid and Windows-1252 if not; comma, semicolon, tab or
/// pipe separated.
pub fn parse_csv(
    bytes: &[u8],
    charset: Option<&str>,
    default_relation: Option<Population>,
) -> ApiResult<Rows<PartnerRecordInput>> {
    let text = csvtext::open(bytes, charset).map_err(|e| match e {
        csvtext::CsvTextError::Charset(c) => {
            ApiError::new(Code::UnsupportedMediaType, c.to_string())
        }
        unclosed => ApiError::new(
            Code::MalformedBody,
            format!("{unclosed}; nothing was written"),
        ),
    })?;
    let mut rdr = text.reader();
    let headers = rdr
        .headers()
        .map_err(|e| {
            ApiError::new(
                Code::MalformedBody,
                format!("could not read the CSV header: {e}"),
            )
        })?
        .clone();
    // Columns other than these are ignored.
    let col: Vec<Option<usize>> = RECORD_CSV_COLUMNS
        .iter()
        .map(|c| csvtext::column(&headers, c))
        .collect();
    for (i, required) in [(0, "id"), (2, "name")] {
        if col[i].is_none() {
            return Err(ApiError::new(
                Code::MalformedBody,
                format!("the CSV header has no '{required}' column"),
            )
            .field(required));
        }
    }
    if col[1].is_none() && default_relation.is_none() {
        return Err(ApiError::new(
            Code::MalformedBody,
            "the CSV has no 'relation' column; add one or pass ?relation=customer|prospect|opportunity",
        )
        .field("relation"));
    }
    let mut rows = Vec::new();
    for result in rdr.records() {
        match result {
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line() as usize);
                rows.push((
                    row,
                    Err(Rejection {
                        row,
                        id: None,
                        code: "malformed_body".into(),
                        field: None,
                        message: format!("unreadable CSV row: {e}"),
                    }),
                ));
            }
            Ok(rec) => {
                let row = rec.position().map_or(0, |p| p.line() as usize);
                if let Some(c) = rec.iter().position(|f| f.contains('\0')) {
                    rows.push((
                        row,
                        Err(Rejection {
                            row,
                            id: None,
                            code: "invalid_field".into(),
                            field: headers.get(c).map(str::to_string),
                            message: "must not contain the NUL character".into(),
                        }),
                    ));
                    continue;
                }
                let get = |i: usize| {
                    col[i]
                        .and_then(|c| rec.get(c))
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                let id = get(0);
                let relation = match get(1) {
                    Some(r) => match Population::parse(&r) {
                        Some(p) => p,
                        None => {
                            rows.push((
                                row,
                                Err(Rejection {
                                    row,
                                    id,
                                    code: "invalid_field".into(),
                                    field: Some("relation".into()),
                                    message: format!(
                                        "unknown value '{r}', expected one of: {}",
                                        Population::expected()
                                    ),
                                }),
                            ));
                            continue;
                        }
                    },
                    None => match default_relation {
                        Some(p) => p,
                        None => {
                            rows.push((
                                row,
                                Err(Rejection {
                                    row,
                                    id,
                                    code: "invalid_field".into(),
                                    field: Some("relation".into()),
                                    message: "missing".into(),
                                }),
                            ));
                            continue;
                        }
                    },
                };
                let (Some(rid), Some(name)) = (id.clone(), get(2)) else {
                    let field = if id.is_none() { "id" } else { "name" };
                    rows.push((
                        row,
                        Err(Rejection {
                            row,
                            id,
                            code: "invalid_field".into(),
                            field: Some(field.into()),
                            message: "must not be empty".into(),
                        }),
                    ));
                    continue;
                };
                rows.push((
                    row,
                    Ok(PartnerRecordInput {
                        id: rid,
                        relation,
                        name,
                        domain: get(3),
                        website: get(4),
                        email: get(5),
                        phone: get(6),
                        address: get(7),
                        city: get(8),
                        region: get(9),
                        postal_code: get(10),
                        country: get(11),
                        industry: get(12),
                        account_id: get(13),
                    }),
                ));
            }
        }
    }
    Ok(rows)
}

/// Uploads a partner's account list (its CRM export) as CSV or NDJSON. Each row is linked to an
/// account: the one it names in `account_id`, else the account with its web domain, else a new one.
///
/// A row that gives a company domain (from `domain`, `website` or `email`; free-mail domains do not
/// count) links to the account with that registrable domain or creates one. A row without one links
/// to the matcher's one clear candidate at probability 0.9 or more; near-ties that the full names do
/// not settle link nowhere. Rows of the upload that create accounts and give no domain are clustered
/// by the matcher first, so that one new company spelled two ways creates one account.
#[utoipa::path(
    tag = "partners", operation_id = "put_partner_accounts", security(("bearer" = ["admin", "prm"])),
    params(("id" = String, Path, description = "The partner"), UploadParams),
    request_body(content(
        (String = "text/csv", example = "id,relation,name,domain,country\nC-1,customer,Acme Corp.,acme.com,US"),
        (String = "application/x-ndjson"),
    ), description = "CSV with a header (columns id, relation, name, domain, website, email, phone, address, city, region, postal_code, country, industry, account_id; id and name required; others ignored) or NDJSON of the same fields. CSV may be separated by commas, semicolons, tabs or pipes (the header decides) and encoded in UTF-8, UTF-16 with a byte-order mark, the Content-Type's charset, or else Windows-1252"),
    responses(
        (status = 200, description = "Written: rows accepted, and (merge only) rows rejected with their reasons", body = BulkReport),
        (status = 400, description = "Unreadable body, a missing column, no rows, or a JSON array instead of NDJSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV nor NDJSON (application/json and a missing Content-Type are refused), or an unknown charset", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`rows_rejected`: nothing was written and nothing removed. A replacing upload writes every row or none; a merge with all_or_nothing likewise. `report` lists the first 100 rejections", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/partners/{id}/accounts")]
pub async fn put_partner_accounts(
    eco: Data<Ecosystem>,
    actor: Actor,
    req: HttpRequest,
    id: Path<String>,
    payload: Payload,
    q: Query<UploadParams>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&id)?;
    if !eco.read(|g| g.contains(crate::domain::Kind::Partner, id.as_str())) {
        return Err(ApiError::new(
            Code::NotFound,
            format!("partner '{id}' does not exist"),
        ));
    }
    let csv = bulk_format(&req, true)? == BulkFormat::Csv;
    let limit = req
        .app_data::<Data<Limits>>()
        .map(|l| l.bulk)
        .unwrap_or(Limits::default().bulk);
    let body = read_body(&req, &mut payload.into_inner(), limit).await?;
    if !csv {
        check_ndjson(&body)?;
    }
    let relation = q.relation;
    let charset = charset(&req);
    let rows = actix_web::web::block(move || {
        if csv {
            parse_csv(&body, charset.as_deref(), relation)
        } else {
            Ok(parse_ndjson::<PartnerRecordInput>(&body))
        }
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    let replace = q.mode.unwrap_or(UploadMode::Replace) == UploadMode::Replace;
    if rows.is_empty() {
        return Err(ApiError::new(
            Code::MalformedBody,
            "the upload holds no rows; nothing was written (to remove records, DELETE them one by one)",
        ));
    }
    let report = eco
        .put_records(id.as_str(), rows, replace, q.all_or_nothing, &actor)
        .await?;
    let why = if replace {
        "a replacing upload writes every row or none"
    } else {
        "all_or_nothing was asked, or no row was good"
    };
    super::entities::bulk_reply(report, why)
}

/// One record of a partner's account list.
#[utoipa::path(tag = "partners", operation_id = "get_partner_account", security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner"), ("record_id" = String, Path, description = "The partner's id for the row")),
    responses((status = 200, body = PartnerRecord),
        (status = 404, description = "No such partner or record", body = Problem, content_type = "application/problem+json")))]
#[get("/partners/{id}/accounts/{record_id}")]
pub async fn get_partner_account(
    eco: Data<Ecosystem>,
    path: Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (pid, rid) = path.into_inner();
    eco.read(|g| {
        g.record(&pid, &rid)
            .map(|r| HttpResponse::Ok().json(r.to_record()))
    })
    .ok_or_else(|| {
        ApiError::new(
            Code::NotFound,
            format!("partner '{pid}' has no account record '{rid}'"),
        )
    })
}

/// Removes one record from a partner's account list.
#[utoipa::path(tag = "partners", operation_id = "delete_partner_account", security(("bearer" = ["admin", "prm"])),
    params(("id" = String, Path, description = "The partner"), ("record_id" = String, Path, description = "The partner's id for the row")),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "No such partner or record", body = Problem, content_type = "application/problem+json")))]
#[delete("/partners/{id}/accounts/{record_id}")]
pub async fn delete_partner_account(
    eco: Data<Ecosystem>,
    actor: Actor,
    path: Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (pid, rid) = path.into_inner();
    eco.delete_record(&pid, &rid, &actor)
        .await
        .map_err(|e| match e {
            crate::service::ServiceError::NotFound { .. } => ApiError::new(
                Code::NotFound,
                format!("partner '{pid}' has no account record '{rid}'"),
            ),
            other => other.into(),
        })?;
    Ok(HttpResponse::NoContent().finish())
}
