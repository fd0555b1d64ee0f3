//! Deal registrations as the import takes them: the deal's terms and the program's decisions over
//! time, from filing to a final state or to `as_of`.
//!
//! The deal pass decides who registers, when, and why a registration is contested; this module turns
//! that into a decision history. Histories draw from their own stream per registration, never from
//! the deal pass's, so that changing them leaves every other generated file byte-identical.

use super::sample::{Stream, rng_for};
use crate::domain::PartnerRole;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Days a registration protects its partner: a second registration inside it is a duplicate, and
/// each `extend` decision adds as many again.
pub(crate) const PROTECTION_DAYS: u64 = 90;

/// When a registration's protection ends: `PROTECTION_DAYS` after it was filed, pushed back by
/// `PROTECTION_DAYS` for each `extend` decision taken on it. The importer mirrors this rule.
pub(crate) fn protection_end(registered_at: DateTime<Utc>, extends: u32) -> DateTime<Utc> {
    registered_at + TimeDelta::days(PROTECTION_DAYS as i64 * (1 + i64::from(extends)))
}

/// Why a registration is contested; a registration without one goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    /// A newcomer registered on an account another partner serves.
    Incumbent,
    /// A second partner registered the deal inside the first one's protection.
    DuplicateRegistration,
    /// A partner registered an opportunity the vendor's direct team works.
    DirectConflict,
    /// The partner does not serve the account's region.
    UnauthorisedRegion,
    /// The partner is not authorised for a product of the deal.
    UnauthorisedProduct,
}

impl Cause {
    /// The name in `truth/disputes.ndjson`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Cause::Incumbent => "incumbent",
            Cause::DuplicateRegistration => "duplicate_registration",
            Cause::DirectConflict => "direct_conflict",
            Cause::UnauthorisedRegion => "unauthorised_region",
            Cause::UnauthorisedProduct => "unauthorised_product",
        }
    }

    /// Whether someone objects (a `dispute` decision) rather than the program simply refusing it.
    pub(crate) fn disputed(self) -> bool {
        !matches!(self, Cause::UnauthorisedRegion | Cause::UnauthorisedProduct)
    }
}

/// A decision the program takes on a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Decision {
    Approve,
    Reject,
    Dispute,
    Resolve,
    Extend,
    Expire,
    Win,
    Lose,
}

/// One decision as the import reads it.
#[derive(Debug, Serialize)]
pub(crate) struct DecisionOut {
    pub decision: Decision,
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// A registration filed during the deal pass, written once the deal's terms are known.
pub(crate) struct Filed {
    /// Its line number in `registrations.ndjson`, from 1.
    pub number: usize,
    /// Index of the registering partner.
    pub partner: u32,
    pub at: DateTime<Utc>,
    pub cause: Option<Cause>,
}

/// The id of registration `number`.
pub(crate) fn registration_id(number: usize) -> String {
    format!("R-{number:07}")
}

/// What a registration says about its deal, shared by every registration of the deal.
pub(crate) struct DealTerms<'a> {
    pub deal_id: &'a str,
    pub account_id: &'a str,
    pub products: &'a [&'static str],
    pub amount: f64,
    pub currency: &'static str,
    pub close_date: NaiveDate,
    /// `Some(won)` once the deal has closed.
    pub closed: Option<bool>,
}

/// Another partner on the deal, as the registration names it.
#[derive(Serialize)]
pub(crate) struct CoPartnerOut<'a> {
    pub partner_id: &'a str,
    pub role: PartnerRole,
}

#[derive(Serialize)]
struct RegistrationOut<'a> {
    id: &'a str,
    partner_id: &'a str,
    account_id: &'a str,
    deal_id: &'a str,
    products: &'a [&'static str],
    amount: f64,
    currency: &'static str,
    /// Absent when the deal closed before the registration: an expected close date cannot be in
    /// the past, and the importer refuses one.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_close_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    partners: Vec<CoPartnerOut<'a>>,
    registered_at: DateTime<Utc>,
    decisions: Vec<DecisionOut>,
}

/// Writes one registration line with its decision history.
pub(crate) fn write(
    out: &mut super::Ndjson,
    seed: u64,
    as_of: NaiveDate,
    deal: &DealTerms<'_>,
    filed: &Filed,
    partner_id: &str,
    partners: Vec<CoPartnerOut<'_>>,
) -> anyhow::Result<()> {
    let mut rng = rng_for(seed, Stream::Decisions, filed.number as u64);
    let decisions = history(&mut rng, filed.at, filed.cause, deal, as_of);
    out.line(&RegistrationOut {
        id: &registration_id(filed.number),
        partner_id,
        account_id: deal.account_id,
        deal_id: deal.deal_id,
        products: deal.products,
        amount: deal.amount,
        currency: deal.currency,
        expected_close_date: (deal.close_date >= filed.at.date_naive()).then_some(deal.close_date),
        partners,
        registered_at: filed.at,
        decisions,
    })
}

/// The decisions on one registration, every one strictly after the previous and before `as_of`.
///
/// Contested registrations always carry their `dispute`, squeezed into the time left before `as_of`
/// if need be, because it is the label the conflict model learns; any other decision that would
/// fall on or after `as_of` has simply not happened yet, and the history stops there.
fn history(
    rng: &mut ChaCha8Rng,
    registered_at: DateTime<Utc>,
    cause: Option<Cause>,
    deal: &DealTerms<'_>,
    as_of: NaiveDate,
) -> Vec<DecisionOut> {
    let mut t = Timeline {
        rng,
        registered_at,
        last: registered_at,
        as_of: as_of.and_time(NaiveTime::MIN).and_utc(),
        out: Vec::new(),
    };
    match cause {
        None => {
            let reason = t
                .rng
                .random_bool(0.3)
                .then_some("Meets the rules of engagement.");
            if t.within_days(Decision::Approve, 1, 5, reason) {
                t.protect(deal);
            }
        }
        Some(c) if c.disputed() => {
            t.contest(c);
            if t.settle(c) {
                t.protect(deal);
            }
        }
        Some(c) => {
            let reason = if c == Cause::UnauthorisedRegion {
                "The partner is not authorised in the account's region."
            } else {
                "The partner is not authorised for the registered products."
            };
            t.within_days(Decision::Reject, 1, 5, Some(reason));
        }
    }
    t.out
}

const DAY: i64 = 86_400;

struct Timeline<'r> {
    rng: &'r mut ChaCha8Rng,
    registered_at: DateTime<Utc>,
    last: DateTime<Utc>,
    as_of: DateTime<Utc>,
    out: Vec<DecisionOut>,
}

impl Timeline<'_> {
    /// A moment strictly between `lo` and `hi`, if there is room for one.
    fn between(&mut self, lo: DateTime<Utc>, hi: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let gap = (hi - lo).num_seconds();
        (gap >= 2).then(|| lo + TimeDelta::seconds(self.rng.random_range(1..gap)))
    }

    /// Records `d` at `at` unless that would break the order or reach `as_of`.
    fn push(&mut self, d: Decision, at: DateTime<Utc>, reason: Option<&'static str>) -> bool {
        if at <= self.last || at >= self.as_of {
            return false;
        }
        self.last = at;
        self.out.push(DecisionOut {
            decision: d,
            at,
            reason,
        });
        true
    }

    /// Records `d` `lo..hi` days after the last decision, if that is before `as_of`.
    fn within_days(&mut self, d: Decision, lo: i64, hi: i64, reason: Option<&'static str>) -> bool {
        let secs = self.rng.random_range(lo * DAY..=hi * DAY);
        let at = self.last + TimeDelta::seconds(secs);
        self.push(d, at, reason)
    }

    /// The objection, 1-20 days after filing (sooner near `as_of`), sometimes after an approval
    /// that the objection reopens.
    fn contest(&mut self, c: Cause) {
        let start = self.registered_at;
        let hi = (start + TimeDelta::days(20)).min(self.as_of);
        let at = self
            .between(start + TimeDelta::days(1), hi)
            .or_else(|| self.between(start, hi));
        let Some(at) = at else { return };
        if at - start >= TimeDelta::days(2) && self.rng.random_bool(0.4) {
            let latest = (start + TimeDelta::days(5)).min(at - TimeDelta::hours(1));
            if let Some(approved) = self.between(start + TimeDelta::days(1), latest) {
                self.push(Decision::Approve, approved, None);
            }
        }
        let reason = match c {
            Cause::Incumbent => "The partner serving this account objects.",
            Cause::DuplicateRegistration => "Another partner registered this opportunity first.",
            _ => "The direct team is already working this opportunity.",
        };
        self.push(Decision::Dispute, at, Some(reason));
    }

    /// Settles a dispute 2-30 days later; returns whether the registrant keeps the deal.
    fn settle(&mut self, c: Cause) -> bool {
        let reject = match c {
            Cause::Incumbent => 0.5,
            _ => 0.85,
        };
        if self.rng.random_bool(reject) {
            let reason = match c {
                Cause::Incumbent => "Incumbency: the serving partner keeps the account.",
                Cause::DuplicateRegistration => "First to register keeps the protection.",
                _ => "The direct team's opportunity takes precedence.",
            };
            self.within_days(Decision::Reject, 2, 30, Some(reason));
            false
        } else {
            let reason = "Upheld under the rules of engagement.";
            self.within_days(Decision::Resolve, 2, 30, Some(reason))
        }
    }

    /// An approved registration under protection: the deal's close ends it inside the window;
    /// a deal still open when the window ends is extended once, and expires when the extension
    /// runs out. Extending depends only on the deal being open then, not on how it ends later.
    fn protect(&mut self, deal: &DealTerms<'_>) {
        let closed = deal.closed.and_then(|won| {
            let secs = self.rng.random_range(8 * 3600..18 * 3600);
            let at = deal.close_date.and_time(NaiveTime::MIN).and_utc() + TimeDelta::seconds(secs);
            (at < self.as_of).then_some((won, at))
        });
        let mut extends = 0;
        loop {
            let end = protection_end(self.registered_at, extends);
            if let Some((won, at)) = closed
                && at < end
            {
                // A deal that closed before the registration was settled is recorded just after.
                let at = if at > self.last {
                    at
                } else {
                    self.last + TimeDelta::seconds(self.rng.random_range(3600..3 * DAY))
                };
                let d = if won { Decision::Win } else { Decision::Lose };
                self.push(d, at, None);
                return;
            }
            if extends == 1 {
                self.push(
                    Decision::Expire,
                    end,
                    Some("The protection window ended before the deal closed."),
                );
                return;
            }
            let from = self.last.max(end - TimeDelta::days(7));
            let Some(at) = self.between(from, end) else {
                return;
            };
            if !self.push(
                Decision::Extend,
                at,
                Some("The deal is still open at the end of the protection window."),
            ) {
                return;
            }
            extends += 1;
        }
    }
}
