//! What the graph knew about a registration's account and registrant just before it was registered:
//! the facts the conflict findings cite and the feature vector the conflict model reads.

use crate::domain::{
    Claim, CompactProducts, DealOutcome, Id, Kind, Population, Region, Registration,
    RegistrationStatus, TouchpointKind,
};
use crate::graph::{EcoGraph, Histories};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};

/// The windows that decide what counts as recent, protected or incumbent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Windows {
    /// How long a registration protects its partner (extensions add as much again).
    pub protection: TimeDelta,
    /// How far back another partner's touchpoints count as activity on the account.
    pub activity: TimeDelta,
    /// How far back services delivered make a partner the incumbent.
    pub incumbency: TimeDelta,
    /// Whether a registration of the same account is the same opportunity only when a product is
    /// shared (otherwise any live registration of the account is).
    pub same_opportunity_needs_product: bool,
}

/// What is being assessed: the claim of a registration at an instant.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The registration's own id, so that re-assessing a stored one does not see itself.
    pub id: Option<&'a str>,
    /// The registrant.
    pub partner_id: &'a Id,
    /// The account.
    pub account_id: &'a Id,
    /// The vendor's deal it names.
    pub deal_id: Option<&'a Id>,
    /// Products claimed.
    pub products: &'a CompactProducts,
    /// Expected value.
    pub amount: Option<f64>,
    /// Partners named alongside.
    pub co_partners: usize,
    /// The instant.
    pub at: DateTime<Utc>,
}

/// Another partner's registration of the account, live at the instant.
#[derive(Debug, Clone, PartialEq)]
pub struct RivalRegistration {
    /// Its id.
    pub id: Id,
    /// Its partner.
    pub partner_id: Id,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// Its status at the instant.
    pub status: RegistrationStatus,
    /// When its protection ends, as known at the instant.
    pub protected_until: DateTime<Utc>,
    /// Whether it claims a product of the subject.
    pub shares_product: bool,
}

/// Another partner's recent activity on the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// The partner.
    pub partner_id: Id,
    /// Touchpoints in the activity window.
    pub touches: usize,
    /// Of which sales motions (referral, intro, demo, technical validation).
    pub sales_touches: usize,
    /// The latest.
    pub last: DateTime<Utc>,
}

/// A partner that already serves the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Incumbent {
    /// The partner.
    pub partner_id: Id,
    /// It lists the account as a customer (an undated fact, read as it is now).
    pub customer_record: bool,
    /// Its latest services delivery in the incumbency window.
    pub last_services: Option<DateTime<Utc>>,
}

/// An open opportunity on the account at the instant.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenDeal {
    /// The deal.
    pub deal_id: Id,
    /// Its partners other than the registrant.
    pub other_partners: Vec<Id>,
    /// Owned by the vendor's direct team with no partner in it.
    pub direct: bool,
    /// Whether it is the deal the registration names.
    pub claimed: bool,
    /// Whether it shares a product with the claim (or names none).
    pub shares_product: bool,
}

/// Everything known about the subject's account and registrant just before the instant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Other partners' live registrations of the account.
    pub rivals: Vec<RivalRegistration>,
    /// Other partners' recent activity, most active first (partners on the claimed deal are not
    /// other partners, here and in `incumbents` and `others_listing`).
    pub activity: Vec<Activity>,
    /// Other partners serving the account.
    pub incumbents: Vec<Incumbent>,
    /// Whether the registrant itself serves the account.
    pub registrant_incumbent: bool,
    /// Open opportunities on the account.
    pub open_deals: Vec<OpenDeal>,
    /// The registrant's registrations before the instant.
    pub prior_registrations: usize,
    /// Of which disputed before the instant.
    pub prior_disputes: usize,
    /// Other partners whose account lists hold the account.
    pub others_listing: usize,
    /// The account's region, when it is known and the registrant does not sell there.
    pub unauthorised_region: Option<Region>,
    /// Claimed products the registrant is not authorised to sell.
    pub unauthorised_products: Vec<String>,
    /// Days since another partner's last touchpoint (in the activity window).
    pub days_since_others_active: Option<f64>,
    /// Expected value.
    pub amount: Option<f64>,
    /// Partners named alongside.
    pub co_partners: usize,
}

/// Names of the model's features, in vector order.
pub const NAMES: [&str; 19] = [
    "rival_registrations_same_opportunity",
    "rival_registrations_any",
    "other_partners_active",
    "other_partners_sales_touches",
    "recency_of_others_activity",
    "incumbent_other",
    "incumbent_delivering_services",
    "registrant_incumbent",
    "others_open_pipeline",
    "direct_open_pipeline",
    "claimed_deal_is_direct",
    "log_amount",
    "registrant_prior_registrations",
    "registrant_dispute_rate",
    "registrant_prior_disputes",
    "other_partners_listing_account",
    "unauthorised_region",
    "unauthorised_product",
    "co_partners",
];

/// Number of features.
pub const N: usize = NAMES.len();

/// Touchpoint kinds that mean a partner is selling on the account.
fn is_sales_motion(k: TouchpointKind) -> bool {
    matches!(
        k,
        TouchpointKind::Referral
            | TouchpointKind::Intro
            | TouchpointKind::Demo
            | TouchpointKind::TechnicalValidation
    )
}

fn shares(a: &CompactProducts, b: &CompactProducts) -> bool {
    a.iter()
        .any(|p| b.iter().any(|q| q.eq_ignore_ascii_case(p)))
}

/// Registrations about to be written, seen as if they were in the graph (replacing any there with
/// the same id): a history import assesses each of its registrations as of its own instant, and
/// earlier ones of the same import count.
#[derive(Debug, Default)]
pub struct Overlay<'a> {
    by_account: HashMap<&'a str, Vec<&'a Registration>>,
    ids: HashSet<&'a str>,
    /// The graph's partner records with these registrations in place of any they replace.
    histories: Histories,
}

impl<'a> Overlay<'a> {
    /// An overlay of these registrations over `g`.
    pub fn new(g: &EcoGraph, regs: impl IntoIterator<Item = &'a Registration>) -> Self {
        let mut o = Overlay {
            histories: g.histories().clone(),
            ..Overlay::default()
        };
        for r in regs {
            o.by_account
                .entry(r.claim.account_id.as_str())
                .or_default()
                .push(r);
            if o.ids.insert(r.id.as_str())
                && let Some(old) = g.registration(r.id.as_str())
            {
                o.histories.remove(old);
            }
            o.histories.insert(r);
        }
        o
    }

    fn merged(
        &self,
        in_graph: Vec<&'a Registration>,
        extra: Option<&Vec<&'a Registration>>,
    ) -> Vec<&'a Registration> {
        let mut v: Vec<&Registration> = in_graph
            .into_iter()
            .filter(|r| !self.ids.contains(r.id.as_str()))
            .collect();
        v.extend(extra.into_iter().flatten().copied());
        v
    }
}

/// Gathers the facts about a subject from the graph, counting only events dated before `s.at`.
pub fn gather(g: &EcoGraph, s: &Subject<'_>, w: &Windows) -> Facts {
    gather_with(g, None, s, w)
}

/// [`gather`], with registrations not yet in the graph.
pub fn gather_with<'a>(
    g: &'a EcoGraph,
    overlay: Option<&Overlay<'a>>,
    s: &Subject<'_>,
    w: &Windows,
) -> Facts {
    let at = s.at;
    let of_account = g.registrations_of_account(s.account_id.as_str());
    let of_account = match overlay {
        None => of_account,
        Some(o) => o.merged(of_account, o.by_account.get(s.account_id.as_str())),
    };
    let mut f = Facts {
        amount: s.amount,
        co_partners: s.co_partners,
        ..Facts::default()
    };
    // Registrations of the account by other partners, live at the instant.
    for r in of_account {
        if Some(r.id.as_str()) == s.id || r.claim.partner_id == *s.partner_id {
            continue;
        }
        let Some(status) = r.status_at(at) else {
            continue;
        };
        let until = r.protected_until_at(at, w.protection);
        if !status.is_live() || until <= at {
            continue;
        }
        f.rivals.push(RivalRegistration {
            id: r.id.clone(),
            partner_id: r.claim.partner_id.clone(),
            registered_at: r.registered_at,
            status,
            protected_until: until,
            shares_product: shares(&r.claim.products, s.products),
        });
    }
    f.rivals
        .sort_by(|a, b| a.registered_at.cmp(&b.registered_at).then(a.id.cmp(&b.id)));

    // Partners on the claimed deal work the account with the registrant, not against it: they are
    // not "other partners" for activity, incumbency or account lists (whether or not the
    // registration names them).
    let deals = g.deals_of_account(s.account_id.as_str());
    let deal_partners: Vec<&Id> = s
        .deal_id
        .and_then(|id| deals.iter().find(|v| v.deal.id == *id))
        .map(|v| v.partners.iter().map(|(p, _)| &p.id).collect())
        .unwrap_or_default();
    let on_deal = |p: &Id| deal_partners.contains(&p);

    // Touchpoints on the account: others' recent activity and services delivered.
    let mut activity: Vec<Activity> = Vec::new();
    let mut services: Vec<(Id, DateTime<Utc>)> = Vec::new();
    let mut own_services = false;
    for t in g.touchpoints_of(Kind::Account, s.account_id.as_str()) {
        if t.occurred_at >= at {
            break;
        }
        let own = t.partner_id == *s.partner_id;
        if t.kind == TouchpointKind::ServicesDelivery && at - t.occurred_at <= w.incumbency {
            if own {
                own_services = true;
            } else if !on_deal(&t.partner_id) {
                services.retain(|(p, _)| *p != t.partner_id);
                services.push((t.partner_id.clone(), t.occurred_at));
            }
        }
        if own || on_deal(&t.partner_id) || at - t.occurred_at > w.activity {
            continue;
        }
        let sales = usize::from(is_sales_motion(t.kind));
        match activity.iter_mut().find(|a| a.partner_id == t.partner_id) {
            Some(a) => {
                a.touches += 1;
                a.sales_touches += sales;
                a.last = a.last.max(t.occurred_at);
            }
            None => activity.push(Activity {
                partner_id: t.partner_id.clone(),
                touches: 1,
                sales_touches: sales,
                last: t.occurred_at,
            }),
        }
    }
    f.days_since_others_active = activity
        .iter()
        .map(|a| a.last)
        .max()
        .map(|last| (at - last).num_seconds() as f64 / 86_400.0);
    activity.sort_by(|a, b| {
        b.touches
            .cmp(&a.touches)
            .then(a.partner_id.cmp(&b.partner_id))
    });
    f.activity = activity;

    // Account lists (undated: read as they are now).
    let mut customers: Vec<Id> = Vec::new();
    let mut listing: Vec<&Id> = Vec::new();
    let mut own_customer = false;
    // In (partner, record id) order, so a partner's records are together.
    for rec in g.records_of_account(s.account_id.as_str()) {
        if rec.partner_id == s.partner_id {
            own_customer |= rec.relation == Population::Customer;
            continue;
        }
        if on_deal(rec.partner_id) {
            continue;
        }
        if listing.last() != Some(&rec.partner_id) {
            listing.push(rec.partner_id);
        }
        if rec.relation == Population::Customer && !customers.contains(rec.partner_id) {
            customers.push(rec.partner_id.clone());
        }
    }
    f.others_listing = listing.len();
    f.registrant_incumbent = own_customer || own_services;
    let mut incumbents: Vec<Incumbent> = customers
        .into_iter()
        .map(|p| Incumbent {
            last_services: services.iter().find(|(q, _)| *q == p).map(|(_, t)| *t),
            partner_id: p,
            customer_record: true,
        })
        .collect();
    for (p, t) in services {
        if !incumbents.iter().any(|i| i.partner_id == p) {
            incumbents.push(Incumbent {
                partner_id: p,
                customer_record: false,
                last_services: Some(t),
            });
        }
    }
    incumbents.sort_by(|a, b| a.partner_id.cmp(&b.partner_id));
    f.incumbents = incumbents;

    // Open opportunities at the instant: created before it, not closed before it.
    let day = at.date_naive();
    for v in &deals {
        let d = v.deal;
        if d.created_on >= day {
            continue;
        }
        let closed_before =
            d.outcome() != DealOutcome::Open && d.close_date.is_some_and(|c| c < day);
        if closed_before {
            continue;
        }
        let other_partners: Vec<Id> = v
            .partners
            .iter()
            .filter(|(p, _)| p.id != *s.partner_id)
            .map(|(p, _)| p.id.clone())
            .collect();
        f.open_deals.push(OpenDeal {
            deal_id: d.id.clone(),
            direct: d.direct_owner.is_some() && v.partners.is_empty(),
            claimed: s.deal_id == Some(&d.id),
            shares_product: d.products.is_empty() || shares(&d.products, s.products),
            other_partners,
        });
    }
    f.open_deals.sort_by(|a, b| a.deal_id.cmp(&b.deal_id));

    // The registrant's record before the instant (a registration is never before itself).
    // Two binary searches in the partner's record, however busy the partner.
    match overlay {
        Some(o) => {
            (f.prior_registrations, f.prior_disputes) =
                o.histories.before(s.partner_id.as_str(), at);
        }
        // Less the registration assessed, should it be in the graph already.
        None => {
            let (made, disputed) = g.histories().before(s.partner_id.as_str(), at);
            let itself =
                s.id.and_then(|id| g.registration(id))
                    .filter(|r| r.claim.partner_id == *s.partner_id && r.registered_at < at);
            f.prior_registrations = made.saturating_sub(usize::from(itself.is_some()));
            f.prior_disputes =
                disputed.saturating_sub(usize::from(itself.is_some_and(|r| r.disputed_before(at))));
        }
    }

    // Authorisation (profiles are undated: read as they are now). An empty list authorises
    // everything: a partner without a declared territory is not refused for it.
    if let Some(p) = g.partner(s.partner_id.as_str()) {
        if let Some(region) = g.account(s.account_id.as_str()).and_then(|a| a.region)
            && !p.regions.is_empty()
            && !p.regions.contains(&region)
        {
            f.unauthorised_region = Some(region);
        }
        if !p.products.is_empty() {
            f.unauthorised_products = s
                .products
                .iter()
                .filter(|c| !p.products.iter().any(|q| q.eq_ignore_ascii_case(c)))
                .map(|c| c.to_string())
                .collect();
        }
    }
    f
}

impl Facts {
    /// Rival registrations that are the same opportunity under the windows' definition.
    pub fn same_opportunity<'a>(
        &'a self,
        w: &'a Windows,
    ) -> impl Iterator<Item = &'a RivalRegistration> + 'a {
        self.rivals
            .iter()
            .filter(move |r| r.shares_product || !w.same_opportunity_needs_product)
    }

    /// The model's feature vector.
    pub fn vector(&self, w: &Windows) -> [f64; N] {
        let ln = |n: usize| (n as f64).ln_1p();
        let b = |x: bool| f64::from(u8::from(x));
        let activity = w.activity.num_seconds().max(1) as f64 / 86_400.0;
        // Pipeline on the account other than the claimed deal: the claimed deal's own partners and
        // owner are described by `co_partners` and `claimed_deal_is_direct`, so that no two
        // features state one fact.
        let others_pipeline = self
            .open_deals
            .iter()
            .filter(|d| !d.claimed && !d.other_partners.is_empty() && d.shares_product)
            .count();
        let direct = self
            .open_deals
            .iter()
            .filter(|d| !d.claimed && d.direct && d.shares_product)
            .count();
        [
            ln(self.same_opportunity(w).count()),
            ln(self.rivals.len()),
            ln(self.activity.len()),
            ln(self.activity.iter().map(|a| a.sales_touches).sum()),
            // 1 for activity just now, falling to 0 at the end of the window (and with none).
            self.days_since_others_active
                .map_or(0.0, |d| (1.0 - d / activity).clamp(0.0, 1.0)),
            b(!self.incumbents.is_empty()),
            b(self.incumbents.iter().any(|i| i.last_services.is_some())),
            b(self.registrant_incumbent),
            ln(others_pipeline),
            ln(direct),
            b(self.open_deals.iter().any(|d| d.claimed && d.direct)),
            self.amount.map_or(0.0, |a| a.max(0.0).ln_1p() / 10.0),
            ln(self.prior_registrations),
            (self.prior_disputes as f64 + 0.1) / (self.prior_registrations as f64 + 1.0),
            ln(self.prior_disputes),
            ln(self.others_listing),
            b(self.unauthorised_region.is_some()),
            b(!self.unauthorised_products.is_empty()),
            ln(self.co_partners),
        ]
    }
}

impl<'a> Subject<'a> {
    /// A claim as of `at`; `id` is the registration's own, if it has one.
    pub fn of_claim(id: Option<&'a str>, claim: &'a Claim, at: DateTime<Utc>) -> Self {
        Subject {
            id,
            partner_id: &claim.partner_id,
            account_id: &claim.account_id,
            deal_id: claim.deal_id.as_ref(),
            products: &claim.products,
            amount: claim.amount.map(f64::from),
            co_partners: claim.partners.len(),
            at,
        }
    }
}

/// The subject of a stored registration, as of its own registration.
pub fn subject_of(r: &Registration) -> Subject<'_> {
    Subject::of_claim(Some(r.id.as_str()), &r.claim, r.registered_at)
}
