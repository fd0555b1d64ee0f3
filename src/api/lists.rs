//! Listings with filters and cursor pagination, and the adjacency reads of the graph.

use super::entities::{DealOut, path_id};
use super::error::{ApiError, ApiResult, Code, Problem};
use super::pagination::{
    Page, blocking_read, cursor_after, cursor_of, json, limit, page_sorted, take,
};
use super::query::Query;
use crate::domain::{
    Account, DealOutcome, DealStage, Id, Ipp, Kind, Partner, PartnerRecord, PartnerRole,
    PartnerStatus, PartnerType, Play, PlayMotion, PlayRun, Population, Region, Tier, Touchpoint,
    TouchpointKind,
};
use crate::graph::{EcoGraph, Node, RecordRef};
use crate::service::Ecosystem;
use actix_web::HttpResponse;
use actix_web::get;
use actix_web::web::{Data, Path};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn eq_ci(list: &[String], want: &str) -> bool {
    list.iter().any(|s| s.eq_ignore_ascii_case(want))
}

/// Pages through one kind in id order, keeping the entities `keep` accepts.
fn page_of<'a, T: 'a>(
    g: &'a EcoGraph,
    kind: Kind,
    cursor: Option<&'a str>,
    limit: usize,
    pick: fn(&Node) -> Option<&T>,
    keep: impl Fn(&T) -> bool,
    id: fn(&T) -> &Id,
) -> ApiResult<Page<&'a T>> {
    let it = g
        .iter_from(kind, cursor_after(kind.as_str(), cursor)?)
        .filter_map(pick)
        .filter(|t| keep(t));
    let (items, next_cursor) = take(it, limit, |t| cursor_of(kind.as_str(), id(t).as_str()));
    Ok(Page { items, next_cursor })
}

/// Partner filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PartnerFilter {
    /// Only this partner type.
    #[serde(rename = "type")]
    #[param(inline)]
    pub partner_type: Option<PartnerType>,
    /// Only this tier.
    #[param(inline)]
    pub tier: Option<Tier>,
    /// Only this status.
    #[param(inline)]
    pub status: Option<PartnerStatus>,
    /// Only partners selling in this region.
    #[param(inline)]
    pub region: Option<Region>,
    /// Only partners serving this industry (any letter case).
    pub industry: Option<String>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists partners in id order.
#[utoipa::path(tag = "partners", operation_id = "list_partners", security(("bearer" = ["admin", "prm", "recruiter", "deal_desk"])), params(PartnerFilter),
    responses((status = 200, body = Page<Partner>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/partners")]
pub async fn list_partners(
    eco: Data<Ecosystem>,
    q: Query<PartnerFilter>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        let page = page_of(
            g,
            Kind::Partner,
            q.cursor.as_deref(),
            n,
            |node| match node {
                Node::Partner(p) => Some(p.as_ref()),
                _ => None,
            },
            |p: &Partner| {
                q.partner_type.is_none_or(|t| p.partner_type == t)
                    && q.tier.is_none_or(|t| p.tier == t)
                    && q.status.is_none_or(|s| p.status == s)
                    && q.region.is_none_or(|r| p.regions.contains(&r))
                    && q.industry
                        .as_deref()
                        .is_none_or(|i| eq_ci(&p.industries, i))
            },
            |p| &p.id,
        )?;
        json(&page)
    })
    .await
}

/// Account filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountFilter {
    /// Only accounts in this country (ISO 3166 alpha-2, any case).
    pub country: Option<String>,
    /// Only accounts in this industry (any letter case).
    pub industry: Option<String>,
    /// Only accounts in this region.
    #[param(inline)]
    pub region: Option<Region>,
    /// Only accounts with this web domain.
    pub domain: Option<String>,
    /// Only accounts owned by this partner.
    pub owner_partner_id: Option<String>,
    /// Only accounts the vendor relates to this way.
    #[param(inline)]
    pub vendor_relation: Option<Population>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists accounts in id order.
#[utoipa::path(tag = "accounts", operation_id = "list_accounts", security(("bearer" = ["admin", "prm", "deal_desk"])), params(AccountFilter),
    responses((status = 200, body = Page<Account>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/accounts")]
pub async fn list_accounts(
    eco: Data<Ecosystem>,
    q: Query<AccountFilter>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        let page = page_of(
            g,
            Kind::Account,
            q.cursor.as_deref(),
            n,
            |node| match node {
                Node::Account(a) => Some(a.as_ref()),
                _ => None,
            },
            |a: &Account| {
                q.country.as_deref().is_none_or(|c| {
                    a.country
                        .is_some_and(|x| x.as_str().eq_ignore_ascii_case(c))
                }) && q.industry.as_deref().is_none_or(|i| {
                    a.industry
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(i))
                }) && q.region.is_none_or(|r| a.region == Some(r))
                    && q.domain.as_deref().is_none_or(|d| {
                        a.domain
                            .as_ref()
                            .is_some_and(|x| x.as_str().eq_ignore_ascii_case(d))
                    })
                    && q.owner_partner_id
                        .as_deref()
                        .is_none_or(|p| a.owner_partner().is_some_and(|x| x.as_str() == p))
                    && q.vendor_relation
                        .is_none_or(|v| a.vendor_relation == Some(v))
            },
            |a| &a.id,
        )?;
        json(&page)
    })
    .await
}

/// Deal filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DealFilter {
    /// Only deals for this account.
    pub account_id: Option<String>,
    /// Only deals this partner is in.
    pub partner_id: Option<String>,
    /// Only deals at this stage.
    #[param(inline)]
    pub stage: Option<DealStage>,
    /// Only deals with this outcome.
    #[param(inline)]
    pub outcome: Option<DealOutcome>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists deals in id order.
#[utoipa::path(tag = "deals", operation_id = "list_deals", security(("bearer" = ["admin", "prm", "deal_desk"])), params(DealFilter),
    responses((status = 200, body = Page<DealOut>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/deals")]
pub async fn list_deals(eco: Data<Ecosystem>, q: Query<DealFilter>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        let page = page_of(
            g,
            Kind::Deal,
            q.cursor.as_deref(),
            n,
            |node| match node {
                Node::Deal(d) => Some(d.as_ref()),
                _ => None,
            },
            |d: &crate::domain::Deal| {
                q.account_id
                    .as_deref()
                    .is_none_or(|a| d.account_id.as_str() == a)
                    && q.partner_id
                        .as_deref()
                        .is_none_or(|p| d.partners.iter().any(|x| x.partner_id.as_str() == p))
                    && q.stage.is_none_or(|s| d.stage == s)
                    && q.outcome.is_none_or(|o| d.outcome() == o)
            },
            |d| &d.id,
        )?;
        let page = Page {
            items: page
                .items
                .into_iter()
                .map(DealOut::from)
                .collect::<Vec<_>>(),
            next_cursor: page.next_cursor,
        };
        json(&page)
    })
    .await
}

/// Touchpoint filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TouchpointFilter {
    /// Only touchpoints by this partner.
    pub partner_id: Option<String>,
    /// Only touchpoints on this account.
    pub account_id: Option<String>,
    /// Only touchpoints about this deal.
    pub deal_id: Option<String>,
    /// Only this kind.
    #[param(inline)]
    pub kind: Option<TouchpointKind>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists touchpoints in id order.
#[utoipa::path(tag = "touchpoints", operation_id = "list_touchpoints", security(("bearer" = ["admin", "prm"])), params(TouchpointFilter),
    responses((status = 200, body = Page<Touchpoint>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/touchpoints")]
pub async fn list_touchpoints(
    eco: Data<Ecosystem>,
    q: Query<TouchpointFilter>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        let page = page_of(
            g,
            Kind::Touchpoint,
            q.cursor.as_deref(),
            n,
            |node| match node {
                Node::Touchpoint(t) => Some(t.as_ref()),
                _ => None,
            },
            |t: &Touchpoint| {
                q.partner_id
                    .as_deref()
                    .is_none_or(|p| t.partner_id.as_str() == p)
                    && q.account_id
                        .as_deref()
                        .is_none_or(|a| t.account_id.as_str() == a)
                    && q.deal_id
                        .as_deref()
                        .is_none_or(|d| t.deal_id.as_ref().is_some_and(|x| x.as_str() == d))
                    && q.kind.is_none_or(|k| t.kind == k)
            },
            |t| &t.id,
        )?;
        json(&page)
    })
    .await
}

/// Play filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlayFilter {
    /// Only this motion.
    #[param(inline)]
    pub motion: Option<PlayMotion>,
    /// Only plays suiting this partner type.
    #[param(inline)]
    pub partner_type: Option<PartnerType>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists plays in id order.
#[utoipa::path(tag = "plays", operation_id = "list_plays", security(("bearer" = ["admin", "prm"])), params(PlayFilter),
    responses((status = 200, body = Page<Play>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/plays")]
pub async fn list_plays(eco: Data<Ecosystem>, q: Query<PlayFilter>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        let page = page_of(
            g,
            Kind::Play,
            q.cursor.as_deref(),
            n,
            |node| match node {
                Node::Play(p) => Some(p.as_ref()),
                _ => None,
            },
            |p: &Play| {
                q.motion.is_none_or(|m| p.motion == m)
                    && q.partner_type
                        .is_none_or(|t| p.partner_types.is_empty() || p.partner_types.contains(&t))
            },
            |p| &p.id,
        )?;
        json(&page)
    })
    .await
}

/// Play-run filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlayRunFilter {
    /// Only runs by this partner.
    pub partner_id: Option<String>,
    /// Only runs of this play.
    pub play_id: Option<String>,
    /// Only runs at this account.
    pub account_id: Option<String>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists play runs in id order.
#[utoipa::path(tag = "play-runs", operation_id = "list_play_runs", security(("bearer" = ["admin", "prm"])), params(PlayRunFilter),
    responses((status = 200, body = Page<PlayRun>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/play-runs")]
pub async fn list_play_runs(
    eco: Data<Ecosystem>,
    q: Query<PlayRunFilter>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        let page = page_of(
            g,
            Kind::PlayRun,
            q.cursor.as_deref(),
            n,
            |node| match node {
                Node::PlayRun(r) => Some(r.as_ref()),
                _ => None,
            },
            |r: &PlayRun| {
                q.partner_id
                    .as_deref()
                    .is_none_or(|p| r.partner_id.as_str() == p)
                    && q.play_id.as_deref().is_none_or(|p| r.play_id.as_str() == p)
                    && q.account_id
                        .as_deref()
                        .is_none_or(|a| r.account_id.as_ref().is_some_and(|x| x.as_str() == a))
            },
            |r| &r.id,
        )?;
        json(&page)
    })
    .await
}

/// Page parameters alone.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists IPPs in id order.
#[utoipa::path(tag = "ipps", operation_id = "list_ipps", security(("bearer" = ["admin", "prm", "recruiter"])), params(PageParams),
    responses((status = 200, body = Page<Ipp>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json")))]
#[get("/ipps")]
pub async fn list_ipps(eco: Data<Ecosystem>, q: Query<PageParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        let page = page_of(
            g,
            Kind::Ipp,
            q.cursor.as_deref(),
            n,
            |node| match node {
                Node::Ipp(p) => Some(p.as_ref()),
                _ => None,
            },
            |_: &Ipp| true,
            |p| &p.id,
        )?;
        json(&page)
    })
    .await
}

fn require(g: &EcoGraph, kind: Kind, id: &str) -> ApiResult<()> {
    if g.contains(kind, id) {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::NotFound,
            format!("{kind} '{id}' does not exist"),
        ))
    }
}

/// A partner in relation to an account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountPartner {
    /// The partner.
    pub partner: Partner,
    /// How its account list knows the account, one entry per record.
    pub relations: Vec<Population>,
    /// Whether it owns the account.
    pub owner: bool,
    /// Its roles in the account's deals.
    pub deal_roles: Vec<PartnerRole>,
}

/// The partners that know, own or sell to an account, in partner-id order.
#[utoipa::path(tag = "accounts", operation_id = "list_account_partners", security(("bearer" = ["admin", "prm", "deal_desk"])),
    params(("id" = String, Path, description = "The account"), PageParams),
    responses((status = 200, body = Page<AccountPartner>),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json")))]
#[get("/accounts/{id}/partners")]
pub async fn account_partners(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), q.into_inner());
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        require(g, Kind::Account, &id)?;
        let deals = g.deals_of_account(&id);
        let owner = g.account(&id).and_then(|a| a.owner_partner().cloned());
        let records = g.records_of_account(&id);
        let rows: Vec<AccountPartner> = g
            .partners_of_account(&id)
            .into_iter()
            .map(|p| AccountPartner {
                partner: p.clone(),
                relations: records
                    .iter()
                    .filter(|r| r.partner_id == &p.id)
                    .map(|r| r.relation)
                    .collect(),
                owner: owner.as_ref() == Some(&p.id),
                deal_roles: deals
                    .iter()
                    .flat_map(|d| {
                        d.partners
                            .iter()
                            .filter(|(q, _)| q.id == p.id)
                            .map(|(_, r)| *r)
                    })
                    .collect(),
            })
            .collect();
        json(&page_sorted(
            "partner",
            rows,
            q.cursor.as_deref(),
            n,
            |r| &r.partner.id,
        )?)
    })
    .await
}

/// The deals of an account, in deal-id order.
#[utoipa::path(tag = "accounts", operation_id = "list_account_deals", security(("bearer" = ["admin", "prm", "deal_desk"])),
    params(("id" = String, Path, description = "The account"), PageParams),
    responses((status = 200, body = Page<DealOut>),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json")))]
#[get("/accounts/{id}/deals")]
pub async fn account_deals(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), q.into_inner());
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        require(g, Kind::Account, &id)?;
        let mut deals: Vec<DealOut> = g
            .deals_of_account(&id)
            .into_iter()
            .map(|v| DealOut::from(v.deal))
            .collect();
        deals.sort_by(|a, b| a.deal.id.cmp(&b.deal.id));
        json(&page_sorted("deal", deals, q.cursor.as_deref(), n, |d| {
            &d.deal.id
        })?)
    })
    .await
}

/// The deals a partner is in, in deal-id order.
#[utoipa::path(tag = "partners", operation_id = "list_partner_deals", security(("bearer" = ["admin", "prm", "deal_desk", "partner"])),
    params(("id" = String, Path, description = "The partner"), PageParams),
    responses((status = 200, body = Page<DealOut>),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/partners/{id}/deals")]
pub async fn partner_deals(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), q.into_inner());
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        require(g, Kind::Partner, &id)?;
        let mut deals: Vec<DealOut> = g
            .deals_of_partner(&id)
            .into_iter()
            .map(|(d, _)| DealOut::from(d))
            .collect();
        deals.sort_by(|a, b| a.deal.id.cmp(&b.deal.id));
        deals.dedup_by(|a, b| a.deal.id == b.deal.id);
        json(&page_sorted("deal", deals, q.cursor.as_deref(), n, |d| {
            &d.deal.id
        })?)
    })
    .await
}

/// Filters of a partner's account list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordFilter {
    /// Only records of this population.
    #[param(inline)]
    pub relation: Option<Population>,
    /// Page size, 1-1000 (default 100).
    #[serde(default, deserialize_with = "super::pagination::page_size")]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A partner's account list, in record-id order, each record with the account it resolved to.
#[utoipa::path(tag = "partners", operation_id = "list_partner_accounts", security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner"), RecordFilter),
    responses((status = 200, body = Page<PartnerRecord>),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/partners/{id}/accounts")]
pub async fn partner_accounts(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<RecordFilter>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), q.into_inner());
    let n = limit(q.limit)?;
    blocking_read(&eco, move |g| {
        require(g, Kind::Partner, &id)?;
        let records: Vec<RecordRef<'_>> = g
            .records_of_partner(&id)
            .into_iter()
            .filter(|r| q.relation.is_none_or(|rel| r.relation == rel))
            .collect();
        let page = page_sorted("record", records, q.cursor.as_deref(), n, |r| r.id)?;
        json(&Page {
            items: page
                .items
                .iter()
                .map(RecordRef::to_record)
                .collect::<Vec<PartnerRecord>>(),
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// Generates the "touchpoints of" read of one kind.
macro_rules! touchpoints_of {
    ($name:ident, $kind:expr, tag = $tag:literal, path = $path:literal, op = $op:literal, roles = $roles:tt) => {
        /// Touchpoints on this entity, oldest first.
        #[utoipa::path(get, path = $path, tag = $tag, operation_id = $op, security(("bearer" = $roles)),
            params(("id" = String, Path, description = "The entity"), PageParams),
            responses((status = 200, body = Page<Touchpoint>),
                (status = 404, description = "No such entity", body = Problem, content_type = "application/problem+json")))]
        #[get($path)]
        pub async fn $name(eco: Data<Ecosystem>, id: Path<String>, q: Query<PageParams>) -> ApiResult<HttpResponse> {
            let (id, q) = (id.into_inner(), q.into_inner());
            let n = limit(q.limit)?;
            let _ = path_id(&id)?;
            blocking_read(&eco, move |g| {
                require(g, $kind, &id)?;
                let all = g.touchpoints_of($kind, &id);
                // Ordered by time, so the cursor is a position: the id of the last touchpoint seen.
                let start = match cursor_after("touchpoint", q.cursor.as_deref())? {
                    None => 0,
                    Some(c) => all.iter().position(|t| t.id.as_str() == c).map(|i| i + 1).ok_or_else(|| {
                        ApiError::new(Code::InvalidQuery, format!("cursor '{c}' is not a touchpoint of this {}", $kind)).field("cursor")
                    })?,
                };
                let (items, next_cursor) = take(all.into_iter().skip(start), n, |t| cursor_of("touchpoint", t.id.as_str()));
                json(&Page { items, next_cursor })
            })
            .await
        }
    };
}

touchpoints_of!(
    partner_touchpoints,
    Kind::Partner,
    tag = "partners",
    path = "/partners/{id}/touchpoints",
    op = "list_partner_touchpoints",
    roles = ["admin", "prm", "partner"]
);
touchpoints_of!(
    account_touchpoints,
    Kind::Account,
    tag = "accounts",
    path = "/accounts/{id}/touchpoints",
    op = "list_account_touchpoints",
    roles = ["admin", "prm"]
);
touchpoints_of!(
    deal_touchpoints,
    Kind::Deal,
    tag = "deals",
    path = "/deals/{id}/touchpoints",
    op = "list_deal_touchpoints",
    roles = ["admin", "prm"]
);

/// The play runs of a partner, oldest start first.
#[utoipa::path(tag = "partners", operation_id = "list_partner_play_runs", security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner"), PageParams),
    responses((status = 200, body = Page<PlayRun>),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/partners/{id}/play-runs")]
pub async fn partner_play_runs(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), q.into_inner());
    let n = limit(q.limit)?;
    let _ = path_id(&id)?;
    blocking_read(&eco, move |g| {
        require(g, Kind::Partner, &id)?;
        let all = g.play_runs_of_partner(&id);
        // Ordered by start, so the cursor is a position: the id of the last run seen.
        let start = match cursor_after("play_run", q.cursor.as_deref())? {
            None => 0,
            Some(c) => all
                .iter()
                .position(|r| r.id.as_str() == c)
                .map(|i| i + 1)
                .ok_or_else(|| {
                    ApiError::new(
                        Code::InvalidQuery,
                        format!("cursor '{c}' is not a play run of this partner"),
                    )
                    .field("cursor")
                })?,
        };
        let (items, next_cursor) = take(all.into_iter().skip(start), n, |r| {
            cursor_of("play_run", r.id.as_str())
        });
        json(&Page { items, next_cursor })
    })
    .await
}
