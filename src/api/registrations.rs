//! Deal registration over HTTP: register with an inline conflict assessment, assess without
//! writing, list, read, decide, import history; the rules of engagement.

use super::auth::Caller;
use super::entities::{BulkParams, bulk_reply, path_id};
use super::error::{ApiError, ApiResult, Code, Problem};
use super::extract::{
    JsonBody, Limits, UniqueKeys, bulk_format, check_ndjson, json_error, parse_ndjson, read_body,
};
use super::matching::RecordInput;
use super::pagination::{Page, cursor_after, cursor_of, take};
use super::query::Query;
use crate::conflict::{Assessment, Rules};
use crate::domain::{
    Claim, ClaimFields, CoPartnerInput, DecisionInput, Id, Registration, RegistrationInput,
    RegistrationStatus, Role, SharingLevel,
};
use crate::graph::EcoGraph;
use crate::service::{
    Actor, Ecosystem, NewRegistration, Registered, RegistrationDoc, RegistrationFilter,
};
use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::{IntoParams, ToSchema};

/// A registration as the deal desk, the PRM or a partner sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    /// The PRM's id for the registration; a retry with the same id and body gets the first answer.
    pub id: String,
    /// The registering partner.
    pub partner_id: String,
    /// The account the opportunity is at; or send `account`.
    #[serde(default)]
    pub account_id: Option<String>,
    /// A company record, resolved to an account with the matcher, instead of `account_id`.
    #[serde(default)]
    pub account: Option<RecordInput>,
    /// The vendor's deal, if it exists.
    #[serde(default)]
    pub deal_id: Option<String>,
    /// Vendor products claimed (at least one).
    pub products: Vec<String>,
    /// Expected deal value (greater than 0).
    #[serde(default)]
    pub amount: Option<f64>,
    /// ISO 4217 currency; USD when absent.
    #[serde(default)]
    pub currency: Option<String>,
    /// When the registrant expects to close (not before today).
    #[serde(default)]
    pub expected_close_date: Option<NaiveDate>,
    /// Other partners in the deal with their roles.
    #[serde(default)]
    pub partners: Vec<CoPartnerInput>,
}

/// How a company record was resolved to the account registered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountResolution {
    /// The account.
    pub account_id: String,
    /// The matcher's probability that the record is this account.
    pub score: f64,
}

/// A registration with its assessment (and, when a company record was sent, how it resolved).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationOut {
    /// The registration and the assessment made when it was registered.
    #[serde(flatten)]
    pub doc: RegistrationDoc,
    /// How `account` was resolved, when it was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_resolution: Option<AccountResolution>,
}

/// An assessment without a registration.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessOut {
    /// The account assessed.
    pub account_id: String,
    /// How `account` was resolved, when it was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_resolution: Option<AccountResolution>,
    /// The assessment as of now.
    pub assessment: Assessment,
}

/// A candidate account of an ambiguous company record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountCandidate {
    /// The account.
    pub account_id: String,
    /// Its name.
    pub name: String,
    /// The matcher's probability.
    pub score: f64,
}

/// Reads the body as an object (duplicate keys refused), its digest and the request.
fn request_of(body: UniqueKeys) -> ApiResult<(String, RegistrationRequest)> {
    let value = serde_json::Value::Object(body.0);
    // serde_json's maps are ordered by key, so equal bodies give equal text whatever their order.
    let digest = hex::encode(sha2::Sha256::digest(value.to_string().as_bytes()));
    let req = serde_path_to_error::deserialize::<_, RegistrationRequest>(value)
        .map_err(|e| json_error(&e.path().to_string(), e.inner()))?;
    Ok((digest, req))
}

/// A partner key registers for its own partner only.
fn check_caller(caller: &Caller, partner_id: &str) -> ApiResult<()> {
    if caller.role == Role::Partner
        && caller.partner_id.as_ref().map(Id::as_str) != Some(partner_id)
    {
        return Err(ApiError::new(
            Code::Forbidden,
            "a partner key registers deals for its own partner only",
        )
        .field("partner_id"));
    }
    Ok(())
}

/// Resolves the request's account: the id given, or the company record through the matcher.
async fn resolve_account(
    eco: &Ecosystem,
    req: &mut RegistrationRequest,
) -> ApiResult<(String, Option<AccountResolution>)> {
    match (req.account_id.take(), req.account.take()) {
        (Some(_), Some(_)) => Err(ApiError::new(
            Code::InvalidField,
            "send either account_id or account, not both",
        )
        .field("account")),
        (None, None) => Err(ApiError::new(
            Code::InvalidField,
            "send account_id, or account (a company record to resolve)",
        )
        .field("account_id")),
        (Some(id), None) => Ok((id, None)),
        (None, Some(record)) => {
            if !eco.resolution_ready() {
                return Err(ApiError::new(
                    Code::Unavailable,
                    "the resolution index is still being built; retry shortly or send account_id",
                )
                .retry_after(5));
            }
            let record = record.into_record("account", false)?;
            let matcher = crate::matching::card::shipped_ref();
            let (found, one) = eco.resolve_decided(record, 5, matcher.threshold()).await?;
            use crate::matching::decide::One;
            match one {
                One::Match(k) => Ok((
                    found[k].account.id.to_string(),
                    Some(AccountResolution {
                        account_id: found[k].account.id.to_string(),
                        score: found[k].score,
                    }),
                )),
                One::Ambiguous(a, b) => {
                    let candidates: Vec<AccountCandidate> = [a, b]
                        .iter()
                        .map(|k| AccountCandidate {
                            account_id: found[*k].account.id.to_string(),
                            name: found[*k].account.name.as_str().to_string(),
                            score: found[*k].score,
                        })
                        .collect();
                    let mut e = ApiError::new(
                        Code::AmbiguousAccount,
                        format!(
                            "the company record could be account {} or {}; send account_id to pick one",
                            candidates[0].account_id, candidates[1].account_id
                        ),
                    )
                    .field("account");
                    e.candidates = Some(serde_json::to_value(&candidates).unwrap_or_default());
                    Err(e)
                }
                One::None => Err(ApiError::new(
                    Code::InvalidField,
                    "no account matches the company record; create the account first or send account_id",
                )
                .field("account")),
            }
        }
    }
}

fn claim_of(req: RegistrationRequest, account_id: String, at: DateTime<Utc>) -> ApiResult<Claim> {
    Ok(Claim::parse(
        ClaimFields {
            partner_id: req.partner_id,
            account_id,
            deal_id: req.deal_id,
            products: req.products,
            amount: req.amount,
            currency: req.currency,
            expected_close_date: req.expected_close_date,
            partners: req.partners,
        },
        at,
    )?)
}

/// A registration request read, checked against the caller and resolved to an account: its id,
/// digest, claim as of `at`, and how a company record was resolved. Shared by register and assess.
async fn prepare(
    eco: &Ecosystem,
    caller: &Caller,
    body: UniqueKeys,
    at: DateTime<Utc>,
) -> ApiResult<(Id, String, Claim, Option<AccountResolution>)> {
    let (digest, mut req) = request_of(body)?;
    check_caller(caller, &req.partner_id)?;
    let id = Id::parse("id", &req.id)?;
    let (account_id, resolution) = resolve_account(eco, &mut req).await?;
    let claim = claim_of(req, account_id, at)?;
    Ok((id, digest, claim, resolution))
}

/// Whether partner `p` lets other partners see that it holds an opportunity.
fn shares_opportunities(g: &EcoGraph, p: &str) -> bool {
    g.partner(p)
        .is_some_and(|p| p.sharing.opportunities == SharingLevel::Records)
}

/// Hides other partners from a partner caller, unless they share their opportunities.
fn redact_for(eco: &Ecosystem, caller: &Caller, a: &mut Assessment) {
    if caller.role != Role::Partner {
        return;
    }
    let own = caller
        .partner_id
        .as_ref()
        .map(Id::as_str)
        .unwrap_or_default();
    eco.read(|g| {
        let shared = |p: &str| p == own || shares_opportunities(g, p);
        for f in &mut a.findings {
            crate::conflict::findings::redact(f, shared);
        }
        if a.resolution
            .partner_id
            .as_deref()
            .is_some_and(|p| !shared(p))
        {
            a.resolution.partner_id = None;
        }
    });
}

/// Registers a deal and returns it with its conflict assessment.
///
/// The assessment is made as of the registration instant: deterministic findings, the predicted
/// probability of a dispute with the features that moved it most, and who keeps the deal under the
/// rules of engagement. Registrations of one account arriving together are taken one at a time:
/// the first is first, and the others' findings name it.
#[utoipa::path(tag = "deal registration", operation_id = "register_deal", security(("bearer" = ["admin", "prm", "deal_desk", "partner"])),
    request_body(content = RegistrationRequest, content_type = "application/json"),
    responses((status = 201, description = "Registered (or the first answer to the same request)", body = RegistrationOut),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner key registering for another partner", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id is taken by a different request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, unknown reference, or an ambiguous company record (with its candidates)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The resolution index is still being built", body = Problem, content_type = "application/problem+json")))]
#[post("/deal-registrations")]
pub async fn register(
    eco: Data<Ecosystem>,
    actor: Actor,
    caller: Caller,
    body: JsonBody<UniqueKeys>,
) -> ApiResult<HttpResponse> {
    let (id, digest, claim, resolution) = prepare(&eco, &caller, body.0, Utc::now()).await?;
    let mut doc = match eco
        .register(NewRegistration { id, claim, digest }, &actor)
        .await?
    {
        Registered::Created(d) | Registered::Replayed(d) => d,
    };
    redact_for(&eco, &caller, &mut doc.assessment);
    doc.request_digest.clear();
    Ok(HttpResponse::Created().json(RegistrationOut {
        doc,
        account_resolution: resolution,
    }))
}

/// Assesses a registration without making it: the same body and the same assessment as
/// `POST /v1/deal-registrations`, and nothing is written (for a form that checks as the user types).
#[utoipa::path(tag = "deal registration", operation_id = "assess_registration", security(("bearer" = ["admin", "prm", "deal_desk", "partner"])),
    request_body(content = RegistrationRequest, content_type = "application/json"),
    responses((status = 200, body = AssessOut),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner key assessing for another partner", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, unknown reference, or an ambiguous company record", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The resolution index is still being built", body = Problem, content_type = "application/problem+json")))]
#[post("/deal-registrations/assess")]
pub async fn assess(
    eco: Data<Ecosystem>,
    caller: Caller,
    body: JsonBody<UniqueKeys>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let (id, _, claim, account_resolution) = prepare(&eco, &caller, body.0, now).await?;
    let mut assessment = eco.assess_claim(&id, &claim, now)?;
    redact_for(&eco, &caller, &mut assessment);
    Ok(HttpResponse::Ok().json(AssessOut {
        account_id: claim.account_id.to_string(),
        account_resolution,
        assessment,
    }))
}

/// Registration filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    /// Only registrations of this account.
    pub account_id: Option<String>,
    /// Only registrations by this partner.
    pub partner_id: Option<String>,
    /// Only registrations in this status.
    #[param(inline)]
    pub status: Option<RegistrationStatus>,
    /// Registered at or after this instant (RFC 3339).
    pub registered_since: Option<DateTime<Utc>>,
    /// Registered before this instant (RFC 3339).
    pub registered_until: Option<DateTime<Utc>>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists registrations in id order (a partner key sees its own only).
#[utoipa::path(tag = "deal registration", operation_id = "list_registrations", security(("bearer" = ["admin", "prm", "deal_desk", "partner"])),
    params(RegistrationQuery),
    responses((status = 200, body = Page<Registration>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/deal-registrations")]
pub async fn list(
    eco: Data<Ecosystem>,
    caller: Caller,
    q: Query<RegistrationQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let limit = super::pagination::limit(q.limit)?;
    let mut partner_id = q.partner_id;
    if caller.role == Role::Partner {
        let own = caller.partner_id.as_ref().map(|p| p.to_string());
        if partner_id.is_some() && partner_id != own {
            return Ok(HttpResponse::Ok().json(Page::<Registration> {
                items: Vec::new(),
                next_cursor: None,
            }));
        }
        partner_id = own;
    }
    let filter = RegistrationFilter {
        account_id: q.account_id,
        partner_id,
        status: q.status,
        since: q.registered_since,
        until: q.registered_until,
    };
    let after = cursor_after("registration", q.cursor.as_deref())?.map(str::to_string);
    let eco2 = eco.clone();
    let items = actix_web::web::block(move || {
        eco2.list_registrations(&filter, after.as_deref(), limit + 1)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let (items, next_cursor) = take(items.into_iter(), limit, |r| {
        cursor_of("registration", r.id.as_str())
    });
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

/// Returns a registration with the assessment made when it was registered and its decisions.
#[utoipa::path(tag = "deal registration", operation_id = "get_registration", security(("bearer" = ["admin", "prm", "deal_desk", "partner"])),
    params(("id" = String, Path, description = "The registration")),
    responses((status = 200, body = RegistrationDoc),
        (status = 404, description = "No such registration", body = Problem, content_type = "application/problem+json")))]
#[get("/deal-registrations/{id}")]
pub async fn get_one(
    eco: Data<Ecosystem>,
    caller: Caller,
    id: Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&id)?;
    let missing = || {
        ApiError::new(
            Code::NotFound,
            format!("registration '{id}' does not exist"),
        )
    };
    let mut doc = eco
        .registration_doc(id.as_str())
        .await?
        .ok_or_else(missing)?;
    if caller.role == Role::Partner
        && caller.partner_id.as_ref() != Some(&doc.registration.claim.partner_id)
    {
        return Err(missing());
    }
    redact_for(&eco, &caller, &mut doc.assessment);
    doc.request_digest.clear();
    Ok(HttpResponse::Ok().json(doc))
}

/// A decision on a registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// approve, reject, dispute, resolve, win, lose, extend or expire.
    pub decision: crate::domain::DecisionKind,
    /// Why, in words (kept in the history).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Takes a decision on a registration. Moves the state machine does not allow are refused with
/// 409 `illegal_transition`, naming the decisions allowed; each decision records who, when and why.
#[utoipa::path(tag = "deal registration", operation_id = "decide_registration", security(("bearer" = ["admin", "prm", "deal_desk"])),
    params(("id" = String, Path, description = "The registration")),
    request_body(content = DecisionRequest, content_type = "application/json"),
    responses((status = 200, body = RegistrationDoc),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such registration", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The decision is not allowed from the current status", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[post("/deal-registrations/{id}/decisions")]
pub async fn decide(
    eco: Data<Ecosystem>,
    actor: Actor,
    id: Path<String>,
    body: JsonBody<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&id)?;
    let b = body.0;
    let doc = eco
        .decide(
            id.as_str(),
            DecisionInput {
                decision: b.decision,
                reason: b.reason,
                at: None,
                by: None,
            },
            &actor,
        )
        .await?;
    let mut doc = doc;
    doc.request_digest.clear();
    Ok(HttpResponse::Ok().json(doc))
}

/// Imports past registrations (NDJSON, one per line, with `registered_at` and their `decisions`,
/// each with its `at`). Each is assessed as of its own registration and stored with that
/// assessment; an existing id is replaced.
#[utoipa::path(tag = "deal registration", operation_id = "bulk_registrations", security(("bearer" = ["admin", "prm"])),
    params(BulkParams),
    request_body(content = Vec<RegistrationInput>, content_type = "application/x-ndjson"),
    responses((status = 200, body = crate::service::BulkReport),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not NDJSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing written: rows were rejected", body = Problem, content_type = "application/problem+json")))]
#[post("/deal-registrations/bulk")]
pub async fn bulk(
    eco: Data<Ecosystem>,
    actor: Actor,
    req: HttpRequest,
    payload: Payload,
    params: Query<BulkParams>,
) -> ApiResult<HttpResponse> {
    bulk_format(&req, false)?;
    let limit = req
        .app_data::<Data<Limits>>()
        .map(|l| l.bulk)
        .unwrap_or(Limits::default().bulk);
    let body = read_body(&req, &mut payload.into_inner(), limit).await?;
    check_ndjson(&body)?;
    let rows = actix_web::web::block(move || parse_ndjson::<RegistrationInput>(&body))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let report = eco
        .import_registrations(rows, params.all_or_nothing, &actor)
        .await?;
    bulk_reply(report, "all_or_nothing was asked, or no row was good")
}

/// The rules of engagement the assessments apply.
#[utoipa::path(tag = "deal registration", operation_id = "rules_of_engagement", security(("bearer" = ["admin", "prm", "deal_desk", "partner"])),
    responses((status = 200, body = Rules)))]
#[get("/rules-of-engagement")]
pub async fn rules(eco: Data<Ecosystem>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(&eco.engine().rules))
}

/// Watchlist query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PredictedQuery {
    /// Only predictions at least this likely, 0-1 (default: the `low` level's threshold).
    #[param(minimum = 0, maximum = 1)]
    pub min_probability: Option<f64>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Conflicts that have not happened yet: accounts where several partners are active (recent
/// touchpoints or open deals), and for each active partner without a live registration there, the
/// assessment a registration by it would get now, most likely first. Each carries its reasons
/// (findings) and the features that moved it. The ranking is computed for a listing's first page
/// (or reused while nothing has been written since) and its later pages walk that same ranking
/// for up to five minutes; past that, a cursor resumes at its position in a newer ranking. Where
/// ranking takes long (a second or more: about a minute at a million accounts) a listing is
/// served the latest ranking while a new one is made in the background; `Last-Modified` says
/// when the ranking served was made.
#[utoipa::path(tag = "deal registration", operation_id = "predicted_conflicts", security(("bearer" = ["admin", "prm", "deal_desk"])),
    params(PredictedQuery),
    responses((status = 200, body = Page<crate::conflict::watch::Predicted>,
            headers(("Last-Modified" = String, description = "When the ranking served was made"))),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/conflicts/predicted")]
pub async fn predicted(eco: Data<Ecosystem>, q: Query<PredictedQuery>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let limit = super::pagination::limit(q.limit)?;
    let engine = eco.engine();
    let min = match q.min_probability {
        None => engine.rules.levels.low,
        Some(p) if (0.0..=1.0).contains(&p) => p,
        Some(_) => {
            return Err(ApiError::new(Code::InvalidQuery, "must be between 0 and 1")
                .field("min_probability"));
        }
    };
    // A cursor is "<ranking>-<position>": the pages of one listing walk the ranking its first
    // page was computed for (see `service::watch`).
    let (named, skip) = match cursor_after("predicted", q.cursor.as_deref())? {
        None => (None, 0),
        Some(c) => c
            .split_once('-')
            .and_then(|(r, p)| Some((Some(r.parse::<u64>().ok()?), p.parse::<usize>().ok()?)))
            .ok_or_else(|| {
                ApiError::new(
                    Code::InvalidQuery,
                    format!("cursor '{c}' is not one this listing returned"),
                )
                .field("cursor")
            })?,
    };
    let ranking = eco.watchlist(min, named).await?;
    let mut listed = ranking.above(min).skip(skip);
    let items: Vec<_> = listed.by_ref().take(limit).cloned().collect();
    let next = skip + items.len();
    let more = listed.next().is_some();
    let resume = format!("{}-{next}", ranking.id);
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::LAST_MODIFIED,
            actix_web::http::header::HttpDate::from(std::time::SystemTime::from(ranking.ranked_at)),
        ))
        .json(Page {
            items,
            next_cursor: more.then(|| cursor_of("predicted", &resume)),
        }))
}
