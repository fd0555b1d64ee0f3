//! Shared targets ranked by warmth: for one partner, the accounts on its list that the vendor is
//! still trying to win, ordered by how warm a joint approach would be.
//!
//! A shared target is an account on the partner's list whose vendor populations (see
//! [`vendor_populations`]) include prospect or opportunity and not customer. The warmth score is a
//! fixed weighted sum of four components, each in [0, 1]:
//!
//! | component | weight | value |
//! |---|---|---|
//! | relationships | 0.35 | `1 - 0.5^S`, S the summed strength of the partners that know the account |
//! | open opportunities | 0.25 | `min(1, ln(1 + V/10k) / ln(1 + 1M/10k))`, V the open deal value |
//! | touchpoint recency | 0.20 | `0.5^(age / 90 days)` of the latest counted touchpoint, 0 without one |
//! | account fit | 0.20 | industry 0.4, region 0.4, size 0.2 (an unknown criterion counts 0.5) |
//!
//! The details of each are on the constants and functions below. The score (and every reported
//! value and contribution) is rounded to six decimals; targets are ordered by score, highest first,
//! then by account id.
//!
//! Privacy follows the rest of account mapping. The asked partner's own relations count only where
//! the viewer may see them as records (its own partner always may); an account whose visible
//! relations are empty is not listed. Another partner counts only while it is in the program (active
//! or onboarding) and only for relations it shares as records, and only as a count per relation:
//! no partner id or name is ever returned. Touchpoints count when made by the asked partner or, for a
//! vendor viewer, by one of the other partners counted; a partner viewer's recency is its own, and
//! it is not told when another partner owns an account (the account's `owner` is left out).

use super::{Viewer, as_seen_by, partner_accounts, sharing, vendor_populations, visible};
use crate::domain::{
    Account, Currency, DealOutcome, Id, Kind, Partner, PartnerStatus, Population, SharingLevel,
};
use crate::graph::EcoGraph;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// Weight of the relationships component.
pub const WEIGHT_RELATIONSHIPS: f64 = 0.35;
/// Weight of the open-opportunities component.
pub const WEIGHT_OPPORTUNITIES: f64 = 0.25;
/// Weight of the touchpoint-recency component.
pub const WEIGHT_RECENCY: f64 = 0.20;
/// Weight of the account-fit component.
pub const WEIGHT_FIT: f64 = 0.20;

/// Open deal value at which the opportunities component is about 0.15: the unit of its log scale.
pub const PIPELINE_UNIT: f64 = 10_000.0;
/// Open deal value at which the opportunities component saturates at 1.
pub const PIPELINE_CAP: f64 = 1_000_000.0;
/// What an open deal in a currency other than the reporting currency (USD) counts for. ecograph
/// holds no exchange rates, so such a deal counts as a typical deal instead of its face value.
pub const FOREIGN_DEAL_AMOUNT: f64 = 100_000.0;
/// Age at which a touchpoint's recency has halved.
pub const HALF_LIFE_DAYS: f64 = 90.0;

/// Weight of the industry criterion within account fit.
pub const FIT_INDUSTRY: f64 = 0.4;
/// Weight of the region criterion within account fit.
pub const FIT_REGION: f64 = 0.4;
/// Weight of the size criterion within account fit.
pub const FIT_SIZE: f64 = 0.2;
/// What a criterion counts when either side lacks the data to judge it.
pub const FIT_UNKNOWN: f64 = 0.5;

/// How much one partner's relation to an account warms it: an existing customer relationship is
/// the strongest door-opener, an open opportunity next, a prospect a weak one.
pub fn relation_strength(p: Population) -> f64 {
    match p {
        Population::Customer => 1.0,
        Population::Opportunity => 0.6,
        Population::Prospect => 0.3,
    }
}

/// Relationships value from the summed strength: each whole unit of strength halves the distance to
/// 1, so the first relationships matter most.
pub fn relationships_value(strength: f64) -> f64 {
    1.0 - 0.5f64.powf(strength.max(0.0))
}

/// Open-opportunities value from the open deal value: logarithmic, so doubling the pipeline adds a
/// constant, and saturating at [`PIPELINE_CAP`], so one huge deal cannot outweigh everything else.
pub fn opportunities_value(amount: f64) -> f64 {
    let v =
        (1.0 + amount.max(0.0) / PIPELINE_UNIT).ln() / (1.0 + PIPELINE_CAP / PIPELINE_UNIT).ln();
    v.min(1.0)
}

/// Recency value from the age in days of the latest touchpoint: exponential decay with a
/// [`HALF_LIFE_DAYS`] half-life; 0 without a touchpoint.
pub fn recency_value(age_days: Option<f64>) -> f64 {
    age_days.map_or(0.0, |d| 0.5f64.powf(d.max(0.0) / HALF_LIFE_DAYS))
}

/// Size criterion: 1 when the account's head count equals the partner's typical customer's, falling
/// linearly to 0 at a factor of 100 either way (log10 distance of 2).
pub fn size_value(account_employees: u32, typical_employees: u32) -> f64 {
    let a = f64::from(account_employees.max(1));
    let t = f64::from(typical_employees.max(1));
    (1.0 - (a / t).log10().abs() / 2.0).max(0.0)
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Other partners counted for an account, by their strongest counted relation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RelationCounts {
    /// Partners that have the account as a customer.
    pub customer: usize,
    /// Partners with an open opportunity on it (and no customer relation).
    pub opportunity: usize,
    /// Partners that have it only as a prospect.
    pub prospect: usize,
}

/// Relationships: how many partners know the account and how strongly.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Relationships {
    /// Its weight in the score.
    pub weight: f64,
    /// `1 - 0.5^strength`, in [0, 1].
    pub value: f64,
    /// `weight * value`.
    pub contribution: f64,
    /// Summed strength: customer 1, opportunity 0.6, prospect 0.3 per partner, at its strongest relation.
    pub strength: f64,
    /// The asked partner's strongest visible relation.
    pub partner_relation: Population,
    /// Other partners counted (in the program, sharing that relation as records); counts only.
    pub other_partners: RelationCounts,
}

/// Open deal value in one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Money {
    /// ISO 4217 code.
    pub currency: String,
    /// Sum of the open deal amounts in it.
    pub amount: f64,
}

/// Open opportunities: the value of the open deals on the account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Opportunities {
    /// Its weight in the score.
    pub weight: f64,
    /// `min(1, ln(1 + scored_amount/10000) / ln(101))`, in [0, 1].
    pub value: f64,
    /// `weight * value`.
    pub contribution: f64,
    /// Open deals on the account.
    pub open_deals: usize,
    /// Their value per currency, in currency order.
    pub pipeline: Vec<Money>,
    /// The value scored: USD amounts at face value, each deal in another currency as 100000.
    pub scored_amount: f64,
}

/// Touchpoint recency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recency {
    /// Its weight in the score.
    pub weight: f64,
    /// `0.5^(age_days / half_life_days)`, 0 without a touchpoint.
    pub value: f64,
    /// `weight * value`.
    pub contribution: f64,
    /// The half-life of the decay.
    pub half_life_days: f64,
    /// The latest counted touchpoint on the account at or before `as_of`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_touchpoint_at: Option<DateTime<Utc>>,
    /// Its age at `as_of`, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<f64>,
}

/// One account-fit criterion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Criterion {
    /// Its weight within account fit.
    pub weight: f64,
    /// In [0, 1]; 0.5 when unknown.
    pub value: f64,
    /// Whether both sides had the data to judge it.
    pub known: bool,
}

/// Account fit: how well the account suits the partner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fit {
    /// Its weight in the score.
    pub weight: f64,
    /// The weighted mean of the criteria, in [0, 1].
    pub value: f64,
    /// `weight * value`.
    pub contribution: f64,
    /// 1 when the account's industry is one the partner serves (any letter case), else 0.
    pub industry: Criterion,
    /// 1 when the account's region is one the partner sells in, else 0.
    pub region: Criterion,
    /// Closeness of the account's head count to `typical_customer_employees` on a log scale.
    pub size: Criterion,
    /// Median head count of the partner's customer accounts the viewer may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typical_customer_employees: Option<u32>,
}

/// The four components of a warmth score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Components {
    /// Partner relationships.
    pub relationships: Relationships,
    /// Open opportunity value.
    pub opportunities: Opportunities,
    /// Touchpoint recency.
    pub recency: Recency,
    /// Account fit.
    pub fit: Fit,
}

/// A shared target with its warmth.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Target {
    /// The account.
    pub account: Account,
    /// The warmth, in [0, 1]: the sum of the components' contributions.
    pub score: f64,
    /// The vendor's populations for it (prospect and/or opportunity).
    pub vendor_populations: Vec<Population>,
    /// The asked partner's populations for it, as the viewer may see them.
    pub partner_populations: Vec<Population>,
    /// How the score is made.
    pub components: Components,
}

impl Target {
    /// The score in millionths, the integer the ranking orders by.
    pub fn score_micros(&self) -> u32 {
        (self.score * 1e6).round() as u32
    }
}

/// Narrows the targets listed; the score never depends on it.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetFilter {
    /// Only accounts in this vendor population.
    pub vendor_population: Option<Population>,
    /// Only accounts the partner knows in this population.
    pub partner_population: Option<Population>,
    /// Only targets scoring at least this.
    pub min_score: Option<f64>,
}

/// The strongest relation in a set, by [`relation_strength`].
fn strongest(pops: impl IntoIterator<Item = Population>) -> Option<Population> {
    pops.into_iter()
        .max_by(|a, b| relation_strength(*a).total_cmp(&relation_strength(*b)))
}

/// The partner's shared targets, warmest first, as the viewer may see them, measured at `now`.
/// `None` when the partner does not exist.
pub fn targets(
    g: &EcoGraph,
    partner_id: &str,
    viewer: &Viewer,
    now: DateTime<Utc>,
    filter: &TargetFilter,
) -> Option<Vec<Target>> {
    let partner = g.partner(partner_id)?;
    let own = partner_accounts(g, partner_id);
    let typical = typical_customer_employees(g, partner, viewer, &own);
    let mut out = Vec::new();
    for (account_id, pops) in &own {
        let Some(a) = g.account(account_id.as_str()) else {
            continue;
        };
        let vendor = vendor_populations(g, a);
        if vendor.is_empty()
            || vendor.contains(&Population::Customer)
            || filter
                .vendor_population
                .is_some_and(|v| !vendor.contains(&v))
        {
            continue;
        }
        let shown: Vec<Population> = pops
            .iter()
            .copied()
            .filter(|p| visible(viewer, partner, *p, SharingLevel::Records))
            .collect();
        let Some(own_relation) = strongest(shown.iter().copied()) else {
            continue;
        };
        if filter
            .partner_population
            .is_some_and(|p| !shown.contains(&p))
        {
            continue;
        }
        let (relationships, counted) = relationships(g, partner, a, own_relation);
        let components = Components {
            relationships,
            opportunities: opportunities(g, a),
            recency: recency(g, partner, viewer, a, &counted, now),
            fit: fit(partner, a, typical),
        };
        let score = round6(
            WEIGHT_RELATIONSHIPS * components.relationships.value
                + WEIGHT_OPPORTUNITIES * components.opportunities.value
                + WEIGHT_RECENCY * components.recency.value
                + WEIGHT_FIT * components.fit.value,
        );
        if filter.min_score.is_some_and(|m| score < m) {
            continue;
        }
        out.push(Target {
            account: as_seen_by(a, viewer),
            score,
            vendor_populations: vendor.into_iter().collect(),
            partner_populations: shown,
            components: rounded(components),
        });
    }
    out.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| x.account.id.cmp(&y.account.id))
    });
    Some(out)
}

/// Relationships of an account, and the other partners counted in them.
fn relationships<'g>(
    g: &'g EcoGraph,
    partner: &Partner,
    a: &Account,
    own_relation: Population,
) -> (Relationships, BTreeSet<&'g Id>) {
    let mut others: BTreeMap<&Id, BTreeSet<Population>> = BTreeMap::new();
    for r in g.records_of_account(a.id.as_str()) {
        if *r.partner_id == partner.id {
            continue;
        }
        let Some(other) = g.partner(r.partner_id.as_str()) else {
            continue;
        };
        let in_program = matches!(
            other.status,
            PartnerStatus::Active | PartnerStatus::Onboarding
        );
        if in_program && sharing(other, r.relation) == SharingLevel::Records {
            others.entry(&other.id).or_default().insert(r.relation);
        }
    }
    let mut counts = RelationCounts::default();
    let mut strength = relation_strength(own_relation);
    for pops in others.values() {
        let Some(best) = strongest(pops.iter().copied()) else {
            continue;
        };
        strength += relation_strength(best);
        match best {
            Population::Customer => counts.customer += 1,
            Population::Opportunity => counts.opportunity += 1,
            Population::Prospect => counts.prospect += 1,
        }
    }
    let value = relationships_value(strength);
    let rel = Relationships {
        weight: WEIGHT_RELATIONSHIPS,
        value,
        contribution: WEIGHT_RELATIONSHIPS * value,
        strength,
        partner_relation: own_relation,
        other_partners: counts,
    };
    (rel, others.into_keys().collect())
}

fn opportunities(g: &EcoGraph, a: &Account) -> Opportunities {
    let mut pipeline: BTreeMap<&str, f64> = BTreeMap::new();
    let mut open_deals = 0;
    let mut scored_amount = 0.0;
    for d in g.deals_of_account(a.id.as_str()) {
        if d.deal.outcome() != DealOutcome::Open {
            continue;
        }
        open_deals += 1;
        let amount = d.deal.amount.value();
        *pipeline.entry(d.deal.currency.as_str()).or_default() += amount;
        scored_amount += if d.deal.currency == Currency::USD {
            amount
        } else {
            FOREIGN_DEAL_AMOUNT
        };
    }
    let value = opportunities_value(scored_amount);
    Opportunities {
        weight: WEIGHT_OPPORTUNITIES,
        value,
        contribution: WEIGHT_OPPORTUNITIES * value,
        open_deals,
        pipeline: pipeline
            .into_iter()
            .map(|(c, amount)| Money {
                currency: c.to_string(),
                amount,
            })
            .collect(),
        scored_amount,
    }
}

fn recency(
    g: &EcoGraph,
    partner: &Partner,
    viewer: &Viewer,
    a: &Account,
    counted: &BTreeSet<&Id>,
    now: DateTime<Utc>,
) -> Recency {
    let last = g
        .touchpoints_of(Kind::Account, a.id.as_str())
        .iter()
        .rev()
        .filter(|t| t.occurred_at <= now)
        .find(|t| {
            t.partner_id == partner.id
                || (*viewer == Viewer::Vendor && counted.contains(&t.partner_id))
        })
        .map(|t| t.occurred_at);
    let age_days = last.map(|t| (now - t).num_milliseconds() as f64 / 86_400_000.0);
    let value = recency_value(age_days);
    Recency {
        weight: WEIGHT_RECENCY,
        value,
        contribution: WEIGHT_RECENCY * value,
        half_life_days: HALF_LIFE_DAYS,
        last_touchpoint_at: last,
        age_days,
    }
}

/// The median head count of the partner's customer accounts the viewer may see, when any is known.
fn typical_customer_employees(
    g: &EcoGraph,
    partner: &Partner,
    viewer: &Viewer,
    own: &BTreeMap<Id, BTreeSet<Population>>,
) -> Option<u32> {
    if !visible(viewer, partner, Population::Customer, SharingLevel::Records) {
        return None;
    }
    let mut sizes: Vec<u32> = own
        .iter()
        .filter(|(_, pops)| pops.contains(&Population::Customer))
        .filter_map(|(id, _)| g.account(id.as_str())?.employees)
        .collect();
    if sizes.is_empty() {
        return None;
    }
    sizes.sort_unstable();
    Some(sizes[(sizes.len() - 1) / 2])
}

fn criterion(weight: f64, value: Option<f64>) -> Criterion {
    Criterion {
        weight,
        value: value.unwrap_or(FIT_UNKNOWN),
        known: value.is_some(),
    }
}

fn fit(partner: &Partner, a: &Account, typical: Option<u32>) -> Fit {
    let industry = a
        .industry
        .as_deref()
        .filter(|_| !partner.industries.is_empty())
        .map(|i| {
            let served = partner.industries.iter().any(|p| p.eq_ignore_ascii_case(i));
            if served { 1.0 } else { 0.0 }
        });
    let region = a.region.filter(|_| !partner.regions.is_empty()).map(|r| {
        if partner.regions.contains(&r) {
            1.0
        } else {
            0.0
        }
    });
    let size = a.employees.zip(typical).map(|(e, t)| size_value(e, t));
    let (industry, region, size) = (
        criterion(FIT_INDUSTRY, industry),
        criterion(FIT_REGION, region),
        criterion(FIT_SIZE, size),
    );
    let value =
        industry.weight * industry.value + region.weight * region.value + size.weight * size.value;
    Fit {
        weight: WEIGHT_FIT,
        value,
        contribution: WEIGHT_FIT * value,
        industry,
        region,
        size,
        typical_customer_employees: typical,
    }
}

/// The components with their reported numbers rounded like the score.
fn rounded(mut c: Components) -> Components {
    for (value, contribution) in [
        (
            &mut c.relationships.value,
            &mut c.relationships.contribution,
        ),
        (
            &mut c.opportunities.value,
            &mut c.opportunities.contribution,
        ),
        (&mut c.recency.value, &mut c.recency.contribution),
        (&mut c.fit.value, &mut c.fit.contribution),
    ] {
        *value = round6(*value);
        *contribution = round6(*contribution);
    }
    c.relationships.strength = round6(c.relationships.strength);
    c.recency.age_days = c.recency.age_days.map(round6);
    for cr in [&mut c.fit.industry, &mut c.fit.region, &mut c.fit.size] {
        cr.value = round6(cr.value);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Deal, PartnerRecord, Touchpoint};
    use crate::graph::Node;
    use serde_json::{Value, json};

    fn id(s: &str) -> Id {
        Id::parse("id", s).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A small ecosystem builder over the real graph.
    struct Eco(EcoGraph);

    impl Eco {
        fn new() -> Self {
            Eco(EcoGraph::new())
        }
        fn partner(&mut self, pid: &str, body: Value) -> &mut Self {
            let mut b = json!({"name": pid, "type": "SI", "regions": ["EMEA"], "industries": ["Healthcare"],
                "sharing": {"customers": "records", "prospects": "records", "opportunities": "records"}});
            b.as_object_mut()
                .unwrap()
                .extend(body.as_object().unwrap().clone());
            let p = Partner::from_input(id(pid), serde_json::from_value(b).unwrap()).unwrap();
            self.0.upsert(Node::Partner(Box::new(p)));
            self
        }
        fn account(&mut self, aid: &str, body: Value) -> &mut Self {
            let mut b = json!({"name": aid, "vendor_relation": "prospect"});
            b.as_object_mut()
                .unwrap()
                .extend(body.as_object().unwrap().clone());
            let a = Account::from_input(id(aid), serde_json::from_value(b).unwrap()).unwrap();
            self.0.upsert(Node::Account(Box::new(a)));
            self
        }
        fn knows(&mut self, pid: &str, aid: &str, relation: &str) -> &mut Self {
            let input = serde_json::from_value(
                json!({"id": format!("{pid}-{aid}-{relation}"), "relation": relation, "name": aid}),
            )
            .unwrap();
            self.0
                .upsert_record(PartnerRecord::from_input(id(pid), id(aid), input).unwrap());
            self
        }
        fn deal(&mut self, did: &str, aid: &str, amount: f64, currency: &str) -> &mut Self {
            let input = serde_json::from_value(json!({"account_id": aid, "amount": amount,
                "currency": currency, "stage": "proposal", "created_on": "2025-01-01"}))
            .unwrap();
            self.0.upsert(Node::Deal(Box::new(
                Deal::from_input(id(did), input).unwrap(),
            )));
            self
        }
        fn touch(&mut self, tid: &str, pid: &str, aid: &str, when: &str) -> &mut Self {
            let input = serde_json::from_value(json!({"partner_id": pid, "account_id": aid,
                "kind": "demo", "occurred_at": when}))
            .unwrap();
            self.0.upsert(Node::Touchpoint(Box::new(
                Touchpoint::from_input(id(tid), input).unwrap(),
            )));
            self
        }
        fn ranked(&self, partner: &str, viewer: &Viewer) -> Vec<Target> {
            targets(
                &self.0,
                partner,
                viewer,
                at("2025-07-01T00:00:00Z"),
                &TargetFilter::default(),
            )
            .unwrap()
        }
        fn order(&self, partner: &str) -> Vec<String> {
            self.ranked(partner, &Viewer::Vendor)
                .iter()
                .map(|t| t.account.id.to_string())
                .collect()
        }
    }

    #[test]
    fn stronger_relations_warm_more_and_each_extra_partner_adds_less() {
        assert!(
            relation_strength(Population::Customer) > relation_strength(Population::Opportunity)
        );
        assert!(
            relation_strength(Population::Opportunity) > relation_strength(Population::Prospect)
        );
        let (one, two, three) = (
            relationships_value(1.0),
            relationships_value(2.0),
            relationships_value(3.0),
        );
        assert_eq!((one, two, three), (0.5, 0.75, 0.875));
        assert!(two - one > three - two);
        assert!(relationships_value(50.0) <= 1.0);
    }

    #[test]
    fn pipeline_value_is_logarithmic_and_saturates() {
        assert_eq!(opportunities_value(0.0), 0.0);
        assert!(opportunities_value(50_000.0) > opportunities_value(20_000.0));
        // Doubling adds about the same at any size once well above the unit.
        let step = |v: f64| opportunities_value(2.0 * v) - opportunities_value(v);
        assert!((step(100_000.0) - step(200_000.0)).abs() < 0.02);
        assert_eq!(opportunities_value(PIPELINE_CAP), 1.0);
        assert_eq!(opportunities_value(1e12), 1.0);
    }

    #[test]
    fn recency_halves_every_half_life() {
        assert_eq!(recency_value(None), 0.0);
        assert_eq!(recency_value(Some(0.0)), 1.0);
        assert!((recency_value(Some(90.0)) - 0.5).abs() < 1e-12);
        assert!((recency_value(Some(180.0)) - 0.25).abs() < 1e-12);
        assert!(recency_value(Some(10.0)) > recency_value(Some(11.0)));
    }

    #[test]
    fn size_fit_is_symmetric_on_a_log_scale() {
        assert_eq!(size_value(500, 500), 1.0);
        assert!((size_value(5_000, 500) - 0.5).abs() < 1e-12);
        assert!((size_value(50, 500) - 0.5).abs() < 1e-12);
        assert_eq!(size_value(50_000, 500), 0.0);
        assert_eq!(size_value(0, 1_000_000), 0.0);
    }

    #[test]
    fn each_component_alone_decides_the_order() {
        let mut e = Eco::new();
        e.partner("P-1", json!({})).partner("P-2", json!({}));
        // Relationships: A-2 is also a customer of P-2.
        e.account("A-1", json!({})).account("A-2", json!({}));
        e.knows("P-1", "A-1", "prospect")
            .knows("P-1", "A-2", "prospect");
        e.knows("P-2", "A-2", "customer");
        assert_eq!(e.order("P-1"), ["A-2", "A-1"]);
        // Open pipeline: A-1 gets a bigger deal than A-2 has relationships for.
        e.deal("D-1", "A-1", 900_000.0, "USD");
        assert_eq!(e.order("P-1"), ["A-1", "A-2"]);

        let mut e = Eco::new();
        e.partner("P-1", json!({}));
        e.account("A-1", json!({})).account("A-2", json!({}));
        e.knows("P-1", "A-1", "prospect")
            .knows("P-1", "A-2", "prospect");
        e.touch("T-1", "P-1", "A-1", "2025-01-01T00:00:00Z");
        e.touch("T-2", "P-1", "A-2", "2025-06-01T00:00:00Z");
        assert_eq!(
            e.order("P-1"),
            ["A-2", "A-1"],
            "the more recent touchpoint wins"
        );

        let mut e = Eco::new();
        e.partner("P-1", json!({}));
        e.account("A-1", json!({"industry": "Retail", "region": "EMEA"}));
        e.account("A-2", json!({"industry": "healthcare", "region": "EMEA"}));
        e.knows("P-1", "A-1", "prospect")
            .knows("P-1", "A-2", "prospect");
        let r = e.ranked("P-1", &Viewer::Vendor);
        assert_eq!(r[0].account.id.as_str(), "A-2", "industry served wins");
        assert_eq!(r[0].components.fit.industry.value, 1.0);
        assert_eq!(r[1].components.fit.industry.value, 0.0);
        assert!(r[1].components.fit.size.value == FIT_UNKNOWN && !r[1].components.fit.size.known);
    }

    #[test]
    fn the_score_is_the_sum_of_weighted_components_and_ties_go_by_account_id() {
        assert!(
            (WEIGHT_RELATIONSHIPS + WEIGHT_OPPORTUNITIES + WEIGHT_RECENCY + WEIGHT_FIT - 1.0).abs()
                < 1e-12
        );
        let mut e = Eco::new();
        e.partner("P-1", json!({}));
        for a in ["A-3", "A-1", "A-2"] {
            e.account(
                a,
                json!({"industry": "Healthcare", "region": "EMEA", "employees": 100}),
            );
            e.knows("P-1", a, "customer");
        }
        e.deal("D-1", "A-1", 1e14, "USD");
        e.touch("T-1", "P-1", "A-1", "2025-07-01T00:00:00Z");
        let r = e.ranked("P-1", &Viewer::Vendor);
        let t = &r[0];
        let c = &t.components;
        let sum = c.relationships.contribution
            + c.opportunities.contribution
            + c.recency.contribution
            + c.fit.contribution;
        assert!((t.score - sum).abs() < 1e-5, "{} vs {sum}", t.score);
        // A-1 has everything that can be had but another partner's relationships.
        assert_eq!(c.opportunities.value, 1.0);
        assert_eq!(c.recency.value, 1.0);
        assert_eq!(c.fit.value, 1.0);
        assert_eq!(c.relationships.value, 0.5);
        assert!((t.score - (1.0 - 0.35 * 0.5)).abs() < 1e-9);
        // A vendor prospect with an open deal is in both target populations.
        assert_eq!(
            t.vendor_populations,
            [Population::Prospect, Population::Opportunity]
        );
        let rest: Vec<&str> = r[1..].iter().map(|t| t.account.id.as_str()).collect();
        assert_eq!(rest, ["A-2", "A-3"]);
        assert_eq!(r[1].score, r[2].score);
    }

    #[test]
    fn foreign_currency_deals_count_as_a_typical_deal_not_their_face_value() {
        let mut e = Eco::new();
        e.partner("P-1", json!({}));
        e.account("A-1", json!({})).account("A-2", json!({}));
        e.knows("P-1", "A-1", "prospect")
            .knows("P-1", "A-2", "prospect");
        e.deal("D-1", "A-1", 50_000_000.0, "JPY");
        e.deal("D-2", "A-2", 150_000.0, "USD");
        e.deal("D-3", "A-2", 20_000.0, "EUR");
        let r = e.ranked("P-1", &Viewer::Vendor);
        let o = |aid: &str| {
            r.iter()
                .find(|t| t.account.id.as_str() == aid)
                .unwrap()
                .components
                .opportunities
                .clone()
        };
        assert_eq!(o("A-1").scored_amount, FOREIGN_DEAL_AMOUNT);
        assert_eq!(o("A-2").scored_amount, 150_000.0 + FOREIGN_DEAL_AMOUNT);
        assert_eq!(o("A-2").open_deals, 2);
        let pipeline: Vec<(String, f64)> = o("A-2")
            .pipeline
            .into_iter()
            .map(|m| (m.currency, m.amount))
            .collect();
        assert_eq!(
            pipeline,
            [("EUR".into(), 20_000.0), ("USD".into(), 150_000.0)]
        );
        assert!(o("A-1").value < 1.0, "50M yen is not a saturated pipeline");
    }

    #[test]
    fn vendor_customers_and_hidden_populations_are_not_targets() {
        let mut e = Eco::new();
        e.partner(
            "P-1",
            json!({"sharing": {"customers": "records", "prospects": "counts", "opportunities": "hidden"}}),
        );
        e.account("A-1", json!({"vendor_relation": "customer"}));
        e.account("A-2", json!({}));
        e.account("A-3", json!({}));
        e.account("A-4", json!({}));
        e.account("A-5", json!({"vendor_relation": null}));
        e.knows("P-1", "A-1", "customer");
        e.knows("P-1", "A-2", "customer");
        e.knows("P-1", "A-3", "prospect");
        e.knows("P-1", "A-4", "opportunity");
        e.knows("P-1", "A-4", "customer");
        e.knows("P-1", "A-5", "customer");
        let seen: Vec<String> = e.order("P-1");
        assert_eq!(
            seen,
            ["A-2", "A-4"],
            "A-1 is a customer, A-3/A-5 hidden or no target"
        );
        let r = e.ranked("P-1", &Viewer::Vendor);
        let a4 = r.iter().find(|t| t.account.id.as_str() == "A-4").unwrap();
        assert_eq!(a4.partner_populations, [Population::Customer]);
        // The partner itself sees its own prospects and opportunities.
        let own = e.ranked("P-1", &Viewer::Partner(id("P-1")));
        let ids: Vec<&str> = own.iter().map(|t| t.account.id.as_str()).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.contains(&"A-3"));
    }

    #[test]
    fn other_partners_count_only_when_sharing_records_and_in_the_program() {
        let mut e = Eco::new();
        e.partner("P-1", json!({}));
        e.partner("P-2", json!({}));
        e.partner("P-3", json!({"sharing": {"customers": "counts", "prospects": "records", "opportunities": "records"}}));
        e.partner("P-4", json!({"status": "applicant"}));
        e.account("A-1", json!({}));
        e.knows("P-1", "A-1", "prospect");
        e.knows("P-2", "A-1", "opportunity");
        e.knows("P-2", "A-1", "prospect");
        e.knows("P-3", "A-1", "customer");
        e.knows("P-4", "A-1", "customer");
        e.touch("T-1", "P-2", "A-1", "2025-06-01T00:00:00Z");
        e.touch("T-2", "P-3", "A-1", "2025-06-30T00:00:00Z");
        let vendor = &e.ranked("P-1", &Viewer::Vendor)[0].components;
        assert_eq!(
            vendor.relationships.other_partners,
            RelationCounts {
                customer: 0,
                opportunity: 1,
                prospect: 0
            },
            "P-3 shares customers as counts only, P-4 is not in the program"
        );
        assert!((vendor.relationships.strength - 0.9).abs() < 1e-9);
        assert_eq!(
            vendor.recency.last_touchpoint_at,
            Some(at("2025-06-01T00:00:00Z")),
            "only the counted partner's touchpoint"
        );
        let partner = &e.ranked("P-1", &Viewer::Partner(id("P-1")))[0].components;
        assert_eq!(partner.relationships.other_partners.opportunity, 1);
        assert_eq!(
            partner.recency.last_touchpoint_at, None,
            "a partner's recency is its own touchpoints"
        );
        let owned = Account {
            owner: Some(crate::domain::AccountOwner::Partner {
                partner_id: id("P-2"),
            }),
            ..e.0.account("A-1").unwrap().clone()
        };
        e.0.upsert(Node::Account(Box::new(owned)));
        assert!(e.ranked("P-1", &Viewer::Vendor)[0].account.owner.is_some());
        let text = serde_json::to_string(&e.ranked("P-1", &Viewer::Partner(id("P-1")))).unwrap();
        assert!(!text.contains("P-2") && !text.contains("P-3"), "{text}");
    }

    #[test]
    fn touchpoints_after_as_of_do_not_count_and_filters_do_not_change_scores() {
        let mut e = Eco::new();
        e.partner("P-1", json!({}));
        e.account("A-1", json!({})).account("A-2", json!({}));
        e.knows("P-1", "A-1", "prospect")
            .knows("P-1", "A-2", "opportunity");
        e.deal("D-1", "A-2", 10_000.0, "USD");
        e.touch("T-1", "P-1", "A-1", "2025-04-02T00:00:00Z");
        e.touch("T-2", "P-1", "A-1", "2025-08-01T00:00:00Z");
        let r = e.ranked("P-1", &Viewer::Vendor);
        let a1 = r.iter().find(|t| t.account.id.as_str() == "A-1").unwrap();
        assert_eq!(a1.components.recency.age_days, Some(90.0));
        assert_eq!(a1.components.recency.value, 0.5);
        let only = |f: TargetFilter| {
            targets(&e.0, "P-1", &Viewer::Vendor, at("2025-07-01T00:00:00Z"), &f).unwrap()
        };
        let opp = only(TargetFilter {
            vendor_population: Some(Population::Opportunity),
            ..Default::default()
        });
        assert_eq!(opp.len(), 1);
        assert_eq!(opp[0].account.id.as_str(), "A-2");
        let a2 = r.iter().find(|t| t.account.id.as_str() == "A-2").unwrap();
        assert_eq!(opp[0].score, a2.score);
        let hot = only(TargetFilter {
            min_score: Some(a1.score.max(a2.score)),
            ..Default::default()
        });
        assert_eq!(hot.len(), 1);
        assert_eq!(
            only(TargetFilter {
                partner_population: Some(Population::Customer),
                ..Default::default()
            })
            .len(),
            0
        );
        assert!(
            targets(
                &e.0,
                "P-404",
                &Viewer::Vendor,
                Utc::now(),
                &TargetFilter::default()
            )
            .is_none()
        );
    }
}
