//! Learning and measuring partner recommendations on what the store holds, split in time.
//!
//! The model is fitted on the deals of one window with features from a snapshot taken at the
//! window's start, and measured on the deals of the next window with a snapshot taken at its start,
//! so no feature ever sees the deals it is asked to predict. Queries are of two shapes: an account
//! (which partners join its next deals) and a deal (given its first partner, which others join).

use super::recommend::{Bounds, Candidate, Context, FEATURES, Ranker, candidates, rank};
use super::snapshot::Snapshot;
use crate::domain::{Kind, PartnerRole};
use crate::graph::{EcoGraph, Node};
use crate::learn::{FitError, Logistic, ndcg_at, recall_at};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Negatives kept per training query: an even pseudo-random sample of its other candidates.
///
/// Not the hardest ones: keeping only the candidates most like a positive (strongest links, then
/// highest diffusion) taught the model that a deal on the account argues against a partner (its
/// weight came out negative), since among those candidates the ones with deals had not joined. That
/// held on ecograph's generator, where lists bring most joiners, and failed on altworld, where 58%
/// of joins repeat an earlier deal on the account (benches/peers/README.md). A random sample
/// shows the model the candidates a request ranks, and beat the 24 hardest on the development sets
/// of both generators (models/intel.md).
pub const NEGATIVES_PER_QUERY: usize = 48;
/// Queries of each shape read by one training or evaluation run, evenly spread over the window.
pub const MAX_QUERIES: usize = 6000;
/// The cut-off at which recommendations are judged.
pub const K: usize = 10;

/// One question with its answer.
#[derive(Debug, Clone)]
pub struct Query {
    /// What is asked.
    pub ctx: Context,
    /// The partners that did join.
    pub truth: Vec<u32>,
}

/// The day after the latest dated event in the graph (a deal's creation or a touchpoint).
pub fn horizon(g: &EcoGraph) -> Option<NaiveDate> {
    let deals = g.iter_indexed(Kind::Deal).filter_map(|(_, n)| match n {
        Node::Deal(d) => Some(d.created_on),
        _ => None,
    });
    let touches = g
        .iter_indexed(Kind::Touchpoint)
        .filter_map(|(_, n)| match n {
            Node::Touchpoint(t) => Some(t.occurred_at.date_naive()),
            _ => None,
        });
    deals.chain(touches).max().and_then(|d| d.succ_opt())
}

fn spread<T>(mut v: Vec<T>, max: usize) -> Vec<T> {
    if v.len() <= max {
        return v;
    }
    let step = v.len() as f64 / max as f64;
    let keep: Vec<usize> = (0..max).map(|i| (i as f64 * step) as usize).collect();
    let mut out = Vec::with_capacity(max);
    for (i, x) in v.drain(..).enumerate() {
        if keep.binary_search(&i).is_ok() {
            out.push(x);
        }
    }
    out
}

/// The queries of deals created in `[from, to)`, indexed in `s`: one per account with partners in
/// those deals, one per deal with two or more partners (its sourcing partner, else its first, is
/// on the deal; the roles the others hold are open). At most `max` of each shape.
pub fn queries(
    g: &EcoGraph,
    s: &Snapshot,
    from: NaiveDate,
    to: NaiveDate,
    max: usize,
) -> (Vec<Query>, Vec<Query>) {
    let mut by_account: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut deals = Vec::new();
    for (_, n) in g.iter_indexed(Kind::Deal) {
        let Node::Deal(d) = n else { continue };
        if d.created_on < from || d.created_on >= to || d.partners.is_empty() {
            continue;
        }
        let Some(a) = s.account(d.account_id.as_str()) else {
            continue;
        };
        let ps: Vec<(u32, PartnerRole)> = d
            .partners
            .iter()
            .filter_map(|x| Some((s.partner(x.partner_id.as_str())?, x.role)))
            .collect();
        let truth = by_account.entry(a).or_default();
        for (p, _) in &ps {
            if !truth.contains(p) {
                truth.push(*p);
            }
        }
        if ps.len() >= 2 {
            let first = ps
                .iter()
                .position(|(_, r)| *r == PartnerRole::Sourcing)
                .unwrap_or(0);
            let mut open: Vec<PartnerRole> = ps.iter().map(|(_, r)| *r).collect();
            open.remove(first);
            open.sort();
            open.dedup();
            let truth: Vec<u32> = ps
                .iter()
                .enumerate()
                .filter(|(i, (p, _))| *i != first && *p != ps[first].0)
                .map(|(_, (p, _))| *p)
                .collect();
            deals.push(Query {
                ctx: Context {
                    account: a,
                    on_deal: vec![ps[first].0],
                    open_roles: Some(open),
                },
                truth,
            });
        }
    }
    let accounts: Vec<Query> = by_account
        .into_iter()
        .map(|(a, truth)| Query {
            ctx: Context {
                account: a,
                on_deal: Vec::new(),
                open_roles: None,
            },
            truth,
        })
        .collect();
    (spread(accounts, max), spread(deals, max))
}

/// A stable pseudo-random key of a candidate within a query (splitmix64 of account, first partner
/// on the deal and candidate), so the sample of negatives is the same on every run.
fn sample_key(q: &Query, p: u32) -> u64 {
    let mut z = (u64::from(q.ctx.account) << 32)
        ^ u64::from(p)
        ^ (u64::from(q.ctx.on_deal.first().copied().unwrap_or(u32::MAX)) << 16);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Training rows of one query: its positives and a pseudo-random sample of its negatives.
fn rows_of(q: &Query, c: Vec<Candidate>, out: &mut Vec<(Vec<f64>, bool)>) {
    let (pos, mut neg): (Vec<Candidate>, Vec<Candidate>) =
        c.into_iter().partition(|c| q.truth.contains(&c.partner));
    neg.sort_by_key(|c| (sample_key(q, c.partner), c.partner));
    neg.truncate(NEGATIVES_PER_QUERY);
    out.extend(pos.into_iter().map(|c| (c.x.to_vec(), true)));
    out.extend(neg.into_iter().map(|c| (c.x.to_vec(), false)));
}

/// The training rows of the deals of `[from, to)` with features as of `from`.
pub fn training_rows(g: &EcoGraph, from: NaiveDate, to: NaiveDate) -> Vec<(Vec<f64>, bool)> {
    let s = Snapshot::build(g, Some(from));
    let b = Bounds::default();
    let (acc, deals) = queries(g, &s, from, to, MAX_QUERIES);
    let mut rows = Vec::new();
    for q in acc.iter().chain(&deals) {
        rows_of(q, candidates(&s, &q.ctx, &b), &mut rows);
    }
    rows
}

/// Fits the ranking model on training rows (of one store or several).
pub fn fit_rows(rows: Vec<(Vec<f64>, bool)>) -> Result<(Logistic, usize), FitError> {
    let (x, y): (Vec<Vec<f64>>, Vec<bool>) = rows.into_iter().unzip();
    let n = x.len();
    Logistic::fit(&FEATURES, &x, &y, 1.0, 300).map(|m| (m, n))
}

/// Fits the ranking model on the deals of `[from, to)` with features as of `from`.
pub fn fit(g: &EcoGraph, from: NaiveDate, to: NaiveDate) -> Result<(Logistic, usize), FitError> {
    fit_rows(training_rows(g, from, to))
}

/// Recall and NDCG at [`K`] of one ranker over a set of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RankScore {
    /// Mean recall at K.
    pub recall: f64,
    /// Mean NDCG at K.
    pub ndcg: f64,
}

/// How every ranker did on one query shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShapeReport {
    /// Queries measured.
    pub queries: usize,
    /// Share of the true partners among the candidates at all (the ceiling of recall).
    pub candidate_recall: f64,
    /// The learned model.
    pub model: RankScore,
    /// The model served before this training run (a stored version or the committed default),
    /// on the same queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<RankScore>,
    /// Diffusion alone (plain resource allocation).
    pub resource_allocation: RankScore,
    /// The most active partners overall.
    pub popularity: RankScore,
    /// The most active partners serving the account's region.
    pub regional_popularity: RankScore,
    /// Mean candidates per query.
    pub candidates_per_query: f64,
}

/// Measures `model` and the baselines on the deals of `[from, to)` with features as of `from`.
/// `current`, when given, is measured on the same queries.
pub fn evaluate(
    g: &EcoGraph,
    model: &Logistic,
    current: Option<&Logistic>,
    from: NaiveDate,
    to: NaiveDate,
) -> [ShapeReport; 2] {
    let s = Snapshot::build(g, Some(from));
    let b = Bounds::default();
    let (acc, deals) = queries(g, &s, from, to, MAX_QUERIES);
    [
        measure(&s, &acc, model, current, &b),
        measure(&s, &deals, model, current, &b),
    ]
}

fn popular(s: &Snapshot, q: &Query, regional: bool) -> Vec<u32> {
    let region = s.accounts[q.ctx.account as usize].region;
    s.popular
        .iter()
        .copied()
        .filter(|p| {
            let info = &s.partners[*p as usize];
            info.recommendable()
                && !q.ctx.on_deal.contains(p)
                && (!regional
                    || region.is_none_or(|r| info.regions & super::snapshot::region_bit(r) != 0))
        })
        .take(K)
        .collect()
}

fn measure(
    s: &Snapshot,
    qs: &[Query],
    model: &Logistic,
    current: Option<&Logistic>,
    b: &Bounds,
) -> ShapeReport {
    let mut r = ShapeReport {
        queries: qs.len(),
        current: current.map(|_| RankScore::default()),
        ..Default::default()
    };
    if qs.is_empty() {
        return r;
    }
    let add = |acc: &mut RankScore, ranked: &[u32], truth: &[u32]| {
        acc.recall += recall_at(ranked, truth, K);
        acc.ndcg += ndcg_at(ranked, truth, K);
    };
    let mut found = 0.0;
    let mut cands = 0usize;
    for q in qs {
        let c = candidates(s, &q.ctx, b);
        cands += c.len();
        found += q
            .truth
            .iter()
            .filter(|t| c.iter().any(|x| x.partner == **t))
            .count() as f64
            / q.truth.len().max(1) as f64;
        let m: Vec<u32> = rank(s, c.clone(), Ranker::Model(model))
            .iter()
            .map(|c| c.partner)
            .collect();
        if let (Some(cur), Some(acc)) = (current, r.current.as_mut()) {
            let ranked: Vec<u32> = rank(s, c.clone(), Ranker::Model(cur))
                .iter()
                .map(|c| c.partner)
                .collect();
            add(acc, &ranked, &q.truth);
        }
        let ra: Vec<u32> = rank(s, c, Ranker::Diffusion)
            .iter()
            .map(|c| c.partner)
            .collect();
        add(&mut r.model, &m, &q.truth);
        add(&mut r.resource_allocation, &ra, &q.truth);
        add(&mut r.popularity, &popular(s, q, false), &q.truth);
        add(&mut r.regional_popularity, &popular(s, q, true), &q.truth);
    }
    let n = qs.len() as f64;
    for x in [
        &mut r.model,
        &mut r.resource_allocation,
        &mut r.popularity,
        &mut r.regional_popularity,
    ] {
        x.recall /= n;
        x.ndcg /= n;
    }
    if let Some(x) = r.current.as_mut() {
        x.recall /= n;
        x.ndcg /= n;
    }
    r.candidate_recall = found / n;
    r.candidates_per_query = cands as f64 / n;
    r
}

/// Days of deals held out at the end of the store's history for measuring.
pub const HOLDOUT_DAYS: i64 = 90;
/// Days of deals a model is fitted on, just before the window it is measured or served on.
pub const TRAIN_DAYS: i64 = 180;

/// How one store's held-out deals measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeldOut {
    /// The store (its display URL).
    pub source: String,
    /// Day after the latest event in the store.
    pub horizon: NaiveDate,
    /// Start of the held-out window (its end is the horizon).
    pub held_out_from: NaiveDate,
    /// Accounts: which partners join its next deals.
    pub accounts: ShapeReport,
    /// Deals: given the first partner, which others join.
    pub deals: ShapeReport,
}

/// What `ecograph train partners` did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnersCard {
    /// Day after the latest event in the store.
    pub horizon: NaiveDate,
    /// Start of the held-out window (its end is the horizon).
    pub held_out_from: NaiveDate,
    /// Rows the measured model was fitted on (deals created in the 180 days before the hold-out,
    /// of every store read).
    pub measured_fit_rows: usize,
    /// Rows the served model was fitted on (deals of the last 180 days of every store read).
    pub fit_rows: usize,
    /// Accounts: which partners join its next deals.
    pub accounts: ShapeReport,
    /// Deals: given the first partner, which others join.
    pub deals: ShapeReport,
    /// The other stores read, each split on its own clock, with their own held-out figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<HeldOut>,
}

/// One store's split: its clock and the rows of its two fitting windows.
struct Split {
    horizon: NaiveDate,
    cut: NaiveDate,
    measured_rows: Vec<(Vec<f64>, bool)>,
    served_rows: Vec<(Vec<f64>, bool)>,
}

fn split(g: &EcoGraph) -> Result<Split, TrainError> {
    let h = horizon(g).ok_or(TrainError::NoHistory)?;
    let cut = h - chrono::Days::new(HOLDOUT_DAYS as u64);
    let start = cut - chrono::Days::new(TRAIN_DAYS as u64);
    Ok(Split {
        horizon: h,
        cut,
        measured_rows: training_rows(g, start, cut),
        served_rows: training_rows(g, h - chrono::Days::new(TRAIN_DAYS as u64), h),
    })
}

/// Measures a model fitted before the hold-out on the last [`HOLDOUT_DAYS`], then fits the model
/// to serve on the latest [`TRAIN_DAYS`]. `current` (the model served so far), when given, is
/// measured on the same held-out queries.
pub fn train(
    g: &EcoGraph,
    current: Option<&Logistic>,
) -> Result<(Logistic, PartnersCard), TrainError> {
    train_stores(&[("", g)], current)
}

/// [`train`] on several stores (each with its source): each is split on its own clock (its own
/// last [`HOLDOUT_DAYS`] held out, the [`TRAIN_DAYS`] before them fitted on), the fits read the
/// rows of every store together, and each store's held-out deals are measured on their own. The
/// card's top level is the first store's.
pub fn train_stores(
    stores: &[(&str, &EcoGraph)],
    current: Option<&Logistic>,
) -> Result<(Logistic, PartnersCard), TrainError> {
    let splits = stores
        .iter()
        .map(|(_, g)| split(g))
        .collect::<Result<Vec<Split>, TrainError>>()?;
    let mut measured_rows = Vec::new();
    let mut served_rows = Vec::new();
    let mut clocks = Vec::new();
    for s in splits {
        measured_rows.extend(s.measured_rows);
        served_rows.extend(s.served_rows);
        clocks.push((s.horizon, s.cut));
    }
    let (measured, measured_fit_rows) = fit_rows(measured_rows)?;
    let mut held: Vec<HeldOut> = stores
        .iter()
        .zip(&clocks)
        .map(|((source, g), (h, cut))| {
            let [accounts, deals] = evaluate(g, &measured, current, *cut, *h);
            HeldOut {
                source: source.to_string(),
                horizon: *h,
                held_out_from: *cut,
                accounts,
                deals,
            }
        })
        .collect();
    let (model, fit_rows) = fit_rows(served_rows)?;
    let first = held.remove(0);
    Ok((
        model,
        PartnersCard {
            horizon: first.horizon,
            held_out_from: first.held_out_from,
            measured_fit_rows,
            fit_rows,
            accounts: first.accounts,
            deals: first.deals,
            also: held,
        },
    ))
}

/// Why training could not run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The store has no dated deals or touchpoints.
    #[error("the store holds no dated deals or touchpoints to learn from")]
    NoHistory,
    /// The fit failed.
    #[error(transparent)]
    Fit(#[from] FitError),
}
