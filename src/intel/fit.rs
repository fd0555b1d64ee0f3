//! Ideal-Partner-Profile fit: each declared criterion scored with its contribution and a sentence,
//! blended with a learned success model (first won deal within 180 days of joining), which reads
//! only what a partner brings on day one (type, profile, account-list overlap) so that an applicant
//! without history gets a score too.

use super::snapshot::Snapshot;
use crate::domain::{
    DealStage, Ipp, IppCriterion, Kind, Partner, PartnerStatus, PartnerType, Population,
};
use crate::graph::{EcoGraph, Node};
use crate::learn::{Contribution, FitError, Logistic};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// Share of the declared criteria in the blended score; the rest is the success model's. Chosen
/// a priori: what the vendor declares leads, the model corrects.
pub const CRITERIA_SHARE: f64 = 0.6;
/// Days after joining within which a first won deal counts as success.
pub const SUCCESS_DAYS: u64 = 180;
/// Prior strength, in deals, when a partner's own win rate is blended into its success estimate.
pub const HISTORY_PRIOR_DEALS: f64 = 4.0;

/// What a partner's account list says about the vendor's targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct TargetOverlap {
    /// Rows linked to the vendor's accounts.
    pub listed: u32,
    /// Of which the partner's customers.
    pub customers: u32,
    /// Of which customers that are the vendor's targets (its prospects and open opportunities).
    pub target_customers: u32,
}

/// Whether the vendor is after an account: a prospect or an open opportunity, not yet a customer.
pub fn is_target(rel: Option<Population>) -> bool {
    matches!(rel, Some(Population::Prospect | Population::Opportunity))
}

/// The overlap of a partner in the snapshot, or `None` when it has no account list.
pub fn overlap_of(s: &Snapshot, p: u32) -> Option<TargetOverlap> {
    let mut o = TargetOverlap::default();
    for l in s.accounts_of(p) {
        let Some(pop) = l.listed else { continue };
        o.listed += 1;
        if pop == Population::Customer {
            o.customers += 1;
            if is_target(s.accounts[l.other as usize].vendor_relation) {
                o.target_customers += 1;
            }
        }
    }
    (o.listed > 0).then_some(o)
}

/// One criterion's part in a fit score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CriterionScore {
    /// The criterion.
    pub criterion: IppCriterion,
    /// Its weight in the profile.
    pub weight: f64,
    /// How well it is met, from 0 to 1.
    pub score: f64,
    /// Points it adds to the 0-100 criteria score.
    pub contribution: f64,
    /// Whether it is met (for a hard requirement: whether the partner passes).
    pub met: bool,
    /// Whether the profile makes it a hard requirement.
    pub required: bool,
    /// What was found, in words.
    pub sentence: String,
}

/// One criterion as measured: how well it is met (0-1), whether it is met, and, when words were
/// asked for, what was found.
type Measured = (IppCriterion, f64, bool, String);

/// The sentence when `words` is set; nothing (and no allocation) otherwise.
fn say(words: bool, f: impl FnOnce() -> String) -> String {
    if words { f() } else { String::new() }
}

fn list_criterion(
    c: IppCriterion,
    what: &str,
    want: &[String],
    have: &mut dyn Iterator<Item = &str>,
    words: bool,
) -> Option<Measured> {
    if want.is_empty() {
        return None;
    }
    let have: Vec<&str> = have.collect();
    let hit = |w: &str| have.iter().any(|h| h.eq_ignore_ascii_case(w));
    let n = want.iter().filter(|w| hit(w)).count();
    let s = n as f64 / want.len() as f64;
    let sentence = say(words, || {
        let m: Vec<&str> = want.iter().map(String::as_str).filter(|w| hit(w)).collect();
        if m.is_empty() {
            format!("none of the profile's {what} ({})", want.join(", "))
        } else {
            format!(
                "{} of the profile's {} {what} ({})",
                m.len(),
                want.len(),
                m.join(", ")
            )
        }
    });
    let met = if c == IppCriterion::Certifications {
        n == want.len()
    } else {
        n > 0
    };
    Some((c, s, met, sentence))
}

/// Measures every criterion the profile states. A criterion the profile leaves empty does not
/// count; the overlap criterion counts when the partner's account list is known. Sentences are
/// written only when `words` is set: a ranking over thousands of candidates needs the numbers
/// alone, and both paths share this one measurement so that they cannot disagree.
fn measure(
    ipp: &Ipp,
    p: &Partner,
    overlap: Option<TargetOverlap>,
    today: NaiveDate,
    words: bool,
) -> Vec<Measured> {
    let mut raw: Vec<Measured> = Vec::new();
    if !ipp.partner_types.is_empty() {
        let ok = ipp.partner_types.contains(&p.partner_type);
        let sentence = say(words, || {
            let names: Vec<&str> = ipp.partner_types.iter().map(|t| t.as_str()).collect();
            format!(
                "type {} is {}one the profile names ({})",
                p.partner_type,
                if ok { "" } else { "not " },
                names.join(", ")
            )
        });
        raw.push((IppCriterion::PartnerType, f64::from(ok), ok, sentence));
    }
    raw.extend(list_criterion(
        IppCriterion::Industries,
        "industries served",
        &ipp.industries,
        &mut p.industries.iter().map(String::as_str),
        words,
    ));
    if !ipp.regions.is_empty() {
        let want: Vec<String> = ipp.regions.iter().map(|r| r.to_string()).collect();
        raw.extend(list_criterion(
            IppCriterion::Regions,
            "regions sold in",
            &want,
            &mut p.regions.iter().map(|r| r.as_str()),
            words,
        ));
    }
    raw.extend(list_criterion(
        IppCriterion::Certifications,
        "certifications held",
        &ipp.certifications,
        &mut p
            .certifications
            .iter()
            .filter(|c| c.expires_on.is_none_or(|e| e >= today))
            .map(|c| c.name.as_str()),
        words,
    ));
    raw.extend(list_criterion(
        IppCriterion::Capabilities,
        "capabilities",
        &ipp.capabilities,
        &mut p.capabilities.iter().map(String::as_str),
        words,
    ));
    if ipp.min_employees.is_some() || ipp.max_employees.is_some() {
        let band = || match (ipp.min_employees, ipp.max_employees) {
            (Some(lo), Some(hi)) => format!("{lo}-{hi}"),
            (Some(lo), None) => format!("{lo} or more"),
            (None, Some(hi)) => format!("up to {hi}"),
            (None, None) => String::new(),
        };
        let (s, sentence) = match p.employees {
            None => (
                0.0,
                say(words, || {
                    format!("head count unknown (profile: {})", band())
                }),
            ),
            Some(e) => {
                let e = f64::from(e.max(1));
                let lo = ipp.min_employees.map(|v| f64::from(v.max(1)));
                let hi = ipp.max_employees.map(|v| f64::from(v.max(1)));
                // Outside the band, the score falls with the ratio to the nearer bound.
                let s = match (lo, hi) {
                    (Some(l), _) if e < l => e / l,
                    (_, Some(h)) if e > h => h / e,
                    _ => 1.0,
                };
                let sentence = say(words, || {
                    format!(
                        "{} employees, {} the profile's band ({})",
                        e as u64,
                        if s >= 1.0 { "within" } else { "outside" },
                        band()
                    )
                });
                (s, sentence)
            }
        };
        raw.push((IppCriterion::Size, s, s >= 1.0, sentence));
    }
    match overlap {
        Some(o) => {
            let s = (f64::from(o.target_customers) / f64::from(ipp.target_customers)).min(1.0);
            let sentence = say(words, || {
                format!(
                    "lists {} of the vendor's target accounts as customers ({} counts fully)",
                    o.target_customers, ipp.target_customers
                )
            });
            raw.push((IppCriterion::CustomerOverlap, s, s >= 1.0, sentence));
        }
        None if ipp.required.contains(&IppCriterion::CustomerOverlap) => raw.push((
            IppCriterion::CustomerOverlap,
            0.0,
            false,
            say(words, || {
                "no account list yet, so customer overlap cannot be checked".into()
            }),
        )),
        None => {}
    }
    raw
}

/// A criterion's points in the 0-100 criteria score, given the weight of all stated criteria.
fn contribution(w: f64, s: f64, total: f64) -> f64 {
    if total > 0.0 {
        round(100.0 * w * s / total, 2)
    } else {
        0.0
    }
}

/// Scores every criterion the profile states, with a sentence each.
pub fn criteria(
    ipp: &Ipp,
    p: &Partner,
    overlap: Option<TargetOverlap>,
    today: NaiveDate,
) -> Vec<CriterionScore> {
    let raw = measure(ipp, p, overlap, today, true);
    let total: f64 = raw.iter().map(|(c, ..)| ipp.weights.of(*c)).sum();
    raw.into_iter()
        .map(|(c, s, met, sentence)| {
            let w = ipp.weights.of(c);
            CriterionScore {
                criterion: c,
                weight: w,
                score: round(s, 4),
                contribution: contribution(w, s, total),
                met,
                required: ipp.required.contains(&c),
                sentence,
            }
        })
        .collect()
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// The success model's features, in vector order: only what a partner brings on day one.
pub const FEATURES: [&str; 18] = [
    "type_si",
    "type_gsi",
    "type_isv",
    "type_msp",
    "type_var",
    "type_distributor",
    "type_referral",
    "employees_log",
    "employees_unknown",
    "certifications",
    "capabilities",
    "industries",
    "regions",
    "products",
    "has_account_list",
    "listed_log",
    "customers_log",
    "target_customers_log",
];

/// Index of the first account-list feature in [`FEATURES`] (the rest are list features too).
const FIRST_LIST_FEATURE: usize = 14;

/// The success model's feature vector of a partner.
pub fn features(p: &Partner, overlap: Option<TargetOverlap>) -> Vec<f64> {
    let t = |x: PartnerType| f64::from(p.partner_type == x);
    let o = overlap.unwrap_or_default();
    vec![
        t(PartnerType::Si),
        t(PartnerType::Gsi),
        t(PartnerType::Isv),
        t(PartnerType::Msp),
        t(PartnerType::Var),
        t(PartnerType::Distributor),
        t(PartnerType::Referral),
        p.employees.map(|e| f64::from(e).ln_1p()).unwrap_or(0.0),
        f64::from(p.employees.is_none()),
        p.certifications.len() as f64,
        p.capabilities.len() as f64,
        p.industries.len() as f64,
        p.regions.len() as f64,
        p.products.len() as f64,
        f64::from(overlap.is_some()),
        f64::from(o.listed).ln_1p(),
        f64::from(o.customers).ln_1p(),
        f64::from(o.target_customers).ln_1p(),
    ]
}

/// Where a success estimate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Profile and account list only: the partner has no deals in the program yet.
    Priors,
    /// The priors blended with the partner's own won and lost deals.
    History,
}

/// The success model's part of a fit score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Success {
    /// Estimated probability of a first won deal within 180 days of joining.
    pub probability: f64,
    /// What the estimate rests on.
    pub basis: Basis,
    /// The model version.
    pub version: String,
    /// The features that moved the prior most, against the average partner.
    pub drivers: Vec<Contribution>,
}

/// The success estimate: the model's prior, blended with the partner's own record (won deals
/// over deals, with the prior counting as [`HISTORY_PRIOR_DEALS`] deals) when it has one.
pub fn success(
    model: &Logistic,
    version: &str,
    p: &Partner,
    overlap: Option<TargetOverlap>,
    record: Option<(u32, u32)>,
) -> Success {
    let x = model_input(model, p, overlap);
    let (probability, basis) = estimate(model.probability(&x), record);
    Success {
        probability,
        basis,
        version: version.to_string(),
        drivers: model.explain(&x, 5),
    }
}

/// The feature vector the model reads for a partner.
fn model_input(model: &Logistic, p: &Partner, overlap: Option<TargetOverlap>) -> Vec<f64> {
    let mut x = features(p, overlap);
    if overlap.is_none() {
        // Unknown, not empty: an applicant's list is not uploaded yet. Its list features take the
        // training average, so they move the estimate neither way.
        for (v, m) in x.iter_mut().zip(&model.mean).skip(FIRST_LIST_FEATURE) {
            *v = *m;
        }
    }
    x
}

/// The model's prior blended with a partner's own record, rounded as reported.
fn estimate(prior: f64, record: Option<(u32, u32)>) -> (f64, Basis) {
    let (probability, basis) = match record {
        Some((won, deals)) if deals > 0 => (
            (f64::from(won) + HISTORY_PRIOR_DEALS * prior)
                / (f64::from(deals) + HISTORY_PRIOR_DEALS),
            Basis::History,
        ),
        _ => (prior, Basis::Priors),
    };
    (round(probability, 4), basis)
}

/// The success probability alone (what [`success`] reports, without its drivers).
pub fn success_probability(
    model: &Logistic,
    p: &Partner,
    overlap: Option<TargetOverlap>,
    record: Option<(u32, u32)>,
) -> f64 {
    estimate(model.probability(&model_input(model, p, overlap)), record).0
}

/// A partner's or applicant's fit to one profile.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FitScore {
    /// The profile.
    pub ipp_id: String,
    /// The blended score, 0-100.
    pub score: f64,
    /// The declared criteria alone, 0-100.
    pub criteria_score: f64,
    /// Each criterion's part.
    pub criteria: Vec<CriterionScore>,
    /// The success model's part (absent when no model serves).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<Success>,
    /// Hard requirements not met, in words.
    pub failed_requirements: Vec<String>,
    /// Whether an applicant would be flagged: a hard requirement fails or the score is below the
    /// profile's `min_score`.
    pub flagged: bool,
    /// Why it is flagged.
    pub flags: Vec<String>,
}

/// Scores a partner against a profile.
pub fn score(
    ipp: &Ipp,
    p: &Partner,
    overlap: Option<TargetOverlap>,
    success: Option<Success>,
    today: NaiveDate,
) -> FitScore {
    let criteria = criteria(ipp, p, overlap, today);
    let criteria_score = round(criteria.iter().map(|c| c.contribution).sum::<f64>(), 2);
    let score = blend(
        criteria_score,
        !criteria.is_empty(),
        success.as_ref().map(|s| s.probability),
    );
    let failed_requirements: Vec<String> = criteria
        .iter()
        .filter(|c| c.required && !c.met)
        .map(|c| format!("{}: {}", c.criterion, c.sentence))
        .collect();
    let mut flags = failed_requirements.clone();
    if score < ipp.min_score {
        flags.push(format!(
            "score {score:.1} is below the profile's minimum of {}",
            ipp.min_score
        ));
    }
    FitScore {
        ipp_id: ipp.id.to_string(),
        score,
        criteria_score,
        criteria,
        success,
        flagged: !flags.is_empty(),
        failed_requirements,
        flags,
    }
}

/// The blended 0-100 score from the criteria score and the success probability.
fn blend(criteria_score: f64, any_criteria: bool, success: Option<f64>) -> f64 {
    let score = match success {
        Some(p) if any_criteria => {
            CRITERIA_SHARE * criteria_score + (1.0 - CRITERIA_SHARE) * 100.0 * p
        }
        Some(p) => 100.0 * p,
        None => criteria_score,
    };
    round(score, 2)
}

/// The blended score of [`score`] alone, without sentences, drivers or flags: what ranking
/// thousands of candidates needs. It equals `score(..).score` for the same inputs (tested).
pub fn score_value(
    ipp: &Ipp,
    p: &Partner,
    overlap: Option<TargetOverlap>,
    success: Option<f64>,
    today: NaiveDate,
) -> f64 {
    let raw = measure(ipp, p, overlap, today, false);
    let total: f64 = raw.iter().map(|(c, ..)| ipp.weights.of(*c)).sum();
    let criteria_score = round(
        raw.iter()
            .map(|(c, s, ..)| contribution(ipp.weights.of(*c), *s, total))
            .sum::<f64>(),
        2,
    );
    blend(criteria_score, !raw.is_empty(), success)
}

/// A partner with a known outcome, for training and measuring the success model.
#[derive(Debug, Clone)]
pub struct Example {
    /// The partner.
    pub partner: Partner,
    /// Its overlap.
    pub overlap: Option<TargetOverlap>,
    /// When it joined.
    pub joined_on: NaiveDate,
    /// Whether it won a deal within [`SUCCESS_DAYS`] of joining.
    pub success: bool,
}

/// Every partner whose first [`SUCCESS_DAYS`] in the program the store has seen whole (it joined
/// on or after the first deal the store holds, and at least that long before `horizon`), with its
/// outcome. A partner that joined before the store's history began cannot show a first win.
pub fn examples(g: &EcoGraph, s: &Snapshot, horizon: NaiveDate) -> Vec<Example> {
    let mut out = Vec::new();
    let Some(history_start) = g
        .iter_indexed(Kind::Deal)
        .filter_map(|(_, n)| match n {
            Node::Deal(d) => Some(d.created_on),
            _ => None,
        })
        .min()
    else {
        return out;
    };
    for (_, n) in g.iter_indexed(Kind::Partner) {
        let Node::Partner(p) = n else { continue };
        let Some(joined) = p.joined_on else { continue };
        if !matches!(p.status, PartnerStatus::Active | PartnerStatus::Offboarded) {
            continue;
        }
        let until = joined + chrono::Days::new(SUCCESS_DAYS);
        if joined < history_start || until >= horizon {
            continue;
        }
        let success = g.deals_of_partner(p.id.as_str()).iter().any(|(d, _)| {
            d.stage == DealStage::ClosedWon
                && d.close_date.is_some_and(|c| c >= joined && c <= until)
        });
        let overlap = s.partner(p.id.as_str()).and_then(|ix| overlap_of(s, ix));
        out.push(Example {
            partner: (**p).clone(),
            overlap,
            joined_on: joined,
            success,
        });
    }
    out.sort_by(|a, b| {
        a.joined_on
            .cmp(&b.joined_on)
            .then(a.partner.id.cmp(&b.partner.id))
    });
    out
}

/// Fits the success model on examples.
pub fn fit(ex: &[Example]) -> Result<Logistic, FitError> {
    let x: Vec<Vec<f64>> = ex.iter().map(|e| features(&e.partner, e.overlap)).collect();
    let y: Vec<bool> = ex.iter().map(|e| e.success).collect();
    Logistic::fit(&FEATURES, &x, &y, 1.0, 300)
}
