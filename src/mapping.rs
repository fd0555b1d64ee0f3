//! Account mapping: where the vendor's accounts and a partner's account list overlap, by population,
//! and which other partners know the same accounts, with every partner's sharing settings honoured.
//!
//! Populations: the vendor's side comes from the account (`vendor_relation`, and any open deal counts
//! as an open opportunity); a partner's side comes from the relation of its records. Counts are of
//! distinct accounts, so they are the same whichever side asks.
//!
//! Shared targets ranked by warmth are in [`warmth`].

use crate::domain::{Account, Id, Partner, Population, SharingLevel};
use crate::graph::EcoGraph;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

pub mod warmth;

pub use warmth::{Target, TargetFilter, targets};

/// Who is asking, which decides what other partners' data may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// The vendor (PRM, admins, deal desk): sees what each partner shares.
    Vendor,
    /// A partner looking at its own list: never sees another partner's records.
    Partner(Id),
}

/// The populations of an account on the vendor's side.
pub fn vendor_populations(g: &EcoGraph, a: &Account) -> BTreeSet<Population> {
    let mut p = BTreeSet::new();
    if let Some(r) = a.vendor_relation {
        p.insert(r);
    }
    if g.deals_of_account(a.id.as_str())
        .iter()
        .any(|d| d.deal.outcome() == crate::domain::DealOutcome::Open)
    {
        p.insert(Population::Opportunity);
    }
    p
}

/// A partner's sharing level for one of its populations.
pub fn sharing(p: &Partner, pop: Population) -> SharingLevel {
    match pop {
        Population::Customer => p.sharing.customers,
        Population::Prospect => p.sharing.prospects,
        Population::Opportunity => p.sharing.opportunities,
    }
}

/// One cell of the overlap matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cell {
    /// The vendor's population.
    pub vendor: Population,
    /// The partner's population.
    pub partner: Population,
    /// Distinct accounts in both; absent when the partner hides this population from the viewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<usize>,
    /// What the partner shares of this population.
    pub sharing: SharingLevel,
}

/// The 3x3 overlap matrix between the vendor and one partner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Matrix {
    /// The partner.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// Nine cells, vendor population major.
    pub cells: Vec<Cell>,
    /// Distinct accounts the partner's list shares with any vendor population (hidden populations excluded).
    pub overlapping_accounts: usize,
}

/// How a partner knows an overlapping account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Knower {
    /// The partner.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// Its populations for the account.
    pub relations: Vec<Population>,
}

/// An account in the overlap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overlap {
    /// The account.
    pub account: Account,
    /// The vendor's populations for it.
    pub vendor_populations: Vec<Population>,
    /// The asked partner's populations for it.
    pub partner_populations: Vec<Population>,
    /// Other partners that know it (as their sharing allows; never shown to a partner viewer).
    pub other_partners: Vec<Knower>,
    /// Value of the account's open deals.
    pub open_pipeline: f64,
    /// The latest touchpoint on the account by any partner the viewer may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_touchpoint_at: Option<DateTime<Utc>>,
}

fn visible(viewer: &Viewer, p: &Partner, pop: Population, need: SharingLevel) -> bool {
    match viewer {
        Viewer::Partner(me) => *me == p.id,
        Viewer::Vendor => sharing(p, pop) >= need,
    }
}

/// The account as the viewer may see it: a partner viewer is not told which other partner owns it.
pub(crate) fn as_seen_by(a: &Account, viewer: &Viewer) -> Account {
    let mut a = a.clone();
    if let Viewer::Partner(me) = viewer
        && a.owner_partner().is_some_and(|owner| owner != me)
    {
        a.owner = None;
    }
    a
}

/// The partner's populations per account it knows.
fn partner_accounts(g: &EcoGraph, partner_id: &str) -> BTreeMap<Id, BTreeSet<Population>> {
    let mut m: BTreeMap<Id, BTreeSet<Population>> = BTreeMap::new();
    for r in g.records_of_partner(partner_id) {
        m.entry(r.account_id.clone())
            .or_default()
            .insert(r.relation);
    }
    m
}

/// The overlap matrix of a partner, as the viewer may see it. `None` when the partner does not exist.
pub fn matrix(g: &EcoGraph, partner_id: &str, viewer: &Viewer) -> Option<Matrix> {
    let partner = g.partner(partner_id)?;
    let mut counts: BTreeMap<(Population, Population), usize> = BTreeMap::new();
    let mut any = BTreeSet::new();
    for (account_id, pops) in partner_accounts(g, partner_id) {
        let Some(a) = g.account(account_id.as_str()) else {
            continue;
        };
        let vendor = vendor_populations(g, a);
        for v in &vendor {
            for p in &pops {
                *counts.entry((*v, *p)).or_default() += 1;
                if visible(viewer, partner, *p, SharingLevel::Counts) {
                    any.insert(account_id.clone());
                }
            }
        }
    }
    let cells = Population::ALL
        .iter()
        .flat_map(|v| Population::ALL.iter().map(move |p| (*v, *p)))
        .map(|(v, p)| Cell {
            vendor: v,
            partner: p,
            accounts: visible(viewer, partner, p, SharingLevel::Counts)
                .then(|| counts.get(&(v, p)).copied().unwrap_or(0)),
            sharing: sharing(partner, p),
        })
        .collect();
    Some(Matrix {
        partner_id: partner.id.clone(),
        cells,
        overlapping_accounts: any.len(),
    })
}

/// The accounts where the vendor and a partner overlap, in account-id order, optionally narrowed to
/// one population on each side. Only populations the partner shares as records (or the partner's
/// own, for a partner viewer) are listed. `None` when the partner does not exist.
pub fn overlaps(
    g: &EcoGraph,
    partner_id: &str,
    viewer: &Viewer,
    vendor_pop: Option<Population>,
    partner_pop: Option<Population>,
) -> Option<Vec<Overlap>> {
    let partner = g.partner(partner_id)?;
    let mut out = Vec::new();
    for (account_id, pops) in partner_accounts(g, partner_id) {
        let Some(a) = g.account(account_id.as_str()) else {
            continue;
        };
        let vendor = vendor_populations(g, a);
        let shown: Vec<Population> = pops
            .iter()
            .copied()
            .filter(|p| visible(viewer, partner, *p, SharingLevel::Records))
            .filter(|p| partner_pop.is_none_or(|want| want == *p))
            .collect();
        if vendor.is_empty() || shown.is_empty() || vendor_pop.is_some_and(|v| !vendor.contains(&v))
        {
            continue;
        }
        let mut other_partners = Vec::new();
        let mut seen_partners: BTreeSet<&Id> = BTreeSet::new();
        if *viewer == Viewer::Vendor {
            let records = g.records_of_account(account_id.as_str());
            for other in g.partners_of_account(account_id.as_str()) {
                if other.id == partner.id {
                    continue;
                }
                let rels: BTreeSet<Population> = records
                    .iter()
                    .filter(|r| {
                        r.partner_id == &other.id
                            && sharing(other, r.relation) == SharingLevel::Records
                    })
                    .map(|r| r.relation)
                    .collect();
                if !rels.is_empty() {
                    seen_partners.insert(&other.id);
                    other_partners.push(Knower {
                        partner_id: other.id.clone(),
                        relations: rels.into_iter().collect(),
                    });
                }
            }
        }
        let open_pipeline = g
            .deals_of_account(account_id.as_str())
            .iter()
            .filter(|d| d.deal.outcome() == crate::domain::DealOutcome::Open)
            .map(|d| d.deal.amount.value())
            .fold(0.0, |sum, v| sum + v);
        let last_touchpoint_at = g
            .touchpoints_of(crate::domain::Kind::Account, account_id.as_str())
            .iter()
            .rev()
            .find(|t| t.partner_id == partner.id || seen_partners.contains(&t.partner_id))
            .map(|t| t.occurred_at);
        out.push(Overlap {
            account: as_seen_by(a, viewer),
            vendor_populations: vendor.into_iter().collect(),
            partner_populations: shown,
            other_partners,
            open_pipeline,
            last_touchpoint_at,
        });
    }
    Some(out)
}

/// Accounts a partner shares with each other partner, for co-selling.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerOverlap {
    /// The other partner.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// Its name.
    #[schema(value_type = String)]
    pub name: String,
    /// Distinct accounts both lists hold (counting only what the other partner shares).
    pub shared_accounts: usize,
}

/// Other partners whose lists overlap this partner's, most shared accounts first. A partner viewer
/// sees counts only where the other partner shares at least counts.
pub fn partner_overlaps(g: &EcoGraph, partner_id: &str) -> Option<Vec<PartnerOverlap>> {
    g.partner(partner_id)?;
    let mine = partner_accounts(g, partner_id);
    let mut shared: BTreeMap<Id, BTreeSet<Id>> = BTreeMap::new();
    for account_id in mine.keys() {
        let records = g.records_of_account(account_id.as_str());
        for other in g.partners_of_account(account_id.as_str()) {
            if other.id.as_str() == partner_id {
                continue;
            }
            let shares = records.iter().any(|r| {
                r.partner_id == &other.id && sharing(other, r.relation) >= SharingLevel::Counts
            });
            if shares {
                shared
                    .entry(other.id.clone())
                    .or_default()
                    .insert(account_id.clone());
            }
        }
    }
    let mut out: Vec<PartnerOverlap> = shared
        .into_iter()
        .filter_map(|(id, accts)| {
            g.partner(id.as_str()).map(|p| PartnerOverlap {
                partner_id: id,
                name: p.name.as_str().to_string(),
                shared_accounts: accts.len(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.shared_accounts
            .cmp(&a.shared_accounts)
            .then(a.partner_id.cmp(&b.partner_id))
    });
    Some(out)
}
