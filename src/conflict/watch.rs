//! The watchlist: open pipeline scanned for conflicts that have not happened yet — accounts where
//! several partners are active, and for each active partner that has not registered, how likely a
//! registration by it would end in a dispute.

use super::{Assessment, Engine};
use crate::domain::{CompactProducts, DealOutcome, Id, Kind};
use crate::features::conflict::Subject;
use crate::graph::{EcoGraph, Node};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

/// At most this many partners are considered on one account, the most active first, so that a
/// crowded account costs a bounded number of assessments.
pub const MAX_PARTNERS_PER_ACCOUNT: usize = 8;

/// A predicted conflict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Predicted {
    /// The account.
    pub account_id: String,
    /// The partner whose registration would likely be disputed.
    pub partner_id: String,
    /// Products of the account's open opportunities (what it would register).
    pub products: Vec<String>,
    /// Partners active on the account.
    pub active_partners: usize,
    /// The assessment of a registration by that partner now.
    pub assessment: Assessment,
}

/// Accounts scanned per lending of the graph in [`scan_locked`], on both cores.
const CHUNK: usize = 128;
/// How long a paced scan holds the graph's read lock at a time (on one core; it ends after the
/// account under way, at most [`MAX_PARTNERS_PER_ACCOUNT`] assessments). A writer waits at most
/// about this long for it, and the lock is held a quarter of the time, so a write's wait is
/// bounded by this, not by what a chunk of accounts happens to hold.
const PACED_HOLD: std::time::Duration = std::time::Duration::from_millis(1);

/// Every predicted conflict at `now` with probability at least `min`, most likely first.
pub fn scan(g: &EcoGraph, engine: &Engine, now: DateTime<Utc>, min: f64) -> Vec<Predicted> {
    scan_by(&|f| f(g), engine, now, min)
}

/// [`scan`] of a shared graph, a chunk of accounts per read lock, so that writers wait for one
/// chunk (milliseconds) rather than the whole scan (a minute at a million accounts). `paced`
/// scans on one core, holds the lock at most about [`PACED_HOLD`] at a time and rests three
/// times as long between ([`crate::graph::lend_paced`]), for scans no one is waiting for.
pub fn scan_locked(
    graph: &parking_lot::RwLock<EcoGraph>,
    engine: &Engine,
    now: DateTime<Utc>,
    min: f64,
    paced: bool,
) -> Vec<Predicted> {
    if !paced {
        return scan_by(&|f| f(&graph.read()), engine, now, min);
    }
    let mut out: Vec<Predicted> = Vec::new();
    let mut after: Option<String> = None;
    let mut done = false;
    while !done {
        crate::graph::lend_paced(graph, &mut |g| {
            let started = std::time::Instant::now();
            while started.elapsed() < PACED_HOLD {
                let mut account = None;
                let next = g.visit_chunk(Kind::Account, after.as_deref(), 1, |n| {
                    if let Node::Account(a) = n {
                        account = Some(&a.id);
                    }
                });
                if let Some(a) = account {
                    out.extend(predict(g, engine, now, min, a));
                }
                match next {
                    Some(a) => after = Some(a),
                    None => {
                        done = true;
                        return;
                    }
                }
            }
        });
    }
    ranked(out)
}

fn scan_by(
    read: &crate::graph::Lend<'_>,
    engine: &Engine,
    now: DateTime<Utc>,
    min: f64,
) -> Vec<Predicted> {
    let mut out: Vec<Predicted> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut next = None;
        read(&mut |g| {
            let mut accounts: Vec<&Id> = Vec::with_capacity(CHUNK);
            next = g.visit_chunk(Kind::Account, after.as_deref(), CHUNK, |n| {
                if let Node::Account(a) = n {
                    accounts.push(&a.id);
                }
            });
            out.extend(
                accounts
                    .par_iter()
                    .flat_map_iter(|a| predict(g, engine, now, min, a))
                    .collect::<Vec<_>>(),
            );
        });
        match next {
            Some(a) => after = Some(a),
            None => break,
        }
    }
    ranked(out)
}

/// Predictions most likely first (ties in account, then partner order).
fn ranked(mut out: Vec<Predicted>) -> Vec<Predicted> {
    out.sort_by(|a, b| {
        b.assessment
            .probability
            .total_cmp(&a.assessment.probability)
            .then(a.account_id.cmp(&b.account_id))
            .then(a.partner_id.cmp(&b.partner_id))
    });
    out
}

/// The predictions on one account.
fn predict(
    g: &EcoGraph,
    engine: &Engine,
    now: DateTime<Utc>,
    min: f64,
    account: &Id,
) -> Vec<Predicted> {
    let w = engine.rules.windows();
    // Partners active on the account: recent touchpoints, or in an open deal.
    let mut active: Vec<(Id, usize)> = Vec::new();
    let mut bump = |p: &Id| match active.iter_mut().find(|(q, _)| q == p) {
        Some(e) => e.1 += 1,
        None => active.push((p.clone(), 1)),
    };
    for t in g.touchpoints_of(Kind::Account, account.as_str()) {
        if t.occurred_at < now && now - t.occurred_at <= w.activity {
            bump(&t.partner_id);
        }
    }
    let mut products: Vec<String> = Vec::new();
    for v in g.deals_of_account(account.as_str()) {
        if v.deal.outcome() != DealOutcome::Open {
            continue;
        }
        for (p, _) in &v.partners {
            bump(&p.id);
        }
        for p in v.deal.products.iter() {
            if !products.iter().any(|q| q.eq_ignore_ascii_case(p)) {
                products.push(p.to_string());
            }
        }
    }
    if active.len() < 2 {
        return Vec::new();
    }
    active.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    active.truncate(MAX_PARTNERS_PER_ACCOUNT);
    let registered: Vec<&Id> = g
        .registrations_of_account(account.as_str())
        .into_iter()
        .filter(|r| r.status.is_live())
        .map(|r| &r.claim.partner_id)
        .collect();
    let claimed: CompactProducts = products.iter().map(|p| p.as_str().into()).collect();
    let n_active = active.len();
    active
        .into_iter()
        .filter(|(p, _)| !registered.contains(&p))
        .filter_map(|(p, _)| {
            let s = Subject {
                id: None,
                partner_id: &p,
                account_id: account,
                deal_id: None,
                products: &claimed,
                amount: None,
                co_partners: 0,
                at: now,
            };
            let a = engine.assess(g, &s);
            (a.probability >= min).then(|| Predicted {
                account_id: account.to_string(),
                partner_id: p.to_string(),
                products: products.clone(),
                active_partners: n_active,
                assessment: a,
            })
        })
        .collect()
}
