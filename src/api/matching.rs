//! Entity resolution over HTTP: match two record lists, or resolve one record to accounts.

use super::error::{ApiError, ApiResult, Code, Problem};
use super::extract::{Limits, parse_json, read_body};
use crate::domain::Account;
use crate::matching::{Evidence, PairSide, Record, Relation};
use crate::service::Ecosystem;
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Records per list accepted by `POST /v1/match`; larger jobs belong to `ecograph match`.
pub const MAX_MATCH_RECORDS: usize = 50_000;

/// Longest name of a record to match, as for the names of stored entities.
const MAX_NAME_CHARS: usize = 300;

/// A company record to match. Only `name` is required (and `id` in match lists).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// The caller's id for the record.
    #[serde(default)]
    pub id: Option<String>,
    /// Company name as written.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// Web domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Website URL.
    #[serde(default)]
    pub website: Option<String>,
    /// A contact e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State or region.
    #[serde(default)]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Country name or code.
    #[serde(default)]
    pub country: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
}

/// A record of a match list: a `RecordInput` whose `id` is required and not blank, since matched
/// pairs are reported by id.
pub struct MatchRecord;

impl utoipa::PartialSchema for MatchRecord {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Type};
        let id = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"\S"))
            .description(Some(
                "The caller's id for the record; pairs are reported by it",
            ));
        AllOfBuilder::new()
            .item(utoipa::openapi::Ref::from_schema_name("RecordInput"))
            .item(ObjectBuilder::new().property("id", id).required("id"))
            .into()
    }
}

impl utoipa::ToSchema for MatchRecord {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "RecordInput".into(),
            <RecordInput as utoipa::PartialSchema>::schema(),
        ));
    }
}

impl RecordInput {
    pub(crate) fn into_record(self, field: &str, need_id: bool) -> ApiResult<Record> {
        if self.name.trim().is_empty() {
            return Err(ApiError::new(Code::InvalidField, "must not be empty")
                .field(format!("{field}.name")));
        }
        if !self.name.chars().any(char::is_alphanumeric) {
            return Err(
                ApiError::new(Code::InvalidField, "must contain a letter or a digit")
                    .field(format!("{field}.name")),
            );
        }
        if self.name.chars().count() > MAX_NAME_CHARS {
            return Err(ApiError::new(
                Code::InvalidField,
                format!("must be at most {MAX_NAME_CHARS} characters"),
            )
            .field(format!("{field}.name")));
        }
        let id = match self.id {
            Some(id) if !id.trim().is_empty() => id,
            _ if need_id => {
                return Err(ApiError::new(
                    Code::InvalidField,
                    "every record of a match list needs an id",
                )
                .field(format!("{field}.id")));
            }
            _ => String::new(),
        };
        Ok(Record {
            id,
            name: self.name,
            domain: self.domain,
            website: self.website,
            email: self.email,
            phone: self.phone,
            address: self.address,
            city: self.city,
            region: self.region,
            postal_code: self.postal_code,
            country: self.country,
            industry: self.industry,
        })
    }
}

/// How much a field contributed to a match.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceOut {
    /// The field: name, domain, phone, postal_code, address, city or country.
    pub field: String,
    /// `compared`, or `missing` when either record lacks the field (then there is no similarity,
    /// and the contribution is what the model learned a missing field to be worth).
    pub state: EvidenceState,
    /// Its similarity, 0 to 1; absent when the field is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// Its additive share of the match logit.
    pub contribution: f64,
    /// Name only: the distinctive tokens found in one of the two names only, and what each cost
    /// (their shares of `contribution`; a word common in the list being matched costs little
    /// alone, but each name holding a word of the list that the other lacks, one word put for
    /// another, costs more, the less alike the two street addresses are).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub one_side: Vec<OneSideOut>,
    /// Name only: when one name wholly opens the other and the rest is legal, geographic,
    /// descriptor or domain words, `same` (the same company) or `division` (the rest places it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<RelationOut>,
}

/// A name token present on one side of a pair only.
#[derive(Debug, Serialize, ToSchema)]
pub struct OneSideOut {
    /// The token, normalised (lower case, ASCII).
    pub token: String,
    /// Whose name holds it: `left` or `right` in a match; `record` (the one being resolved) or
    /// `account` in a resolution.
    pub side: TokenSide,
    /// Its share of the match logit (negative: it counts against a match).
    pub cost: f64,
}

/// Whose name holds a one-side token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenSide {
    /// The left record of a match.
    Left,
    /// The right record of a match.
    Right,
    /// The record being resolved.
    Record,
    /// The candidate account of a resolution.
    Account,
}

/// How a name that wholly opens another relates to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationOut {
    /// The same company.
    Same,
    /// A division of the company.
    Division,
}

/// Whether a field was compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceState {
    /// Both records have the field.
    Compared,
    /// At least one record lacks it.
    Missing,
}

/// Evidence as the API shows it; `sides` names the first and second record of the pair.
fn evidence(e: Vec<Evidence>, sides: [TokenSide; 2]) -> Vec<EvidenceOut> {
    e.into_iter()
        .map(|e| EvidenceOut {
            one_side: e
                .one_side
                .into_iter()
                .map(|o| OneSideOut {
                    token: o.token,
                    side: match o.side {
                        PairSide::First => sides[0],
                        PairSide::Second => sides[1],
                    },
                    cost: o.cost,
                })
                .collect(),
            relation: e.relation.map(|r| match r {
                Relation::Same => RelationOut::Same,
                Relation::Division => RelationOut::Division,
            }),
            field: e.field,
            state: if e.missing {
                EvidenceState::Missing
            } else {
                EvidenceState::Compared
            },
            similarity: (!e.missing).then_some(e.similarity),
            contribution: e.contribution,
        })
        .collect()
}

fn threshold(t: Option<f64>) -> ApiResult<f64> {
    match t {
        None => Ok(crate::matching::card::shipped_ref().threshold()),
        Some(t) if (0.0..=1.0).contains(&t) => Ok(t),
        Some(_) => {
            Err(ApiError::new(Code::InvalidField, "must be between 0 and 1").field("threshold"))
        }
    }
}

/// Two record lists to match.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// Left list, e.g. the vendor's accounts.
    #[schema(value_type = Vec<MatchRecord>, max_items = 50_000)]
    pub left: Vec<RecordInput>,
    /// Right list, e.g. a partner's CRM export.
    #[schema(value_type = Vec<MatchRecord>, max_items = 50_000)]
    pub right: Vec<RecordInput>,
    /// Match probability threshold; the model's own (fixed at training) when absent.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1)]
    pub threshold: Option<f64>,
    /// Return every pair above the threshold, for review; those not chosen have status
    /// `candidate`. Default false: only decided pairs (`match` and `ambiguous`).
    #[serde(default)]
    pub all_pairs: bool,
}

/// One matched pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchedPair {
    /// Left record id.
    pub left_id: String,
    /// Right record id.
    pub right_id: String,
    /// Match probability.
    pub score: f64,
    /// `match`: the pair ecograph stands behind (a right record matches one left company, or
    /// several left records that are duplicates of it). `ambiguous`: one of a record's two best
    /// candidates, different companies too close to call; neither is taken. `candidate`: above
    /// the threshold, not chosen (only with `all_pairs`).
    pub status: String,
    /// Per-field evidence.
    pub evidence: Vec<EvidenceOut>,
}

/// The pairs judged to be matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResponse {
    /// Matched pairs, best first.
    pub pairs: Vec<MatchedPair>,
    /// The threshold applied.
    pub threshold: f64,
    /// Pairs compared after blocking.
    pub candidate_pairs: u64,
    /// Share of all pairs blocking skipped.
    pub reduction_ratio: f64,
    /// Right records for which a blocking key shared by more records than its cap (hundreds of
    /// identical or near-identical names) was searched only near the record's own name: a match
    /// elsewhere in that crowd may be missed. 0 means every candidate was considered.
    pub windowed_records: u64,
}

/// Matches two lists of company records and returns the matched pairs with their evidence.
#[utoipa::path(tag = "matching", operation_id = "match_records", security(("bearer" = ["admin", "prm"])),
    request_body(content = MatchRequest, content_type = "application/json"),
    responses((status = 200, body = MatchResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid record or too many records", body = Problem, content_type = "application/problem+json")))]
#[post("/match")]
pub async fn match_records(req: HttpRequest, payload: Payload) -> ApiResult<HttpResponse> {
    let limit = req
        .app_data::<Data<Limits>>()
        .map(|l| l.bulk)
        .unwrap_or(Limits::default().bulk);
    let body = read_body(&req, &mut payload.into_inner(), limit).await?;
    let input: MatchRequest = parse_json(&body)?;
    let threshold = threshold(input.threshold)?;
    for (name, list) in [("left", &input.left), ("right", &input.right)] {
        if list.len() > MAX_MATCH_RECORDS {
            return Err(ApiError::new(
                Code::InvalidField,
                format!("at most {MAX_MATCH_RECORDS} records per list; use `ecograph match` for larger jobs"),
            )
            .field(name));
        }
    }
    let to_records = |list: Vec<RecordInput>, side: &str| -> ApiResult<Vec<Record>> {
        list.into_iter()
            .enumerate()
            .map(|(i, r)| r.into_record(&format!("{side}[{i}]"), true))
            .collect()
    };
    let left = to_records(input.left, "left")?;
    let right = to_records(input.right, "right")?;
    let all_pairs = input.all_pairs;
    let out = actix_web::web::block(move || {
        let matcher = crate::matching::card::shipped_ref();
        let (mut decided, stats, _) =
            matcher.match_and_decide(&left, &right, threshold, all_pairs, &());
        decided.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
        MatchResponse {
            pairs: decided
                .into_iter()
                .map(|(p, status)| MatchedPair {
                    left_id: left[p.left].id.clone(),
                    right_id: right[p.right].id.clone(),
                    score: p.score,
                    status: status.as_str().to_string(),
                    evidence: evidence(p.evidence, [TokenSide::Left, TokenSide::Right]),
                })
                .collect(),
            threshold,
            candidate_pairs: stats.candidate_pairs,
            reduction_ratio: stats.reduction_ratio,
            windowed_records: stats.windowed_records,
        }
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok().json(out))
}

/// One record to resolve.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// The record.
    pub record: RecordInput,
    /// Candidates to return, 1-50 (default 5).
    #[serde(default, deserialize_with = "crate::domain::whole_number")]
    #[schema(minimum = 1, maximum = 50)]
    pub limit: Option<usize>,
    /// Threshold for `is_match`; the model's own when absent.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1)]
    pub threshold: Option<f64>,
}

/// A candidate account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolveCandidate {
    /// The account.
    pub account: Account,
    /// Match probability.
    pub score: f64,
    /// Whether the score reaches the threshold.
    pub is_match: bool,
    /// Per-field evidence.
    pub evidence: Vec<EvidenceOut>,
}

/// The account ecograph stands behind for the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolveDecision {
    /// `match`: `account_id` is the record's account. `ambiguous`: its two best candidates are
    /// different companies within a factor of about 7 in odds of each other, so neither is
    /// chosen (`account_id` and `rival_account_id` name them). `none`: no candidate reaches the
    /// threshold.
    pub status: String,
    /// The chosen account, or the best of an ambiguous two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The other account of an ambiguous two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rival_account_id: Option<String>,
}

/// Ranked candidate accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolveResponse {
    /// The decision: the match, an ambiguous two, or none.
    pub decision: ResolveDecision,
    /// Candidates, best first.
    pub candidates: Vec<ResolveCandidate>,
    /// The threshold applied.
    pub threshold: f64,
}

/// Resolves one company record to the accounts it may be, best first, each with its evidence.
#[utoipa::path(tag = "matching", operation_id = "resolve_entity", security(("bearer" = ["admin", "prm"])),
    request_body(content = ResolveRequest, content_type = "application/json"),
    responses((status = 200, body = ResolveResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid record", body = Problem, content_type = "application/problem+json")))]
#[post("/entities/resolve")]
pub async fn resolve_entity(
    eco: Data<Ecosystem>,
    body: super::extract::JsonBody<ResolveRequest>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    let threshold = threshold(input.threshold)?;
    let k = match input.limit {
        None => 5,
        Some(k) if (1..=50).contains(&k) => k,
        Some(_) => {
            return Err(
                ApiError::new(Code::InvalidField, "must be between 1 and 50").field("limit"),
            );
        }
    };
    let record = input.record.into_record("record", false)?;
    let (found, one) = eco.resolve_decided(record, k, threshold).await?;
    let decision = {
        use crate::matching::decide::One;
        let id = |k: usize| Some(found[k].account.id.to_string());
        match one {
            One::None => ResolveDecision {
                status: "none".into(),
                account_id: None,
                rival_account_id: None,
            },
            One::Match(k) => ResolveDecision {
                status: "match".into(),
                account_id: id(k),
                rival_account_id: None,
            },
            One::Ambiguous(a, b) => ResolveDecision {
                status: "ambiguous".into(),
                account_id: id(a),
                rival_account_id: id(b),
            },
        }
    };
    let candidates = found
        .into_iter()
        .map(|r| ResolveCandidate {
            is_match: r.score >= threshold,
            account: r.account,
            score: r.score,
            evidence: evidence(r.evidence, [TokenSide::Record, TokenSide::Account]),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ResolveResponse {
        decision,
        candidates,
        threshold,
    }))
}
