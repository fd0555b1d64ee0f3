//! Deals, their touchpoints and registrations, and the disputes hidden in them.
//!
//! Generated in one sequential pass (one random stream), streaming to the output files: a deal's
//! partners, outcome, touchpoints and registration events are decided together, because the
//! touchpoints and registrations are the traces of the same hidden causes that decide the outcome.
//! The decisions on each registration follow from those events in [`super::registrations`].

use super::catalog::{COUNTRIES, PRODUCTS};
use super::registrations::{
    self, Cause, CoPartnerOut, DealTerms, Filed, PROTECTION_DAYS, registration_id,
};
use super::sample::{Stream, lognormal, pick, rng_for, sigmoid, skewed, weighted};
use super::world::{PartnerGen, World, region_ix, type_ix};
use super::{Ndjson, Progress, account_id};
use crate::domain::{DealStage, PartnerRole, PartnerType, Population, Region, TouchpointKind};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// What one partner achieved, for `truth/factors.ndjson`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stats {
    /// Deals it took part in.
    pub deals: u32,
    /// Of those, won.
    pub won: u32,
    /// Won revenue it sourced (sourcing or referral role), USD.
    pub sourced_won_usd: f64,
    /// Won revenue it influenced in another role, USD.
    pub influenced_won_usd: f64,
    /// Close date of its first won deal.
    pub first_win: Option<NaiveDate>,
    /// Registrations it filed.
    pub registrations: u32,
    /// Of those, disputed or rejected.
    pub disputes: u32,
}

/// Counts written by the deal pass.
#[derive(Debug, Default)]
pub(crate) struct DealCounts {
    pub deals: usize,
    pub touchpoints: usize,
    pub registrations: usize,
    pub disputes: usize,
}

/// The output files the pass streams to.
pub(crate) struct DealSinks {
    pub deals: Ndjson,
    pub touchpoints: Ndjson,
    pub registrations: Ndjson,
    pub disputes: Ndjson,
}

#[derive(Serialize)]
struct DealOut<'a> {
    id: &'a str,
    account_id: &'a str,
    name: String,
    amount: f64,
    currency: &'static str,
    stage: DealStage,
    products: &'a [&'static str],
    created_on: NaiveDate,
    close_date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    direct_owner: Option<&'a str>,
    partners: Vec<ParticipantOut<'a>>,
}

#[derive(Serialize)]
struct ParticipantOut<'a> {
    partner_id: &'a str,
    role: PartnerRole,
    #[serde(skip_serializing_if = "Option::is_none")]
    registered_at: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct TouchOut<'a> {
    id: String,
    partner_id: &'a str,
    account_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    deal_id: Option<&'a str>,
    kind: TouchpointKind,
    occurred_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
}

#[derive(Serialize)]
struct DisputeOut<'a> {
    registration_id: &'a str,
    deal_id: &'a str,
    cause: &'static str,
    other_party: Option<&'a str>,
}

/// Approximate units of each currency per USD, to book deals in local currency.
fn usd_rate(code: &str) -> f64 {
    match code {
        "EUR" => 0.92,
        "GBP" => 0.79,
        "CAD" => 1.35,
        "MXN" => 17.0,
        "BRL" => 5.0,
        "ARS" => 350.0,
        "CLP" => 900.0,
        "COP" => 4000.0,
        "SEK" => 10.5,
        "CHF" => 0.88,
        "PLN" => 4.0,
        "ZAR" => 18.5,
        "AED" => 3.67,
        "JPY" => 145.0,
        "AUD" => 1.5,
        "NZD" => 1.6,
        "INR" => 83.0,
        "SGD" => 1.34,
        "KRW" => 1300.0,
        _ => 1.0,
    }
}

/// A participant while the deal is being built.
struct Part {
    partner: u32,
    role: PartnerRole,
    registered_at: Option<DateTime<Utc>>,
}

/// The deal pass.
pub(crate) struct DealGen<'w> {
    w: &'w World,
    seed: u64,
    rng: ChaCha8Rng,
    /// The current deal's registrations, held until its amount and outcome are drawn.
    filed: Vec<Filed>,
    out: DealSinks,
    /// Per-partner results.
    pub stats: Vec<Stats>,
    counts: DealCounts,
}

impl<'w> DealGen<'w> {
    /// Starts the pass.
    pub fn new(seed: u64, w: &'w World, out: DealSinks) -> Self {
        DealGen {
            w,
            seed,
            rng: rng_for(seed, Stream::Deals, 0),
            filed: Vec::new(),
            out,
            stats: vec![Stats::default(); w.partners.len()],
            counts: DealCounts::default(),
        }
    }

    /// Generates `n` deals, then the account-level touchpoints, and closes the files.
    pub fn run(
        mut self,
        seed: u64,
        n: usize,
        progress: &Progress,
    ) -> anyhow::Result<(DealCounts, Vec<Stats>)> {
        let bar = progress.bar("deals", n as u64);
        for i in 0..n {
            self.deal(i, n)?;
            if i % 1024 == 0 {
                bar.set_position(i as u64);
            }
        }
        bar.finish();
        self.account_touches(seed, progress)?;
        self.counts.deals = self.out.deals.finish()?;
        self.counts.touchpoints = self.out.touchpoints.finish()?;
        self.counts.registrations = self.out.registrations.finish()?;
        self.counts.disputes = self.out.disputes.finish()?;
        Ok((self.counts, self.stats))
    }

    fn deal(&mut self, i: usize, n: usize) -> anyhow::Result<()> {
        let w = self.w;
        let span = (w.as_of - w.start).num_days().max(1) as f64;
        // Pipeline grows over the window: later days get more deals.
        let t = ((i as f64 + self.rng.random::<f64>()) / n as f64).powf(0.85);
        let created = w.start + Days::new((t * span).min(span - 1.0) as u64);
        let mut a = w.by_size[skewed(&mut self.rng, w.accounts, 1.6)];
        if w.vendor[a as usize].relation.is_none() && self.rng.random_bool(0.5) {
            a = w.by_size[skewed(&mut self.rng, w.accounts, 1.6)];
        }
        let company = &w.companies[a as usize];
        let region = company.region();
        let knowers = w.knowers_of(a);
        let deal_id = format!("D-{:07}", i + 1);
        let acc = account_id(a);

        let median_cycle = if company.enterprise() {
            200.0
        } else if company.employees >= 500 {
            120.0
        } else {
            60.0
        };
        let cycle = lognormal(&mut self.rng, median_cycle, 0.5).clamp(14.0, 540.0) as u64;
        let planned_close = created + Days::new(cycle);

        let direct_only = self
            .rng
            .random_bool(if knowers.is_empty() { 0.3 } else { 0.08 });
        let mut parts: Vec<Part> = Vec::new();
        if !direct_only {
            let roles = self.roles(company.employees);
            for role in roles {
                if let Some(p) = self.fill(role, a, created, &parts) {
                    parts.push(Part {
                        partner: p,
                        role,
                        registered_at: None,
                    });
                }
            }
        }

        let registrant = [
            PartnerRole::Sourcing,
            PartnerRole::Transacting,
            PartnerRole::Referral,
        ]
        .iter()
        .find_map(|r| parts.iter().position(|p| p.role == *r))
        .or((!parts.is_empty()).then_some(0));
        let products = self.products(registrant.map(|r| &w.partners[parts[r].partner as usize]));

        let mut late_registration = false;
        if let Some(r) = registrant
            && self.rng.random_bool(0.85)
        {
            late_registration = self.rng.random_bool(0.1);
            let lag = if late_registration {
                self.rng.random_range(15..60)
            } else {
                self.rng.random_range(0..14)
            };
            let at = self.at(created + Days::new(lag));
            if at.date_naive() < w.as_of {
                parts[r].registered_at = Some(at);
            }
        }

        // Conflicts first: they are hidden causes of the outcome as well as of the disputes.
        let mut disputed = false;
        let registration = registrant.and_then(|r| parts[r].registered_at.map(|at| (r, at)));
        if let Some((r, at)) = registration {
            disputed = self.conflicts(&deal_id, a, &acc, &parts, r, at, &products)?;
        }
        let mut direct_conflict = false;
        if direct_only {
            direct_conflict = self.direct_conflict(&deal_id, a, created, cycle)?;
        }

        let customer = w.vendor[a as usize].relation == Some(Population::Customer);
        let logit = if parts.is_empty() {
            -0.4 + 0.5 * f64::from(u8::from(customer))
                - 0.05 * knowers.len().min(10) as f64
                - 0.5 * f64::from(u8::from(direct_conflict))
        } else {
            let np = parts.len() as f64;
            let quality = parts
                .iter()
                .map(|p| w.partners[p.partner as usize].quality)
                .sum::<f64>()
                / np;
            let fit = parts
                .iter()
                .map(|p| {
                    let q = &w.partners[p.partner as usize];
                    0.5 * f64::from(u8::from(q.serves(region)))
                        + 0.5 * f64::from(u8::from(q.fits_industry(company.industry)))
                })
                .sum::<f64>()
                / np;
            let incumbent = parts.iter().any(|p| w.incumbent(p.partner, a));
            let overlap = knowers
                .iter()
                .filter(|(k, _)| !parts.iter().any(|p| p.partner == *k))
                .count();
            -0.5 + 2.0 * (quality - 0.5)
                + 1.0 * (fit - 0.5)
                + 0.7 * f64::from(u8::from(incumbent))
                + 0.5 * f64::from(u8::from(customer))
                + 0.15 * np.min(4.0)
                - 0.08 * overlap.min(10) as f64
                - 0.6 * f64::from(u8::from(disputed))
                - 0.3 * f64::from(u8::from(late_registration))
        };
        let quarter_end = {
            let m = planned_close.month();
            m % 3 == 0 && planned_close.day() >= 15
        };
        let slow = cycle as f64 > 1.5 * median_cycle;
        let logit = logit + if quarter_end { 0.25 } else { 0.0 } - if slow { 0.4 } else { 0.0 };
        let won_if_closed = self.rng.random_bool(sigmoid(logit));

        let (stage, close_date) = if planned_close <= w.as_of {
            if won_if_closed {
                (DealStage::ClosedWon, planned_close)
            } else {
                // Lost deals often die before their planned close.
                let f = self.rng.random_range(0.4..=1.0);
                (
                    DealStage::ClosedLost,
                    created + Days::new((cycle as f64 * f) as u64),
                )
            }
        } else {
            let elapsed = (w.as_of - created).num_days() as f64 / cycle as f64;
            let stage = if elapsed < 0.25 {
                DealStage::Prospecting
            } else if elapsed < 0.5 {
                DealStage::Qualification
            } else if elapsed < 0.75 {
                DealStage::Proposal
            } else {
                DealStage::Negotiation
            };
            (stage, planned_close)
        };

        let usd = {
            let np = products.len() as f64;
            let base = 6000.0
                * f64::from(company.employees).powf(0.42)
                * lognormal(&mut self.rng, 1.0, 0.7);
            (base * (0.7 + 0.3 * np) / 100.0).round().max(5.0) * 100.0
        };
        let country = &COUNTRIES[company.country as usize];
        let local = country.currency != "USD"
            && self
                .rng
                .random_bool(if region == Region::Na { 0.4 } else { 0.3 });
        let (currency, amount) = if local {
            (
                country.currency,
                (usd * usd_rate(country.currency) / 100.0).round() * 100.0,
            )
        } else {
            ("USD", usd)
        };

        for p in &parts {
            let s = &mut self.stats[p.partner as usize];
            s.deals += 1;
            if stage == DealStage::ClosedWon {
                s.won += 1;
                if matches!(p.role, PartnerRole::Sourcing | PartnerRole::Referral) {
                    s.sourced_won_usd += usd;
                } else {
                    s.influenced_won_usd += usd;
                }
                if s.first_win.is_none_or(|d| close_date < d) {
                    s.first_win = Some(close_date);
                }
            }
        }
        let vendor = &w.vendor[a as usize];
        let rep = w.reps[region_ix(region)][vendor.rep as usize].as_str();
        let direct_owner = (parts.is_empty() || self.rng.random_bool(0.7)).then_some(rep);
        let name = format!(
            "{} - {} {}",
            company.name.short(),
            products.first().copied().unwrap_or("Platform"),
            if customer {
                "expansion"
            } else {
                "new business"
            }
        );

        let end = close_date.min(w.as_of);
        let won = stage == DealStage::ClosedWon;
        for p in &parts {
            self.deal_touches(p, &acc, &deal_id, created, end, won, &products)?;
        }

        let terms = DealTerms {
            deal_id: &deal_id,
            account_id: &acc,
            products: &products,
            amount,
            currency,
            close_date,
            closed: matches!(stage, DealStage::ClosedWon | DealStage::ClosedLost).then_some(won),
        };
        self.write_registrations(&terms, &parts)?;

        let partners = parts
            .iter()
            .map(|p| ParticipantOut {
                partner_id: &w.partners[p.partner as usize].id,
                role: p.role,
                registered_at: p.registered_at,
            })
            .collect();
        self.out.deals.line(&DealOut {
            id: &deal_id,
            account_id: &acc,
            name,
            amount,
            currency,
            stage,
            products: &products,
            created_on: created,
            close_date,
            direct_owner,
            partners,
        })
    }

    /// Roles for a deal: enterprises typically bring four partners, small companies one or two.
    fn roles(&mut self, employees: u32) -> Vec<PartnerRole> {
        use PartnerRole::*;
        let n = if employees >= 5000 {
            3 + weighted(&mut self.rng, &[0.25, 0.40, 0.20, 0.10, 0.05])
        } else if employees >= 500 {
            1 + weighted(&mut self.rng, &[0.15, 0.35, 0.35, 0.15])
        } else {
            1 + weighted(&mut self.rng, &[0.60, 0.35, 0.05])
        };
        if n == 1 {
            return vec![
                [Sourcing, Transacting, Referral][weighted(&mut self.rng, &[0.55, 0.3, 0.15])],
            ];
        }
        let mut roles = vec![
            Sourcing,
            Transacting,
            Services,
            Influencing,
            Referral,
            Influencing,
            Services,
        ];
        // Vary which roles small deals carry, keeping the sourcing partner first.
        for k in 1..n {
            if self.rng.random_bool(0.3) {
                let j = self.rng.random_range(k..roles.len());
                roles.swap(k, j);
            }
        }
        roles.truncate(n);
        roles
    }

    /// Chooses a partner for `role` on account `a`: first among partners that list the account,
    /// else from the region's pool; better partners win the tournament more often.
    fn fill(&mut self, role: PartnerRole, a: u32, day: NaiveDate, taken: &[Part]) -> Option<u32> {
        let w = self.w;
        let company = &w.companies[a as usize];
        let types: &[PartnerType] = match role {
            PartnerRole::Sourcing => &[
                PartnerType::Si,
                PartnerType::Gsi,
                PartnerType::Var,
                PartnerType::Msp,
                PartnerType::Isv,
                PartnerType::Referral,
            ],
            PartnerRole::Transacting => {
                &[PartnerType::Var, PartnerType::Distributor, PartnerType::Msp]
            }
            PartnerRole::Services => &[PartnerType::Si, PartnerType::Gsi, PartnerType::Msp],
            PartnerRole::Influencing => &[
                PartnerType::Isv,
                PartnerType::Si,
                PartnerType::Gsi,
                PartnerType::Referral,
            ],
            PartnerRole::Referral => &[PartnerType::Referral],
        };
        let free = |p: u32| !taken.iter().any(|t| t.partner == p);
        let score = |p: u32| -> f64 {
            let q = &w.partners[p as usize];
            q.quality
                + if w.incumbent(p, a) { 0.3 } else { 0.0 }
                + if q.fits_industry(company.industry) {
                    0.2
                } else {
                    0.0
                }
        };
        let candidates: Vec<u32> = w
            .knowers_of(a)
            .iter()
            .filter(|(p, rel)| {
                let q = &w.partners[*p as usize];
                types.contains(&q.ptype)
                    && q.eligible(day)
                    && free(*p)
                    && (role != PartnerRole::Sourcing
                        || *rel != Population::Prospect
                        || q.quality > 0.5)
            })
            .map(|(p, _)| *p)
            .collect();
        if !candidates.is_empty() && self.rng.random_bool(0.8) {
            let x = *pick(&mut self.rng, &candidates);
            let y = *pick(&mut self.rng, &candidates);
            return Some(if score(x) >= score(y) { x } else { y });
        }
        let r = region_ix(company.region());
        let mut best: Option<u32> = None;
        for _ in 0..8 {
            let t = if role == PartnerRole::Services
                && company.enterprise()
                && self.rng.random_bool(0.5)
            {
                PartnerType::Gsi
            } else {
                *pick(&mut self.rng, types)
            };
            let pool = &w.pools[r][type_ix(t)];
            if pool.is_empty() {
                continue;
            }
            let p = *pick(&mut self.rng, pool);
            if w.partners[p as usize].eligible(day) && free(p) {
                best = match best {
                    Some(b) if score(b) >= score(p) => Some(b),
                    _ => Some(p),
                };
                if best.is_some() && self.rng.random_bool(0.5) {
                    break;
                }
            }
        }
        best
    }

    /// Products of a deal: mostly ones the registering partner is authorised for.
    fn products(&mut self, registrant: Option<&PartnerGen>) -> Vec<&'static str> {
        let n = 1 + weighted(&mut self.rng, &[0.6, 0.3, 0.1]);
        let allowed: Vec<usize> = match registrant {
            Some(p) => (0..PRODUCTS.len())
                .filter(|k| p.products & (1 << k) != 0)
                .collect(),
            None => (0..PRODUCTS.len()).collect(),
        };
        let allowed = if allowed.is_empty() {
            (0..PRODUCTS.len()).collect()
        } else {
            allowed
        };
        let mut out: Vec<usize> = Vec::with_capacity(n);
        for _ in 0..n {
            let k = *pick(&mut self.rng, &allowed);
            if !out.contains(&k) {
                out.push(k);
            }
        }
        out.sort();
        out.into_iter().map(|k| PRODUCTS[k]).collect()
    }

    /// A moment on `day` during office hours.
    fn at(&mut self, day: NaiveDate) -> DateTime<Utc> {
        let secs = self.rng.random_range(7 * 3600..19 * 3600);
        day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() + TimeDelta::seconds(secs)
    }

    /// Emits the registration of the deal's registrant and the conflicts around it; returns
    /// whether any dispute arose on this deal.
    #[allow(clippy::too_many_arguments)]
    fn conflicts(
        &mut self,
        deal_id: &str,
        a: u32,
        acc: &str,
        parts: &[Part],
        r: usize,
        at: DateTime<Utc>,
        products: &[&'static str],
    ) -> anyhow::Result<bool> {
        let w = self.w;
        let company = &w.companies[a as usize];
        let region = company.region();
        let registrant = parts[r].partner;
        let day = at.date_naive();
        let in_deal = |p: u32| parts.iter().any(|x| x.partner == p);

        // Newcomer against the incumbent: another partner already serves the account. An active
        // incumbent (recent services delivery) objects far more often.
        let mut cause = None;
        let mut cause_other: Option<u32> = None;
        if !w.incumbent(registrant, a) {
            let incumbent = w
                .knowers_of(a)
                .iter()
                .filter(|(p, rel)| {
                    *rel == Population::Customer
                        && !in_deal(*p)
                        && w.partners[*p as usize].eligible(day)
                })
                .map(|(p, _)| *p)
                .max_by(|x, y| {
                    w.partners[*x as usize]
                        .quality
                        .total_cmp(&w.partners[*y as usize].quality)
                });
            if let Some(inc) = incumbent {
                let active = self.rng.random_bool(0.5);
                if active {
                    let back = self.rng.random_range(5..150);
                    let when = self.at(day - Days::new(back));
                    self.touch(inc, acc, None, TouchpointKind::ServicesDelivery, when, None)?;
                }
                if self.rng.random_bool(if active { 0.4 } else { 0.08 }) {
                    cause = Some(Cause::Incumbent);
                    cause_other = Some(inc);
                }
            }
        }
        let reg_id = self.registration(registrant, at, cause);
        let mut disputed = false;
        if let Some(inc) = cause_other {
            self.dispute(
                &reg_id,
                deal_id,
                Cause::Incumbent,
                Some(&w.partners[inc as usize].id),
            )?;
            self.stats[registrant as usize].disputes += 1;
            disputed = true;
        }

        // Another partner working the account registers the same opportunity inside the
        // protection window; aggressive partners and crowded accounts make it likelier.
        let others: Vec<u32> = w
            .knowers_of(a)
            .iter()
            .filter(|(p, rel)| {
                *rel != Population::Customer
                    && !in_deal(*p)
                    && w.partners[*p as usize].eligible(day)
            })
            .map(|(p, _)| *p)
            .collect();
        if !others.is_empty() {
            let c = (0..3)
                .map(|_| *pick(&mut self.rng, &others))
                .max_by(|x, y| {
                    w.partners[*x as usize]
                        .aggressiveness
                        .total_cmp(&w.partners[*y as usize].aggressiveness)
                })
                .unwrap_or(others[0]);
            let p = 0.01
                + 0.15 * w.partners[c as usize].aggressiveness
                + 0.02 * others.len().min(5) as f64;
            let lag = self.rng.random_range(1..PROTECTION_DAYS);
            let when = day + Days::new(lag);
            if when < w.as_of && self.rng.random_bool(p) {
                let touch_day = when - Days::new(self.rng.random_range(3..30));
                let t = self.at(touch_day);
                let kind = if self.rng.random_bool(0.5) {
                    TouchpointKind::Intro
                } else {
                    TouchpointKind::Demo
                };
                self.touch(c, acc, None, kind, t, None)?;
                let reg_at = self.at(when);
                let id = self.registration(c, reg_at, Some(Cause::DuplicateRegistration));
                self.dispute(
                    &id,
                    deal_id,
                    Cause::DuplicateRegistration,
                    Some(&w.partners[registrant as usize].id),
                )?;
                self.stats[c as usize].disputes += 1;
                disputed = true;
            } else if self.rng.random_bool(0.15) {
                // Traces without a dispute, so touchpoints alone do not give the answer away.
                let other = *pick(&mut self.rng, &others);
                let back = self.rng.random_range(0..60);
                let t = self.at(day - Days::new(back));
                self.touch(other, acc, None, TouchpointKind::CoMarketingEvent, t, None)?;
            }
        }

        // A partner outside the account's region, or without authorisation for the products,
        // registers anyway; the program rejects it.
        if self.rng.random_bool(0.012) {
            let types = [PartnerType::Var, PartnerType::Si, PartnerType::Msp];
            let t = *pick(&mut self.rng, &types);
            let other_region = *pick(&mut self.rng, Region::ALL);
            let pool = &w.pools[region_ix(other_region)][type_ix(t)];
            if !pool.is_empty() {
                let p = *pick(&mut self.rng, pool);
                let q = &w.partners[p as usize];
                if !q.serves(region) && q.eligible(day) && !in_deal(p) {
                    let lag = self.rng.random_range(0..30);
                    let reg_at = self.at(day + Days::new(lag));
                    if reg_at.date_naive() < w.as_of {
                        let id = self.registration(p, reg_at, Some(Cause::UnauthorisedRegion));
                        self.dispute(&id, deal_id, Cause::UnauthorisedRegion, None)?;
                        self.stats[p as usize].disputes += 1;
                    }
                }
            }
        }
        if self.rng.random_bool(0.012) {
            let mask = products
                .iter()
                .filter_map(|n| PRODUCTS.iter().position(|x| x == n))
                .fold(0u8, |m, k| m | (1 << k));
            let unauthorised: Vec<u32> = w
                .knowers_of(a)
                .iter()
                .map(|(p, _)| *p)
                .filter(|p| {
                    let q = &w.partners[*p as usize];
                    !in_deal(*p) && q.eligible(day) && q.serves(region) && q.products & mask != mask
                })
                .collect();
            if !unauthorised.is_empty() {
                let p = *pick(&mut self.rng, &unauthorised);
                let lag = self.rng.random_range(0..30);
                let reg_at = self.at(day + Days::new(lag));
                if reg_at.date_naive() < w.as_of {
                    let id = self.registration(p, reg_at, Some(Cause::UnauthorisedProduct));
                    self.dispute(&id, deal_id, Cause::UnauthorisedProduct, None)?;
                    self.stats[p as usize].disputes += 1;
                }
            }
        }
        Ok(disputed)
    }

    /// A partner registers an opportunity the vendor's direct team is already working.
    fn direct_conflict(
        &mut self,
        deal_id: &str,
        a: u32,
        created: NaiveDate,
        cycle: u64,
    ) -> anyhow::Result<bool> {
        let w = self.w;
        let knowers = w.knowers_of(a);
        if knowers.is_empty() {
            return Ok(false);
        }
        let (p, _) = *pick(&mut self.rng, knowers);
        let q = &w.partners[p as usize];
        let open_days = cycle.min((w.as_of - created).num_days().max(1) as u64);
        let day = created + Days::new(self.rng.random_range(0..open_days.max(1)));
        if !q.eligible(day) || day >= w.as_of || !self.rng.random_bool(0.1 + 0.3 * q.aggressiveness)
        {
            return Ok(false);
        }
        let at = self.at(day);
        let id = self.registration(p, at, Some(Cause::DirectConflict));
        self.dispute(&id, deal_id, Cause::DirectConflict, Some("direct"))?;
        self.stats[p as usize].disputes += 1;
        Ok(true)
    }

    /// Files a registration by partner `p`; it is written with the deal, whose terms come later.
    fn registration(&mut self, p: u32, at: DateTime<Utc>, cause: Option<Cause>) -> String {
        let number = self.out.registrations.count + self.filed.len() + 1;
        self.stats[p as usize].registrations += 1;
        self.filed.push(Filed {
            number,
            partner: p,
            at,
            cause,
        });
        registration_id(number)
    }

    /// Writes the deal's registrations; each names the deal's partners other than its registrant.
    fn write_registrations(&mut self, terms: &DealTerms<'_>, parts: &[Part]) -> anyhow::Result<()> {
        let w = self.w;
        for f in std::mem::take(&mut self.filed) {
            let partners = parts
                .iter()
                .filter(|p| p.partner != f.partner)
                .map(|p| CoPartnerOut {
                    partner_id: &w.partners[p.partner as usize].id,
                    role: p.role,
                })
                .collect();
            registrations::write(
                &mut self.out.registrations,
                self.seed,
                w.as_of,
                terms,
                &f,
                &w.partners[f.partner as usize].id,
                partners,
            )?;
        }
        Ok(())
    }

    fn dispute(
        &mut self,
        reg: &str,
        deal_id: &str,
        cause: Cause,
        other: Option<&str>,
    ) -> anyhow::Result<()> {
        self.out.disputes.line(&DisputeOut {
            registration_id: reg,
            deal_id,
            cause: cause.as_str(),
            other_party: other,
        })
    }

    fn touch(
        &mut self,
        p: u32,
        acc: &str,
        deal: Option<&str>,
        kind: TouchpointKind,
        at: DateTime<Utc>,
        notes: Option<String>,
    ) -> anyhow::Result<()> {
        let id = format!("T-{:08}", self.out.touchpoints.count + 1);
        self.out.touchpoints.line(&TouchOut {
            id,
            partner_id: &self.w.partners[p as usize].id,
            account_id: acc,
            deal_id: deal,
            kind,
            occurred_at: at,
            notes,
        })
    }

    /// The touchpoints a participant leaves on its deal, by role: sourcing and referral partners
    /// act before the deal exists, others during it, services partners after a win.
    #[allow(clippy::too_many_arguments)]
    fn deal_touches(
        &mut self,
        p: &Part,
        acc: &str,
        deal_id: &str,
        created: NaiveDate,
        end: NaiveDate,
        won: bool,
        products: &[&'static str],
    ) -> anyhow::Result<()> {
        let w = self.w;
        let q = &w.partners[p.partner as usize];
        let floor = q.joined_on.unwrap_or(w.start);
        let during = (end - created).num_days().max(1) as u64;
        let mut plan: Vec<(TouchpointKind, NaiveDate)> = Vec::with_capacity(4);
        let before = |rng: &mut ChaCha8Rng, max: u64| created - Days::new(rng.random_range(0..max));
        match p.role {
            PartnerRole::Sourcing => {
                let k = if self.rng.random_bool(0.5) {
                    TouchpointKind::Referral
                } else {
                    TouchpointKind::Intro
                };
                plan.push((k, before(&mut self.rng, 45)));
                if self.rng.random_bool(0.5) {
                    plan.push((
                        TouchpointKind::Demo,
                        created + Days::new(self.rng.random_range(0..during)),
                    ));
                }
            }
            PartnerRole::Referral => {
                plan.push((TouchpointKind::Referral, before(&mut self.rng, 60)))
            }
            PartnerRole::Influencing => {
                for _ in 0..self.rng.random_range(1..=2) {
                    let k = *pick(
                        &mut self.rng,
                        &[
                            TouchpointKind::Demo,
                            TouchpointKind::TechnicalValidation,
                            TouchpointKind::CoMarketingEvent,
                        ],
                    );
                    plan.push((k, created + Days::new(self.rng.random_range(0..during))));
                }
            }
            PartnerRole::Transacting => {
                if self.rng.random_bool(0.5) {
                    plan.push((
                        TouchpointKind::Demo,
                        created + Days::new(self.rng.random_range(0..during)),
                    ));
                }
                if self.rng.random_bool(0.15) {
                    plan.push((TouchpointKind::MdfCampaign, before(&mut self.rng, 90)));
                }
            }
            PartnerRole::Services => {
                plan.push((
                    TouchpointKind::TechnicalValidation,
                    created + Days::new(self.rng.random_range(0..during)),
                ));
                if won {
                    plan.push((
                        TouchpointKind::ServicesDelivery,
                        end + Days::new(self.rng.random_range(1..60)),
                    ));
                }
            }
        }
        for (kind, day) in plan {
            if day >= w.as_of {
                continue;
            }
            let day = day.max(floor);
            let at = self.at(day);
            let notes = self.note(kind, products);
            self.touch(p.partner, acc, Some(deal_id), kind, at, notes)?;
        }
        Ok(())
    }

    /// Notes on some touchpoints; MDF campaigns always carry their spend, for MDF return analysis.
    fn note(&mut self, kind: TouchpointKind, products: &[&'static str]) -> Option<String> {
        match kind {
            TouchpointKind::MdfCampaign => {
                let spend = (lognormal(&mut self.rng, 8000.0, 0.6) / 100.0).round() * 100.0;
                Some(format!("MDF spend {spend:.0} USD"))
            }
            TouchpointKind::Demo if self.rng.random_bool(0.3) => Some(format!(
                "Demo of {}",
                products.first().copied().unwrap_or("the platform")
            )),
            _ => None,
        }
    }

    /// Account-level touchpoints: incumbents deliver services, partners market to prospects.
    fn account_touches(&mut self, seed: u64, progress: &Progress) -> anyhow::Result<()> {
        let w = self.w;
        let mut rng = rng_for(seed, Stream::Touches, 0);
        let bar = progress.bar("account touchpoints", w.accounts as u64);
        for a in 0..w.accounts as u32 {
            if a % 4096 == 0 {
                bar.set_position(u64::from(a));
            }
            let knowers = w.knowers_of(a);
            if knowers.is_empty() {
                continue;
            }
            let acc = account_id(a);
            for (p, rel) in knowers {
                let q = &w.partners[*p as usize];
                if q.candidate() {
                    continue;
                }
                let (prob, kinds): (f64, &[TouchpointKind]) = match rel {
                    Population::Customer => (0.3, &[TouchpointKind::ServicesDelivery]),
                    Population::Opportunity => {
                        (0.2, &[TouchpointKind::Intro, TouchpointKind::Demo])
                    }
                    Population::Prospect => (
                        0.08,
                        &[
                            TouchpointKind::CoMarketingEvent,
                            TouchpointKind::MdfCampaign,
                        ],
                    ),
                };
                if !rng.random_bool(prob) {
                    continue;
                }
                let from = q.joined_on.unwrap_or(w.start).max(w.start);
                let to = q.offboarded_on.unwrap_or(w.as_of).min(w.as_of);
                if to <= from {
                    continue;
                }
                let day = from + Days::new(rng.random_range(0..(to - from).num_days() as u64));
                let kind = *pick(&mut rng, kinds);
                let secs = rng.random_range(7 * 3600..19 * 3600);
                let at = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
                    + TimeDelta::seconds(secs);
                let notes = (kind == TouchpointKind::MdfCampaign).then(|| {
                    let spend = (lognormal(&mut rng, 8000.0, 0.6) / 100.0).round() * 100.0;
                    format!("MDF spend {spend:.0} USD")
                });
                self.touch(*p, &acc, None, kind, at, notes)?;
            }
        }
        bar.finish();
        Ok(())
    }
}
