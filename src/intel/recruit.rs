//! Recruiting candidates: applicants and prospects ranked by their fit to a profile, by the coverage
//! gaps they would fill, and by their customer overlap with the vendor's targets, with reasons.

use super::fit::{self, FitScore, TargetOverlap, is_target, overlap_of};
use super::snapshot::{Snapshot, region_bit};
use crate::domain::{Ipp, Partner, PartnerStatus, Region};
use crate::learn::Logistic;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Shares of the ranking score: fit, coverage gap, overlap. Chosen a priori (the profile leads;
/// gaps and overlap break ties among fitting candidates), not fitted.
pub const SHARES: [f64; 3] = [0.5, 0.25, 0.25];

/// Where the vendor has demand and how many active partners cover it, computed once per snapshot.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Per (region, industry): the vendor's target accounts there, and active partners serving it.
    segments: HashMap<(Region, String), (u32, u32)>,
    /// The largest `demand / (1 + supply)` over segments, to scale gaps to 0-1.
    max_gap: f64,
    /// Per partner of the snapshot: its overlap with the vendor's targets and its uncovered
    /// target customers. Neither depends on the profile, and reading a partner's account list
    /// costs a cache miss per row at a million accounts, so they are read once per snapshot,
    /// not once per candidate per ranking.
    per_partner: Vec<(Option<TargetOverlap>, u32)>,
}

impl Coverage {
    /// Computes coverage from a snapshot.
    pub fn of(s: &Snapshot) -> Coverage {
        let mut segments: HashMap<(Region, String), (u32, u32)> = HashMap::new();
        let mut covered_by = vec![0u16; s.accounts.len()];
        for (i, a) in s.accounts.iter().enumerate() {
            covered_by[i] = s
                .partners_of(i as u32)
                .iter()
                .filter(|l| s.partners[l.other as usize].recommendable())
                .count()
                .min(u16::MAX as usize) as u16;
            if let (Some(r), Some(ind)) = (a.region, &a.industry)
                && is_target(a.vendor_relation)
            {
                segments.entry((r, ind.to_lowercase())).or_default().0 += 1;
            }
        }
        for p in s.partners.iter().filter(|p| p.recommendable()) {
            for r in Region::ALL {
                if p.regions & region_bit(*r) == 0 {
                    continue;
                }
                for ind in &p.industries {
                    if let Some(seg) = segments.get_mut(&(*r, ind.clone())) {
                        seg.1 += 1;
                    }
                }
            }
        }
        let max_gap = segments
            .values()
            .map(|(d, s)| f64::from(*d) / (1.0 + f64::from(*s)))
            .fold(0.0, f64::max);
        let per_partner = (0..s.partners.len() as u32)
            .into_par_iter()
            .map(|i| (overlap_of(s, i), uncovered_targets(s, &covered_by, i)))
            .collect();
        Coverage {
            segments,
            max_gap,
            per_partner,
        }
    }

    /// What the snapshot knows of a partner's list: its overlap with the vendor's targets (`None`
    /// without a list, or when the partner is not in the snapshot) and its uncovered targets.
    fn known(&self, s: &Snapshot, p: &Partner) -> (Option<TargetOverlap>, u32) {
        s.partner(p.id.as_str())
            .and_then(|i| self.per_partner.get(i as usize))
            .map_or((None, 0), |k| *k)
    }
}

/// Target accounts partner `i` lists as customers that no more than one active partner covers.
fn uncovered_targets(s: &Snapshot, covered_by: &[u16], i: u32) -> u32 {
    s.accounts_of(i)
        .iter()
        .filter(|l| {
            l.listed == Some(crate::domain::Population::Customer)
                && is_target(s.accounts[l.other as usize].vendor_relation)
                && covered_by[l.other as usize] <= 1
        })
        .count() as u32
}

/// A ranked candidate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecruitCandidate {
    /// The applicant or prospect.
    pub partner_id: String,
    /// Its name.
    pub name: String,
    /// `applicant` or `prospect`.
    pub status: PartnerStatus,
    /// The ranking score, 0-1.
    pub score: f64,
    /// Its fit to the profile.
    pub fit: FitScore,
    /// The coverage gap it would fill, 0-1 (1: the least covered segment with demand).
    pub coverage_gap: f64,
    /// Target accounts it lists as customers that no more than one active partner covers.
    pub uncovered_targets: u32,
    /// Its overlap with the vendor's accounts, when its account list is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlap: Option<TargetOverlap>,
    /// Why it ranks where it does.
    pub reasons: Vec<String>,
}

/// Ranks every applicant and prospect for a profile; the first `limit` are returned with the total.
///
/// The ranking reads numbers only ([`fit::score_value`], the success probability without its
/// drivers); sentences, drivers and reasons are written for the returned page alone, so the cost
/// of words does not grow with the number of candidates.
pub fn rank(
    s: &Snapshot,
    cov: &Coverage,
    partners: &[&Partner],
    ipp: &Ipp,
    model: Option<(&Logistic, &str)>,
    today: NaiveDate,
    limit: usize,
) -> (Vec<RecruitCandidate>, usize) {
    // Each candidate is scored on its own: spread over the cores.
    let mut scored: Vec<(f64, &Partner)> = partners
        .par_iter()
        .filter(|p| matches!(p.status, PartnerStatus::Applicant | PartnerStatus::Prospect))
        .map(|p| (Standing::of(s, cov, p, ipp, model, today).score, *p))
        .collect();
    let total = scored.len();
    let order = |a: &(f64, &Partner), b: &(f64, &Partner)| {
        b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id))
    };
    if limit < scored.len() {
        scored.select_nth_unstable_by(limit, order);
        scored.truncate(limit);
    }
    scored.sort_by(order);
    let out = scored
        .into_iter()
        .map(|(_, p)| candidate(s, cov, p, ipp, model, today))
        .collect();
    (out, total)
}

/// What places a candidate: its numbers, without words.
struct Standing<'a> {
    /// The ranking score, rounded as reported.
    score: f64,
    overlap: Option<TargetOverlap>,
    uncovered_targets: u32,
    /// The segment with the largest gap the candidate would serve: gap, region, industry, target
    /// accounts there, active partners there.
    best: Option<(f64, Region, &'a str, u32, u32)>,
    coverage_gap: f64,
}

impl<'a> Standing<'a> {
    fn of(
        s: &Snapshot,
        cov: &Coverage,
        p: &'a Partner,
        ipp: &Ipp,
        model: Option<(&Logistic, &str)>,
        today: NaiveDate,
    ) -> Standing<'a> {
        let (overlap, uncovered) = cov.known(s, p);
        let success = model.map(|(m, _)| fit::success_probability(m, p, overlap, None));
        let fit = fit::score_value(ipp, p, overlap, success, today);
        Standing::with_fit(cov, p, ipp, fit, overlap, uncovered)
    }

    fn with_fit(
        cov: &Coverage,
        p: &'a Partner,
        ipp: &Ipp,
        fit: f64,
        overlap: Option<TargetOverlap>,
        uncovered_targets: u32,
    ) -> Standing<'a> {
        let mut best: Option<(f64, Region, &str, u32, u32)> = None;
        // Segments are keyed by lower-cased industry, as the snapshot lower-cases them.
        let mut keys: Vec<(Region, String)> = p
            .industries
            .iter()
            .map(|i| (Region::ALL[0], i.to_lowercase()))
            .collect();
        for r in &p.regions {
            for (key, ind) in keys.iter_mut().zip(&p.industries) {
                key.0 = *r;
                if let Some((d, sup)) = cov.segments.get(key) {
                    let g = f64::from(*d) / (1.0 + f64::from(*sup));
                    if best.is_none_or(|b| g > b.0) {
                        best = Some((g, *r, ind.as_str(), *d, *sup));
                    }
                }
            }
        }
        let coverage_gap = match best {
            Some((g, ..)) if cov.max_gap > 0.0 => g / cov.max_gap,
            _ => 0.0,
        };
        let overlap_part = overlap
            .map(|o| (f64::from(o.target_customers) / f64::from(ipp.target_customers)).min(1.0))
            .unwrap_or(0.0);
        let score = SHARES[0] * fit / 100.0 + SHARES[1] * coverage_gap + SHARES[2] * overlap_part;
        Standing {
            score: (score * 10_000.0).round() / 10_000.0,
            overlap,
            uncovered_targets,
            best,
            coverage_gap,
        }
    }
}

/// A candidate with its fit in words and its reasons.
fn candidate(
    s: &Snapshot,
    cov: &Coverage,
    p: &Partner,
    ipp: &Ipp,
    model: Option<(&Logistic, &str)>,
    today: NaiveDate,
) -> RecruitCandidate {
    let (overlap, uncovered) = cov.known(s, p);
    let success = model.map(|(m, v)| fit::success(m, v, p, overlap, None));
    let fit = fit::score(ipp, p, overlap, success, today);
    let st = Standing::with_fit(cov, p, ipp, fit.score, overlap, uncovered);
    let mut reasons = vec![format!(
        "fits {} at {:.0}/100 (declared criteria {:.0})",
        ipp.id, fit.score, fit.criteria_score
    )];
    if let Some((_, r, ind, d, sup)) = st.best {
        reasons.push(format!(
            "would serve {ind} in {r}, where the vendor has {d} target accounts and {sup} active partners"
        ));
    }
    if let Some(o) = st.overlap {
        reasons.push(format!(
            "lists {} of the vendor's target accounts as customers",
            o.target_customers
        ));
    }
    if st.uncovered_targets > 0 {
        reasons.push(format!(
            "{} of them have at most one active partner today",
            st.uncovered_targets
        ));
    }
    reasons.extend(fit.flags.iter().map(|f| format!("flag: {f}")));
    RecruitCandidate {
        partner_id: p.id.to_string(),
        name: p.name.as_str().to_string(),
        status: p.status,
        score: st.score,
        fit,
        coverage_gap: (st.coverage_gap * 10_000.0).round() / 10_000.0,
        uncovered_targets: st.uncovered_targets,
        overlap: st.overlap,
        reasons,
    }
}
