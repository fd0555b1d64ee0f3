//! Partner intelligence over HTTP: partners for a deal or an account, IPP fit of a partner or an
//! applicant, and ranked recruiting candidates.

use super::entities::path_id;
use super::error::{ApiError, ApiResult, Code, Problem};
use super::pagination::{MAX_LIMIT, Page, take};
use super::query::Query;
use crate::domain::{
    Id, Ipp, Kind, Partner, PartnerInput, PartnerRole, PartnerStatus, PartnerType,
};
use crate::intel::fit::{self, FitScore, TargetOverlap, overlap_of};
use crate::intel::recommend::{
    Bounds, Context, Ranker, Reason, candidates, rank, reasons, role_for,
};
use crate::intel::recruit::{self, RecruitCandidate};
use crate::learn::Contribution;
use crate::service::{Ecosystem, Picture, Served};
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Recommendations returned when no `limit` is given.
const DEFAULT_RECOMMENDATIONS: usize = 10;
/// The most recommendations one request returns (every candidate, at most).
const MAX_RECOMMENDATIONS: usize = MAX_LIMIT;
/// Candidates returned when no `limit` is given.
const DEFAULT_CANDIDATES: usize = 20;

fn bad_query(field: &str, detail: String) -> ApiError {
    ApiError::new(Code::InvalidQuery, detail).field(field)
}

fn not_found(kind: Kind, id: &str) -> ApiError {
    ApiError::new(Code::NotFound, format!("{kind} '{id}' does not exist"))
}

fn parse_limit(raw: Option<&str>, default: usize, max: usize) -> ApiResult<usize> {
    match raw {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(bad_query(
                "limit",
                format!("limit must be a whole number from 1 to {max}, got '{s}'"),
            )),
        },
    }
}

/// How many recommendations to return.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecommendQuery {
    /// How many to return, 1-1000 (10 when absent; there are seldom more than a few hundred).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
}

/// One partner to bring in.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recommendation {
    /// The partner.
    pub partner_id: String,
    /// Its name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub partner_type: PartnerType,
    /// The role to bring it in for.
    pub role: PartnerRole,
    /// The ranking score (higher first; comparable within one answer).
    pub score: f64,
    /// The facts behind it.
    pub reasons: Vec<Reason>,
    /// The features that moved the score most, against the average candidate.
    pub drivers: Vec<Contribution>,
}

/// Partners to bring into a deal or an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recommendations {
    /// The account.
    pub account_id: String,
    /// The deal, when asked for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal_id: Option<String>,
    /// `model` (the ranking model of `model_version`) or `resource_allocation` when no model serves.
    pub ranked_by: &'static str,
    /// The serving model's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// When the graph snapshot ranked here was taken (writes since then are not yet reflected).
    pub snapshot_built_at: DateTime<Utc>,
    /// Candidates considered.
    pub candidates: usize,
    /// Best first.
    pub items: Vec<Recommendation>,
}

/// Partners for an account, or for a deal given the partners on it and their roles: the
/// candidates ranked by the serving model (by diffusion alone without one), the first `n` with
/// their roles, reasons and drivers.
pub fn recommend(
    eco: &Ecosystem,
    picture: &Picture,
    model: Option<&Served>,
    account_id: &str,
    deal: Option<(&str, Vec<(Id, PartnerRole)>)>,
    n: usize,
) -> Recommendations {
    let s = &picture.snapshot;
    let mut out = Recommendations {
        account_id: account_id.to_string(),
        deal_id: deal.as_ref().map(|(d, _)| d.to_string()),
        ranked_by: if model.is_some() {
            "model"
        } else {
            "resource_allocation"
        },
        model_version: model.map(|m| m.version.clone()),
        snapshot_built_at: picture.built_at,
        candidates: 0,
        items: Vec::new(),
    };
    // An account created after the snapshot has no links yet: nothing to recommend from.
    let Some(a) = s.account(account_id) else {
        return out;
    };
    let ctx = match &deal {
        None => Context {
            account: a,
            ..Default::default()
        },
        Some((_, on)) => {
            let taken: Vec<PartnerRole> = on.iter().map(|(_, r)| *r).collect();
            Context {
                account: a,
                on_deal: on
                    .iter()
                    .filter_map(|(p, _)| s.partner(p.as_str()))
                    .collect(),
                open_roles: Some(
                    PartnerRole::ALL
                        .iter()
                        .copied()
                        .filter(|r| !taken.contains(r))
                        .collect(),
                ),
            }
        }
    };
    let c = candidates(s, &ctx, &Bounds::default());
    out.candidates = c.len();
    let ranked = match model {
        Some(m) => rank(s, c, Ranker::Model(&m.model)),
        None => rank(s, c, Ranker::Diffusion),
    };
    let names: Vec<String> = eco.read(|g| {
        ranked
            .iter()
            .take(n)
            .map(|c| {
                g.partner(s.partners[c.partner as usize].id.as_str())
                    .map(|p| p.name.as_str().to_string())
                    .unwrap_or_default()
            })
            .collect()
    });
    out.items = ranked
        .iter()
        .take(n)
        .zip(names)
        .map(|(c, name)| {
            let info = &s.partners[c.partner as usize];
            Recommendation {
                partner_id: info.id.to_string(),
                name,
                partner_type: info.partner_type,
                role: role_for(s, c.partner, &ctx),
                score: (c.score * 1e6).round() / 1e6,
                reasons: reasons(s, c, &ctx),
                drivers: model.map(|m| m.model.explain(&c.x, 5)).unwrap_or_default(),
            }
        })
        .collect();
    out
}

/// Active partners to bring into this deal's account, best first, each with the role to bring it
/// in for and the facts behind it: its relationship with the account (named row by row only where
/// it shares its account list as records), its deals and activity there, partners of similar
/// accounts, region and industry fit and its track record.
#[utoipa::path(tag = "intelligence", operation_id = "account_partner_recommendations",
    security(("bearer" = ["admin", "prm", "deal_desk"])),
    params(("id" = String, Path, description = "The account"), RecommendQuery),
    responses((status = 200, body = Recommendations),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json")))]
#[get("/accounts/{id}/partner-recommendations")]
pub async fn account_recommendations(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<RecommendQuery>,
) -> ApiResult<HttpResponse> {
    let n = recommendations_wanted(&q)?;
    let id = path_id(&id)?;
    if !eco.read(|g| g.contains(Kind::Account, id.as_str())) {
        return Err(not_found(Kind::Account, id.as_str()));
    }
    answer_recommendations(&eco, id.as_str(), None, n).await
}

/// Active partners to bring into a deal, best first, for the roles it still lacks; partners
/// already on the deal are left out, and co-selling wins with them count.
#[utoipa::path(tag = "intelligence", operation_id = "deal_partner_recommendations",
    security(("bearer" = ["admin", "prm", "deal_desk"])),
    params(("id" = String, Path, description = "The deal"), RecommendQuery),
    responses((status = 200, body = Recommendations),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deal", body = Problem, content_type = "application/problem+json")))]
#[get("/deals/{id}/partner-recommendations")]
pub async fn deal_recommendations(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<RecommendQuery>,
) -> ApiResult<HttpResponse> {
    let n = recommendations_wanted(&q)?;
    let id = path_id(&id)?;
    let (account, on) = eco
        .read(|g| {
            g.deal(id.as_str()).map(|d| {
                (
                    d.account_id.to_string(),
                    d.partners
                        .iter()
                        .map(|p| (p.partner_id.clone(), p.role))
                        .collect::<Vec<_>>(),
                )
            })
        })
        .ok_or_else(|| not_found(Kind::Deal, id.as_str()))?;
    answer_recommendations(&eco, &account, Some((id.as_str(), on)), n).await
}

fn recommendations_wanted(q: &RecommendQuery) -> ApiResult<usize> {
    parse_limit(
        q.limit.as_deref(),
        DEFAULT_RECOMMENDATIONS,
        MAX_RECOMMENDATIONS,
    )
}

/// Ranks with the snapshot and the model that serve now, and answers.
async fn answer_recommendations(
    eco: &Ecosystem,
    account_id: &str,
    deal: Option<(&str, Vec<(Id, PartnerRole)>)>,
    n: usize,
) -> ApiResult<HttpResponse> {
    let picture = eco.picture().await?;
    let models = eco.intel_models();
    let body = recommend(eco, &picture, models.partners.as_ref(), account_id, deal, n);
    Ok(HttpResponse::Ok().json(body))
}

/// Which profile to score against.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FitQuery {
    /// The profile; every profile, best fit first, when absent.
    pub ipp_id: Option<String>,
}

/// A partner's fit to one or every profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct FitList {
    /// The partner.
    pub partner_id: String,
    /// Its overlap with the vendor's accounts, when its account list is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlap: Option<TargetOverlap>,
    /// One score per profile, best first.
    pub items: Vec<FitScore>,
}

fn profiles(eco: &Ecosystem, ipp_id: Option<&str>) -> ApiResult<Vec<Ipp>> {
    match ipp_id {
        Some(raw) => {
            let id = Id::parse("ipp_id", raw).map_err(|e| bad_query("ipp_id", e.message))?;
            eco.read(|g| g.ipp(id.as_str()).cloned())
                .map(|i| vec![i])
                .ok_or_else(|| {
                    ApiError::new(
                        Code::UnknownReference,
                        format!("ipp_id refers to ipp '{id}', which does not exist"),
                    )
                    .field("ipp_id")
                })
        }
        None => Ok(eco.read(|g| g.ipps().cloned().collect())),
    }
}

/// Scores a partner in the graph: overlap from the snapshot, success from the model, the partner's
/// own won and lost deals blended in when it has any.
pub fn score_partner(
    picture: &Picture,
    model: Option<&Served>,
    p: &Partner,
    list: &[Ipp],
    today: chrono::NaiveDate,
) -> (Option<TargetOverlap>, Vec<FitScore>) {
    let s = &picture.snapshot;
    let ix = s.partner(p.id.as_str());
    let overlap = ix.and_then(|i| overlap_of(s, i));
    let record = ix.map(|i| (s.partners[i as usize].won, s.partners[i as usize].deals));
    let success = model.map(|m| fit::success(&m.model, &m.version, p, overlap, record));
    let mut items: Vec<FitScore> = list
        .iter()
        .map(|ipp| fit::score(ipp, p, overlap, success.clone(), today))
        .collect();
    items.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ipp_id.cmp(&b.ipp_id)));
    (overlap, items)
}

/// A partner's fit to a profile (or to every profile): each declared criterion with its weight,
/// contribution and a sentence, the success model's estimate (marked `priors` when the partner has
/// no deals yet, `history` when its own record is blended in), hard requirements that fail, and
/// whether an applicant with this fit would be flagged.
#[utoipa::path(tag = "intelligence", operation_id = "partner_ipp_fit",
    security(("bearer" = ["admin", "prm", "recruiter", "partner"])),
    params(("id" = String, Path, description = "The partner"), FitQuery),
    responses((status = 200, body = FitList),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such profile", body = Problem, content_type = "application/problem+json")))]
#[get("/partners/{id}/ipp-fit")]
pub async fn partner_fit(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<FitQuery>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&id)?;
    let partner = eco
        .read(|g| g.partner(id.as_str()).cloned())
        .ok_or_else(|| not_found(Kind::Partner, id.as_str()))?;
    let list = profiles(&eco, q.ipp_id.as_deref())?;
    let picture = eco.picture().await?;
    let models = eco.intel_models();
    let (overlap, items) = score_partner(
        &picture,
        models.success.as_ref(),
        &partner,
        &list,
        Utc::now().date_naive(),
    );
    Ok(HttpResponse::Ok().json(FitList {
        partner_id: id.to_string(),
        overlap,
        items,
    }))
}

/// An applicant scored before it is in the graph.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FitRequest {
    /// The profile.
    pub ipp_id: String,
    /// The applicant as the application form sends it (a partner's fields).
    pub applicant: PartnerInput,
}

/// An applicant's fit to a profile, as the PRM's application form would ask before the applicant is
/// stored. Its account list is not known yet, so customer overlap does not count (or fails, when
/// the profile requires it); the success estimate rests on priors.
#[utoipa::path(tag = "intelligence", operation_id = "applicant_ipp_fit",
    security(("bearer" = ["admin", "prm", "recruiter"])),
    request_body = FitRequest,
    responses((status = 200, body = FitScore),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field or no such profile", body = Problem, content_type = "application/problem+json")))]
#[post("/ipp-fit")]
pub async fn applicant_fit(
    eco: Data<Ecosystem>,
    body: super::extract::JsonBody<FitRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let ipp_id = Id::parse("ipp_id", &req.ipp_id)?;
    let ipp = eco
        .read(|g| g.ipp(ipp_id.as_str()).cloned())
        .ok_or_else(|| {
            ApiError::new(
                Code::UnknownReference,
                format!("ipp_id refers to ipp '{ipp_id}', which does not exist"),
            )
            .field("ipp_id")
        })?;
    let applicant = Partner::from_input(Id::parse("id", "applicant")?, req.applicant)
        .map_err(|e| ApiError::from(e.within("applicant")))?;
    let models = eco.intel_models();
    let success = models
        .success
        .as_ref()
        .map(|m| fit::success(&m.model, &m.version, &applicant, None, None));
    Ok(HttpResponse::Ok().json(fit::score(
        &ipp,
        &applicant,
        None,
        success,
        Utc::now().date_naive(),
    )))
}

/// How an applicant fared at screening against each profile for its type.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Screening {
    /// Whether it is flagged: no profile for its type, or under every such profile a hard
    /// requirement fails or the score is below the profile's minimum.
    pub flagged: bool,
    /// One result per profile, best first.
    pub results: Vec<ScreeningResult>,
}

/// A screening result under one profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScreeningResult {
    /// The profile.
    pub ipp_id: String,
    /// The blended fit score, 0-100.
    pub score: f64,
    /// Whether it is flagged under this profile.
    pub flagged: bool,
    /// Why.
    pub flags: Vec<String>,
}

/// Screens an applicant against every profile that admits its type (all profiles when none names
/// a type), with the snapshot and model that serve now.
pub async fn screen(eco: &Ecosystem, p: &Partner) -> ApiResult<Screening> {
    let list: Vec<Ipp> = eco.read(|g| g.ipps().cloned().collect());
    let for_type: Vec<Ipp> = list
        .into_iter()
        .filter(|i| i.partner_types.is_empty() || i.partner_types.contains(&p.partner_type))
        .collect();
    let picture = eco.picture().await?;
    let models = eco.intel_models();
    let (_, items) = score_partner(
        &picture,
        models.success.as_ref(),
        p,
        &for_type,
        Utc::now().date_naive(),
    );
    let results: Vec<ScreeningResult> = items
        .into_iter()
        .map(|f| ScreeningResult {
            ipp_id: f.ipp_id,
            score: f.score,
            flagged: f.flagged,
            flags: f.flags,
        })
        .collect();
    Ok(Screening {
        flagged: results.iter().all(|r| r.flagged),
        results,
    })
}

/// Recruiting query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CandidateQuery {
    /// The profile to recruit for.
    pub ipp_id: String,
    /// Candidates per page, 1-1000 (20 when absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The ranking position a cursor resumes after: its score (in ten-thousandths) and partner id.
fn parse_cursor(raw: &str) -> ApiResult<(u32, String)> {
    let bad = || {
        bad_query(
            "cursor",
            format!(
                "cursor '{raw}' is not one this listing returned; pass the `next_cursor` of the previous page"
            ),
        )
    };
    let rest = raw.strip_prefix("candidate:").ok_or_else(bad)?;
    let (score, id) = rest.split_once(':').ok_or_else(bad)?;
    let score: u32 = score.parse().map_err(|_| bad())?;
    Id::parse("cursor", id).map_err(|_| bad())?;
    Ok((score, id.to_string()))
}

fn score_key(c: &RecruitCandidate) -> u32 {
    (c.score * 10_000.0).round() as u32
}

/// Applicants and prospects ranked for a profile: by fit (declared criteria blended with the
/// success model), by the coverage gap they would fill (segments where the vendor has target
/// accounts and few active partners) and by their customer overlap with the vendor's targets, each
/// with its reasons. Paged with a cursor; `total` counts every candidate.
#[utoipa::path(tag = "intelligence", operation_id = "recruiting_candidates",
    security(("bearer" = ["admin", "prm", "recruiter"])),
    params(CandidateQuery),
    responses((status = 200, body = CandidatePage),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such profile", body = Problem, content_type = "application/problem+json")))]
#[get("/recruiting/candidates")]
pub async fn recruiting_candidates(
    eco: Data<Ecosystem>,
    q: Query<CandidateQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let n = parse_limit(q.limit.as_deref(), DEFAULT_CANDIDATES, MAX_LIMIT)?;
    let after = q.cursor.as_deref().map(parse_cursor).transpose()?;
    let ipp = profiles(&eco, Some(&q.ipp_id))?
        .pop()
        .ok_or_else(|| bad_query("ipp_id", "no such profile".into()))?;
    let picture: Arc<Picture> = eco.picture().await?;
    let models = eco.intel_models();
    let eco2 = eco.clone();
    let page = actix_web::web::block(move || {
        let today = Utc::now().date_naive();
        let (all, total) = eco2.read(|g| {
            let pool: Vec<&Partner> = g
                .iter_from(Kind::Partner, None)
                .filter_map(|n| match n {
                    crate::graph::Node::Partner(p)
                        if matches!(
                            p.status,
                            PartnerStatus::Applicant | PartnerStatus::Prospect
                        ) =>
                    {
                        Some(p.as_ref())
                    }
                    _ => None,
                })
                .collect();
            recruit::rank(
                &picture.snapshot,
                picture.coverage(),
                &pool,
                &ipp,
                models
                    .success
                    .as_ref()
                    .map(|m| (&m.model, m.version.as_str())),
                today,
                usize::MAX,
            )
        });
        let start = after.as_ref().map_or(0, |(score, id)| {
            all.partition_point(|c| {
                (std::cmp::Reverse(score_key(c)), c.partner_id.as_str())
                    <= (std::cmp::Reverse(*score), id.as_str())
            })
        });
        let (items, next_cursor) = take(all.into_iter().skip(start), n, |c| {
            format!("candidate:{}:{}", score_key(c), c.partner_id)
        });
        CandidatePage {
            total,
            page: Page { items, next_cursor },
        }
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok().json(page))
}

/// A page of recruiting candidates.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatePage {
    /// Applicants and prospects ranked in all.
    pub total: usize,
    /// This page, best first.
    #[serde(flatten)]
    pub page: Page<RecruitCandidate>,
}

/// Plays recommended to a partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlayRecommendations {
    /// The partner.
    pub partner_id: String,
    /// `history` when the partner has known play outcomes of its own; `content` when it has none
    /// and the ranking rests on content fit and how other partners fared.
    pub basis: &'static str,
    /// The serving play model's version (absent: ranked by how partners of its type fared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// When the snapshot of outcomes read here was taken.
    pub snapshot_built_at: DateTime<Utc>,
    /// Best expected uplift first.
    pub items: Vec<crate::intel::plays::PlayRecommendation>,
}

/// The GTM plays a partner should run, ranked by expected uplift (the chance its run succeeds times
/// the pipeline a successful run of the play brings), learned from the outcomes of plays run by
/// partners whose outcomes resemble its own and by partners of its type, and from content fit
/// (the play's partner types, industries and regions). A partner with no runs of its own is ranked
/// on content fit and others' outcomes, and marked `content`.
#[utoipa::path(tag = "intelligence", operation_id = "partner_play_recommendations",
    security(("bearer" = ["admin", "prm", "partner"])),
    params(("id" = String, Path, description = "The partner"), RecommendQuery),
    responses((status = 200, body = PlayRecommendations),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")))]
#[get("/partners/{id}/play-recommendations")]
pub async fn play_recommendations(
    eco: Data<Ecosystem>,
    id: Path<String>,
    q: Query<RecommendQuery>,
) -> ApiResult<HttpResponse> {
    let n = recommendations_wanted(&q)?;
    let id = path_id(&id)?;
    let partner = eco
        .read(|g| g.partner(id.as_str()).cloned())
        .ok_or_else(|| not_found(Kind::Partner, id.as_str()))?;
    let picture = eco.picture().await?;
    let models = eco.intel_models();
    let (basis, mut items) = eco.read(|g| {
        let book = &picture.plays(g).book;
        // A partner added after the snapshot has no runs in it yet.
        let p = picture.snapshot.partner(id.as_str()).unwrap_or(u32::MAX);
        let prof = crate::intel::plays::profile(&partner);
        let basis = if book.has_outcomes(p) {
            "history"
        } else {
            "content"
        };
        let items = match &models.plays {
            Some(m) => crate::intel::plays::recommend(book, &m.model, p, &prof),
            None => crate::intel::plays::recommend_by_type(book, p, &prof),
        };
        (basis, items)
    });
    items.truncate(n);
    Ok(HttpResponse::Ok().json(PlayRecommendations {
        partner_id: id.to_string(),
        basis,
        model_version: models.plays.as_ref().map(|m| m.version.clone()),
        snapshot_built_at: picture.built_at,
        items,
    }))
}
