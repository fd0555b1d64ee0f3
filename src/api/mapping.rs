//! Account mapping over HTTP: the overlap matrix, the overlapping accounts, partner-to-partner
//! overlaps, and shared targets ranked by warmth.

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Code, Problem};
use super::pagination::{MAX_LIMIT, Page, blocking_read, json, limit, page_sorted, take};
use super::query::Query;
use crate::domain::{Population, Role};
use crate::mapping::{self, Matrix, Overlap, PartnerOverlap, Target, TargetFilter, Viewer};
use crate::service::Ecosystem;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use std::cmp::Reverse;
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
    blocking_read(&eco, move |g| {
        json(&mapping::matrix(g, &id, &v).ok_or_else(|| no_partner(&id))?)
    })
    .await
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
    #[serde(default, deserialize_with = "super::pagination::page_size")]
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
    blocking_read(&eco, move |g| {
        let all = mapping::overlaps(g, &id, &v, q.vendor_population, q.partner_population)
            .ok_or_else(|| no_partner(&id))?;
        json(&page_sorted("account", all, q.cursor.as_deref(), n, |o| {
            &o.account.id
        })?)
    })
    .await
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
    blocking_read(&eco, move |g| {
        json(&mapping::partner_overlaps(g, &id).ok_or_else(|| no_partner(&id))?)
    })
    .await
}

// The schema of the `vendor_population` parameter of the targets ranking; the parameter itself is
// parsed from text so that a bad value is reported with its name.
/// A vendor population that can hold targets. Accepted in any letter case.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Documents the accepted values; never constructed.
enum TargetPopulation {
    /// A company the vendor is pursuing.
    Prospect,
    /// A company with an open opportunity.
    Opportunity,
}

/// Query of the shared-targets ranking. Values are read as text so that a bad one is reported
/// with its parameter's name.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetQuery {
    /// Only accounts in this vendor population (`prospect` or `opportunity`: targets are never
    /// vendor customers).
    #[param(inline, value_type = Option<TargetPopulation>)]
    pub vendor_population: Option<String>,
    /// Only accounts the partner knows in this population.
    #[param(inline, value_type = Option<Population>)]
    pub partner_population: Option<String>,
    /// Only targets whose score is at least this, 0-1.
    #[param(value_type = Option<f64>, minimum = 0, maximum = 1)]
    pub min_score: Option<String>,
    /// The instant touchpoint recency is measured from (RFC 3339, or a date for its midnight UTC);
    /// now when absent. Later touchpoints are ignored; deals and account lists are as they are now.
    #[param(value_type = Option<String>, min_length = 1)]
    pub as_of: Option<String>,
    /// Page size, 1-1000 (default 100).
    #[param(value_type = Option<usize>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; it also fixes `as_of` to the first page's.
    pub cursor: Option<String>,
}

fn bad_query(field: &str, detail: String) -> ApiError {
    ApiError::new(Code::InvalidQuery, detail).field(field)
}

fn population_param(field: &str, v: Option<&str>) -> ApiResult<Option<Population>> {
    v.map(|s| {
        Population::parse(s).ok_or_else(|| {
            bad_query(
                field,
                format!(
                    "unknown value '{s}', expected one of: {}",
                    Population::expected()
                ),
            )
        })
    })
    .transpose()
}

fn as_of_param(v: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| d.and_time(NaiveTime::MIN).and_utc())
        })
        .map_err(|_| {
            bad_query(
                "as_of",
                format!("'{v}' is not an RFC 3339 timestamp (2025-06-30T12:00:00Z) or a date"),
            )
        })
}

/// Where a ranked page resumes: the instant the ranking was measured at, and the last target's
/// score (in millionths) and account id. Written `<as_of µs>.<score µ>.<account id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RankCursor {
    as_of_micros: i64,
    score_micros: u32,
    account_id: String,
}

impl RankCursor {
    fn parse(s: &str) -> ApiResult<Self> {
        let mut parts = s.splitn(3, '.');
        let (Some(t), Some(score), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad_query(
                "cursor",
                "not a cursor this listing returned".into(),
            ));
        };
        match (t.parse(), score.parse()) {
            (Ok(as_of_micros), Ok(score_micros)) if !id.is_empty() => Ok(RankCursor {
                as_of_micros,
                score_micros,
                account_id: id.to_string(),
            }),
            _ => Err(bad_query(
                "cursor",
                "not a cursor this listing returned".into(),
            )),
        }
    }

    fn render(&self) -> String {
        format!(
            "{}.{}.{}",
            self.as_of_micros, self.score_micros, self.account_id
        )
    }

    /// The ranking key: score descending, then account id.
    fn key(&self) -> (Reverse<u32>, &str) {
        (Reverse(self.score_micros), &self.account_id)
    }
}

/// The ranking's instant, to the microsecond so that it survives a round trip through a cursor.
fn micros(t: DateTime<Utc>) -> ApiResult<(i64, DateTime<Utc>)> {
    let us = t.timestamp_micros();
    DateTime::from_timestamp_micros(us)
        .map(|t| (us, t))
        .ok_or_else(|| bad_query("as_of", "out of range".into()))
}

/// The partner's shared targets (vendor prospects and open opportunities on its account list),
/// warmest first, each with its score and the four components that make it: partner
/// relationships, open opportunity value, touchpoint recency and account fit. Populations the
/// partner hides are left out; other partners count only as numbers, where they share records.
#[utoipa::path(tag = "mapping", operation_id = "mapping_targets", security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner"), TargetQuery),
    responses((status = 200, body = Page<Target>),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/mapping/partners/{id}/targets")]
pub async fn targets(
    eco: Data<Ecosystem>,
    caller: Caller,
    id: Path<String>,
    q: Query<TargetQuery>,
) -> ApiResult<HttpResponse> {
    let v = viewer(&caller);
    let (id, q) = (id.into_inner(), q.into_inner());
    let n = match q.limit.as_deref() {
        None => limit(None)?,
        Some(s) => limit(Some(s.parse().map_err(|_| {
            bad_query("limit", format!("limit must be between 1 and {MAX_LIMIT}"))
        })?))?,
    };
    let vendor_population = population_param("vendor_population", q.vendor_population.as_deref())?;
    if vendor_population == Some(Population::Customer) {
        return Err(bad_query(
            "vendor_population",
            "targets are never vendor customers; use prospect or opportunity".into(),
        ));
    }
    let filter = TargetFilter {
        vendor_population,
        partner_population: population_param(
            "partner_population",
            q.partner_population.as_deref(),
        )?,
        min_score: q
            .min_score
            .as_deref()
            .map(|s| match s.parse::<f64>() {
                Ok(m) if (0.0..=1.0).contains(&m) => Ok(m),
                _ => Err(bad_query(
                    "min_score",
                    format!("'{s}' is not a number between 0 and 1"),
                )),
            })
            .transpose()?,
    };
    let cursor = q.cursor.as_deref().map(RankCursor::parse).transpose()?;
    let as_of = q.as_of.as_deref().map(as_of_param).transpose()?;
    let (as_of_micros, now) = match (&cursor, as_of) {
        (Some(c), as_of) => {
            let (us, t) = micros(DateTime::from_timestamp_micros(c.as_of_micros).ok_or_else(
                || bad_query("cursor", "not a cursor this listing returned".into()),
            )?)?;
            if as_of.is_some_and(|a| micros(a).map(|m| m.0).ok() != Some(us)) {
                return Err(bad_query(
                    "cursor",
                    "the cursor belongs to a ranking at another as_of".into(),
                ));
            }
            (us, t)
        }
        (None, Some(a)) => micros(a)?,
        (None, None) => micros(Utc::now())?,
    };
    blocking_read(&eco, move |g| {
        let all = mapping::targets(g, &id, &v, now, &filter).ok_or_else(|| no_partner(&id))?;
        let start = cursor.as_ref().map_or(0, |c| {
            all.partition_point(|t| (Reverse(t.score_micros()), t.account.id.as_str()) <= c.key())
        });
        let (items, next_cursor) = take(all.into_iter().skip(start), n, |t| {
            RankCursor {
                as_of_micros,
                score_micros: t.score_micros(),
                account_id: t.account.id.to_string(),
            }
            .render()
        });
        json(&Page { items, next_cursor })
    })
    .await
}
