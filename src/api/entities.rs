//! Upsert, get, bulk upsert and delete for every entity kind. The handlers are generated per kind by
//! one macro so that all kinds behave alike; listings with their filters are in `lists`.

use super::error::{ApiError, ApiResult, Code, Problem};
use super::extract::{
    JsonBody, Limits, UniqueKeys, bulk_format, check_ndjson, entity_body, parse_ndjson_with_id,
    read_body,
};
use super::query::Query;
use crate::domain::{
    Account, AccountInput, Deal, DealInput, DealOutcome, Id, Ipp, IppInput, Kind, Partner,
    PartnerInput, Play, PlayInput, PlayRun, PlayRunInput, Touchpoint, TouchpointInput,
};
use crate::graph::Node;
use crate::service::{Actor, BulkReport, Ecosystem, MAX_LISTED_REJECTIONS, Rejection, Upserted};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use actix_web::{delete, get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A deal as returned, with the outcome its stage implies.
#[derive(Debug, Serialize, ToSchema)]
pub struct DealOut {
    /// The deal.
    #[serde(flatten)]
    pub deal: Deal,
    /// Open, won or lost.
    pub outcome: DealOutcome,
}

impl From<&Deal> for DealOut {
    fn from(d: &Deal) -> Self {
        DealOut {
            deal: d.clone(),
            outcome: d.outcome(),
        }
    }
}

/// Renders an entity as JSON with a status.
pub fn respond(status: StatusCode, node: &Node) -> HttpResponse {
    let mut r = HttpResponse::build(status);
    match node {
        Node::Partner(x) => r.json(x),
        Node::Account(x) => r.json(x),
        Node::Deal(x) => r.json(DealOut::from(x.as_ref())),
        Node::Touchpoint(x) => r.json(x),
        Node::Play(x) => r.json(x),
        Node::Ipp(x) => r.json(x),
        Node::PlayRun(x) => r.json(x),
        Node::Registration(x) => r.json(x),
    }
}

/// Options of a bulk request.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BulkParams {
    /// Write nothing if any row is rejected (default false: good rows are written, bad ones reported).
    #[serde(default)]
    pub all_or_nothing: bool,
}

pub(crate) fn path_id(raw: &str) -> ApiResult<Id> {
    Id::parse("id", raw).map_err(ApiError::from)
}

fn not_found(kind: Kind, id: &str) -> ApiError {
    ApiError::new(Code::NotFound, format!("{kind} '{id}' does not exist"))
}

pub(crate) async fn get_entity(eco: &Ecosystem, kind: Kind, id: &str) -> ApiResult<HttpResponse> {
    eco.read(|g| {
        g.index(kind, id)
            .and_then(|ix| g.node(ix))
            .map(|n| respond(StatusCode::OK, n))
    })
    .ok_or_else(|| not_found(kind, id))
}

/// A partner as returned by `PUT`: an applicant comes back with its screening against the
/// profiles for its type.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOut {
    /// The partner.
    #[serde(flatten)]
    pub partner: Partner,
    /// For an applicant: its fit to each profile for its type, and whether it is flagged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening: Option<super::intel::Screening>,
}

async fn put_entity(eco: &Ecosystem, node: Node, actor: &Actor) -> ApiResult<HttpResponse> {
    let (how, node) = eco.upsert(node, actor).await?;
    let status = if how == Upserted::Created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    if let Node::Partner(p) = &node
        && p.status == crate::domain::PartnerStatus::Applicant
    {
        let screening = super::intel::screen(eco, p).await?;
        return Ok(HttpResponse::build(status).json(PartnerOut {
            partner: (**p).clone(),
            screening: Some(screening),
        }));
    }
    Ok(respond(status, &node))
}

async fn bulk_entities<I: serde::de::DeserializeOwned + Send + 'static>(
    eco: &Ecosystem,
    req: &HttpRequest,
    payload: &mut Payload,
    kind: Kind,
    all_or_nothing: bool,
    build: fn(Id, I) -> Result<Node, crate::domain::Invalid>,
    actor: &Actor,
) -> ApiResult<HttpResponse> {
    bulk_format(req, false)?;
    let limit = req
        .app_data::<Data<Limits>>()
        .map(|l| l.bulk)
        .unwrap_or(Limits::default().bulk);
    let body = read_body(req, payload, limit).await?;
    check_ndjson(&body)?;
    let rows = actix_web::web::block(move || {
        parse_ndjson_with_id::<I>(&body)
            .into_iter()
            .map(|(row, parsed)| {
                let node = parsed.and_then(|(raw_id, input)| {
                    let id = Id::parse("id", &raw_id)
                        .map_err(|e| Rejection::invalid(row, Some(raw_id.clone()), e))?;
                    build(id, input).map_err(|e| Rejection::invalid(row, Some(raw_id), e))
                });
                (row, node)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let report: BulkReport = eco.upsert_many(kind, rows, all_or_nothing, actor).await?;
    bulk_reply(report, "all_or_nothing was asked, or no row was good")
}

/// Answers a bulk request: 200 with its report when it wrote, else 422 `rows_rejected` with the
/// report, saying `why` nothing was written. Only the first rejections are listed.
pub(crate) fn bulk_reply(mut report: BulkReport, why: &str) -> ApiResult<HttpResponse> {
    report.rejected.truncate(MAX_LISTED_REJECTIONS);
    if !report.committed && report.rejected_count > 0 {
        return Err(ApiError::rows_rejected(report, why));
    }
    Ok(HttpResponse::Ok().json(report))
}

pub(crate) async fn delete_entity(
    eco: &Ecosystem,
    kind: Kind,
    id: &str,
    actor: &Actor,
) -> ApiResult<HttpResponse> {
    eco.delete(kind, id, actor).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Generates the put, get and bulk handlers of one kind.
macro_rules! entity_handlers {
    (
        $module:ident, $kind:expr, $variant:ident, $entity:ty, $input:ty, $out:ty, tag = $tag:literal,
        item = $item:literal, bulk = $bulk:literal, server_fields = $server_fields:tt,
        ops = ($put_op:literal, $get_op:literal, $bulk_op:literal),
        read = $read:tt, write = $write:tt
    ) => {
        /// Handlers of one entity kind.
        pub mod $module {
            use super::*;

            /// Creates or replaces the entity with this id (idempotent; the whole record is replaced).
            ///
            /// A document read with GET may be sent back as it is: its `id` is accepted when it
            /// equals the path's, and fields the server decides (a partner's `offboarded_at`, a
            /// deal's `outcome`) are ignored.
            #[utoipa::path(
                put, path = $item, tag = $tag, operation_id = $put_op, security(("bearer" = $write)),
                params(("id" = String, Path, description = "The client's id for it")),
                request_body(content = $input, content_type = "application/json"),
                responses(
                    (status = 200, description = "Replaced", body = $out),
                    (status = 201, description = "Created", body = $out),
                    (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
                    (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "The change would strand entities that refer to it (a deal moved away from its touchpoints' account)", body = Problem, content_type = "application/problem+json"),
                    (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "Invalid field or unknown reference", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[put($item)]
            pub async fn put(eco: Data<Ecosystem>, actor: Actor, id: Path<String>, body: JsonBody<UniqueKeys>) -> ApiResult<HttpResponse> {
                let id = path_id(&id)?;
                let input: $input = entity_body(body.0, id.as_str(), &$server_fields)?;
                let entity = <$entity>::from_input(id, input)?;
                put_entity(&eco, Node::$variant(Box::new(entity)), &actor).await
            }

            /// Returns the entity with this id.
            #[utoipa::path(
                get, path = $item, tag = $tag, operation_id = $get_op, security(("bearer" = $read)),
                params(("id" = String, Path, description = "The client's id for it")),
                responses(
                    (status = 200, description = "Found", body = $out),
                    (status = 404, description = "No such entity", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[get($item)]
            pub async fn get(eco: Data<Ecosystem>, id: Path<String>) -> ApiResult<HttpResponse> {
                get_entity(&eco, $kind, &id).await
            }

            /// Creates or replaces many entities from an NDJSON body (one JSON object with its `id` per line).
            #[utoipa::path(
                post, path = $bulk, tag = $tag, operation_id = $bulk_op, security(("bearer" = $write)),
                params(BulkParams),
                request_body(content = String, content_type = "application/x-ndjson",
                    description = "One entity per line: its fields plus `id`"),
                responses(
                    (status = 200, description = "Rows accepted and rejected, each rejection with its row and reason", body = BulkReport),
                    (status = 400, description = "Empty body, or a JSON array instead of one object per line", body = Problem, content_type = "application/problem+json"),
                    (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
                    (status = 415, description = "Not NDJSON (application/json and a missing Content-Type are refused)", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "`rows_rejected`: nothing was written (all_or_nothing met a bad row, or no row was good); `report` lists the first 100 rejections", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[post($bulk)]
            pub async fn bulk(
                eco: Data<Ecosystem>,
                actor: Actor,
                req: HttpRequest,
                payload: actix_web::web::Payload,
                params: Query<BulkParams>,
            ) -> ApiResult<HttpResponse> {
                let build: fn(Id, $input) -> Result<Node, crate::domain::Invalid> =
                    |id, input| Ok(Node::$variant(Box::new(<$entity>::from_input(id, input)?)));
                bulk_entities(&eco, &req, &mut payload.into_inner(), $kind, params.all_or_nothing, build, &actor).await
            }
        }
    };
}

entity_handlers!(
    partners,
    Kind::Partner,
    Partner,
    Partner,
    PartnerInput,
    PartnerOut,
    tag = "partners",
    item = "/partners/{id}",
    bulk = "/partners/bulk",
    server_fields = ["offboarded_at"],
    ops = ("put_partner", "get_partner", "bulk_partners"),
    read = ["admin", "prm", "recruiter", "deal_desk", "partner"],
    write = ["admin", "prm"]
);
entity_handlers!(
    accounts,
    Kind::Account,
    Account,
    Account,
    AccountInput,
    Account,
    tag = "accounts",
    item = "/accounts/{id}",
    bulk = "/accounts/bulk",
    server_fields = [],
    ops = ("put_account", "get_account", "bulk_accounts"),
    read = ["admin", "prm", "deal_desk"],
    write = ["admin", "prm"]
);
entity_handlers!(
    deals,
    Kind::Deal,
    Deal,
    Deal,
    DealInput,
    DealOut,
    tag = "deals",
    item = "/deals/{id}",
    bulk = "/deals/bulk",
    server_fields = ["outcome"],
    ops = ("put_deal", "get_deal", "bulk_deals"),
    read = ["admin", "prm", "deal_desk"],
    write = ["admin", "prm"]
);
entity_handlers!(
    touchpoints,
    Kind::Touchpoint,
    Touchpoint,
    Touchpoint,
    TouchpointInput,
    Touchpoint,
    tag = "touchpoints",
    item = "/touchpoints/{id}",
    bulk = "/touchpoints/bulk",
    server_fields = [],
    ops = ("put_touchpoint", "get_touchpoint", "bulk_touchpoints"),
    read = ["admin", "prm"],
    write = ["admin", "prm"]
);
entity_handlers!(
    plays,
    Kind::Play,
    Play,
    Play,
    PlayInput,
    Play,
    tag = "plays",
    item = "/plays/{id}",
    bulk = "/plays/bulk",
    server_fields = [],
    ops = ("put_play", "get_play", "bulk_plays"),
    read = ["admin", "prm"],
    write = ["admin", "prm"]
);
entity_handlers!(
    ipps,
    Kind::Ipp,
    Ipp,
    Ipp,
    IppInput,
    Ipp,
    tag = "ipps",
    item = "/ipps/{id}",
    bulk = "/ipps/bulk",
    server_fields = [],
    ops = ("put_ipp", "get_ipp", "bulk_ipps"),
    read = ["admin", "prm", "recruiter"],
    write = ["admin", "prm"]
);
entity_handlers!(
    play_runs,
    Kind::PlayRun,
    PlayRun,
    PlayRun,
    PlayRunInput,
    PlayRun,
    tag = "play-runs",
    item = "/play-runs/{id}",
    bulk = "/play-runs/bulk",
    server_fields = [],
    ops = ("put_play_run", "get_play_run", "bulk_play_runs"),
    read = ["admin", "prm"],
    write = ["admin", "prm"]
);

/// Generates the delete handler of a kind that has no soft delete.
macro_rules! delete_handler {
    ($name:ident, $kind:expr, tag = $tag:literal, item = $item:literal, op = $op:literal, roles = $roles:tt) => {
        /// Deletes the entity; refused with 409 while other entities refer to it.
        #[utoipa::path(
            delete, path = $item, tag = $tag, operation_id = $op, security(("bearer" = $roles)),
            params(("id" = String, Path, description = "The client's id for it")),
            responses(
                (status = 204, description = "Deleted"),
                (status = 404, description = "No such entity", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Still referred to", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[delete($item)]
        pub async fn $name(eco: Data<Ecosystem>, actor: Actor, id: Path<String>) -> ApiResult<HttpResponse> {
            delete_entity(&eco, $kind, &id, &actor).await
        }
    };
}

delete_handler!(
    delete_account,
    Kind::Account,
    tag = "accounts",
    item = "/accounts/{id}",
    op = "delete_account",
    roles = ["admin", "prm"]
);
delete_handler!(
    delete_deal,
    Kind::Deal,
    tag = "deals",
    item = "/deals/{id}",
    op = "delete_deal",
    roles = ["admin", "prm"]
);
delete_handler!(
    delete_touchpoint,
    Kind::Touchpoint,
    tag = "touchpoints",
    item = "/touchpoints/{id}",
    op = "delete_touchpoint",
    roles = ["admin", "prm"]
);
delete_handler!(
    delete_play,
    Kind::Play,
    tag = "plays",
    item = "/plays/{id}",
    op = "delete_play",
    roles = ["admin", "prm"]
);
delete_handler!(
    delete_ipp,
    Kind::Ipp,
    tag = "ipps",
    item = "/ipps/{id}",
    op = "delete_ipp",
    roles = ["admin", "prm"]
);
delete_handler!(
    delete_play_run,
    Kind::PlayRun,
    tag = "play-runs",
    item = "/play-runs/{id}",
    op = "delete_play_run",
    roles = ["admin", "prm"]
);

/// Options of a partner delete.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeletePartnerParams {
    /// Remove the partner and its account list for good instead of offboarding it. Refused while deals,
    /// touchpoints, registrations, play runs or owned accounts refer to it, or while API keys of the
    /// partner are live.
    #[serde(default)]
    pub hard: bool,
}

/// Offboards a partner (status `offboarded`, history kept), or with `hard=true` deletes it.
#[utoipa::path(
    tag = "partners", operation_id = "delete_partner", security(("bearer" = ["admin", "prm"])),
    params(("id" = String, Path, description = "The client's id for it"), DeletePartnerParams),
    responses(
        (status = 200, description = "Offboarded", body = Partner),
        (status = 204, description = "Hard-deleted"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Hard delete refused: still referred to, or live API keys of the partner", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/partners/{id}")]
pub async fn delete_partner(
    eco: Data<Ecosystem>,
    access: Data<super::auth::AccessControl>,
    actor: Actor,
    id: Path<String>,
    params: Query<DeletePartnerParams>,
) -> ApiResult<HttpResponse> {
    if params.hard {
        // A live partner key would otherwise outlive its partner and read a later partner
        // created under the same id.
        let keys = access.keys.live_for_partner(&id, chrono::Utc::now());
        if !keys.is_empty() {
            return Err(ApiError::new(
                Code::StillReferenced,
                format!(
                    "partner '{}' still has {} live API key(s) ({}); revoke them first (DELETE /v1/keys/{{id}})",
                    id.as_str(),
                    keys.len(),
                    keys.join(", ")
                ),
            ));
        }
        delete_entity(&eco, Kind::Partner, &id, &actor).await
    } else {
        let p = eco.offboard_partner(&id, &actor).await?;
        Ok(HttpResponse::Ok().json(p))
    }
}
