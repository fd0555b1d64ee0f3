//! GTM play recommendations: the chance a partner succeeds with a play, learned from the outcomes
//! of plays run before, from three kinds of evidence: content fit (the play's partner types,
//! industries and regions against the partner's), collaborative filtering (how partners whose
//! outcomes agreed with this one's fared with the play, and how partners of its type fared), and
//! the partner's own record. Ranked by expected uplift: the chance of success times the pipeline a
//! successful run of the play brings.
//!
//! An outcome counts from the day it is known: `ended_on`, or, when a PRM records none,
//! [`OUTCOME_LAG_DAYS`] after the start.

use crate::domain::{PartnerType, Play, Region};
use crate::learn::{Contribution, Logistic};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Days after its start at which a run's outcome counts when no end date was recorded.
pub const OUTCOME_LAG_DAYS: u64 = 90;
/// Runs of one partner read when comparing it with others (its latest).
pub const MAX_OWN_RUNS: usize = 50;
/// Other runners of one play read when comparing (the latest).
pub const MAX_PEERS_PER_PLAY: usize = 300;
/// Shrinkage of the peer similarity, in common plays.
const SIMILARITY_SHRINK: f64 = 3.0;
/// Prior strength of smoothed rates, in runs.
const PRIOR_RUNS: f64 = 4.0;

/// The model's features, in vector order.
pub const FEATURES: [&str; 9] = [
    "fits_partner_type",
    "fits_industry",
    "fits_region",
    "play_success_rate",
    "type_success_rate",
    "similar_partners",
    "partner_success_rate",
    "partner_rate_on_play",
    "partner_has_runs",
];

/// Agreement of one partner's outcomes with each other partner's: (sum of agreements, plays
/// compared).
#[derive(Debug, Clone, Default)]
pub struct Agreement(HashMap<u32, (f64, f64)>);

/// One run, reduced to what the model reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunFact {
    /// Partner (dense index of the caller's choosing).
    pub partner: u32,
    /// Play (index into the play list).
    pub play: u16,
    /// When it started.
    pub started_on: NaiveDate,
    /// When its outcome is known, if it has one.
    pub known_on: Option<NaiveDate>,
    /// Whether it succeeded, if known.
    pub succeeded: Option<bool>,
    /// The pipeline it brought, in the reporting currency, if known.
    pub pipeline: Option<f64>,
}

/// What a partner's profile says, for content fit.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Type.
    pub partner_type: PartnerType,
    /// Industries, lower-cased.
    pub industries: Vec<String>,
    /// Regions.
    pub regions: Vec<Region>,
}

/// Outcome statistics known as of an instant.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// The plays, in index order.
    pub plays: Vec<Play>,
    /// Known outcomes per partner: (play, succeeded), latest last.
    by_partner: HashMap<u32, Vec<(u16, bool)>>,
    /// Known outcomes per play: (partner, succeeded), latest last.
    by_play: Vec<Vec<(u32, bool)>>,
    /// Per play: successes and runs known.
    play_rate: Vec<(u32, u32)>,
    /// Per (play, partner type): successes and runs known.
    type_rate: HashMap<(u16, PartnerType), (u32, u32)>,
    /// Per play: pipeline of successful runs (sum, count).
    pipeline: Vec<(f64, u32)>,
    /// Over all plays: successes and runs.
    global: (u32, u32),
    /// Runs per play started before the instant (known or not), for popularity.
    pub started: Vec<u32>,
}

fn rate(s: u32, n: u32, prior: f64) -> f64 {
    (f64::from(s) + PRIOR_RUNS * prior) / (f64::from(n) + PRIOR_RUNS)
}

impl Book {
    /// The statistics of `runs` whose outcomes are known before `as_of` (everything when `None`).
    /// `types` gives each partner's type.
    pub fn build(
        plays: Vec<Play>,
        runs: &[RunFact],
        types: &dyn Fn(u32) -> Option<PartnerType>,
        as_of: Option<NaiveDate>,
    ) -> Book {
        let n = plays.len();
        let mut b = Book {
            plays,
            by_play: vec![Vec::new(); n],
            play_rate: vec![(0, 0); n],
            pipeline: vec![(0.0, 0); n],
            started: vec![0; n],
            ..Default::default()
        };
        let mut known: Vec<&RunFact> = Vec::new();
        for r in runs {
            let q = r.play as usize;
            if q >= n {
                continue;
            }
            if as_of.is_none_or(|t| r.started_on < t) {
                b.started[q] += 1;
            }
            if let (Some(k), Some(_)) = (r.known_on, r.succeeded)
                && as_of.is_none_or(|t| k < t)
            {
                known.push(r);
            }
        }
        known.sort_by_key(|r| (r.known_on, r.partner, r.play));
        for r in known {
            let ok = r.succeeded.unwrap_or(false);
            let q = r.play as usize;
            b.by_partner
                .entry(r.partner)
                .or_default()
                .push((r.play, ok));
            b.by_play[q].push((r.partner, ok));
            b.play_rate[q].0 += u32::from(ok);
            b.play_rate[q].1 += 1;
            b.global.0 += u32::from(ok);
            b.global.1 += 1;
            if let Some(t) = types(r.partner) {
                let e = b.type_rate.entry((r.play, t)).or_default();
                e.0 += u32::from(ok);
                e.1 += 1;
            }
            if ok && let Some(p) = r.pipeline {
                b.pipeline[q].0 += p;
                b.pipeline[q].1 += 1;
            }
        }
        b
    }

    /// Whether a partner has known outcomes of its own.
    pub fn has_outcomes(&self, p: u32) -> bool {
        self.by_partner.get(&p).is_some_and(|v| !v.is_empty())
    }

    /// The success rate over every known run (0.5 with none).
    pub fn global_rate(&self) -> f64 {
        rate(self.global.0, self.global.1, 0.5)
    }

    /// The mean pipeline of a play's successful runs, shrunk toward all plays' mean.
    pub fn expected_pipeline(&self, q: usize) -> f64 {
        let (sum_all, n_all) = self
            .pipeline
            .iter()
            .fold((0.0, 0u32), |a, (s, n)| (a.0 + s, a.1 + n));
        let all = if n_all > 0 {
            sum_all / f64::from(n_all)
        } else {
            0.0
        };
        let (s, n) = self.pipeline[q];
        (s + PRIOR_RUNS * all) / (f64::from(n) + PRIOR_RUNS)
    }

    /// Plays by runs started, most first.
    pub fn popular(&self) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.plays.len()).collect();
        v.sort_by(|a, b| self.started[*b].cmp(&self.started[*a]).then(a.cmp(b)));
        v
    }

    /// How often each other partner's known outcome agreed with `p`'s on the plays both ran (+1 the
    /// same outcome, -1 another). Reads at most [`MAX_OWN_RUNS`] of `p`'s runs and
    /// [`MAX_PEERS_PER_PLAY`] runners of each play.
    pub fn agreement(&self, p: u32) -> Agreement {
        let mut agree: HashMap<u32, (f64, f64)> = HashMap::new();
        if let Some(own) = self.by_partner.get(&p) {
            for (play, ok) in &own[own.len().saturating_sub(MAX_OWN_RUNS)..] {
                let runners = &self.by_play[*play as usize];
                for (w, wok) in &runners[runners.len().saturating_sub(MAX_PEERS_PER_PLAY)..] {
                    if *w == p {
                        continue;
                    }
                    let e = agree.entry(*w).or_default();
                    e.0 += if ok == wok { 1.0 } else { -1.0 };
                    e.1 += 1.0;
                }
            }
        }
        Agreement(agree)
    }

    /// How partners whose outcomes agreed with this one's fared with play `q`, as a deviation from
    /// the play's rate (0 without comparable peers).
    fn similar(&self, p: u32, q: usize, play_rate: f64, agree: &Agreement) -> f64 {
        let runners = &self.by_play[q];
        let mut num = 0.0;
        let mut den = 0.0;
        for (w, ok) in &runners[runners.len().saturating_sub(MAX_PEERS_PER_PLAY)..] {
            if *w == p {
                continue;
            }
            if let Some((a, n)) = agree.0.get(w) {
                let sim = a / (n + SIMILARITY_SHRINK);
                if sim > 0.0 {
                    num += sim * (f64::from(u8::from(*ok)) - play_rate);
                    den += sim;
                }
            }
        }
        if den > 0.0 { num / (den + 1.0) } else { 0.0 }
    }

    /// The feature vector of partner `p` (profile `prof`) and play `q`.
    pub fn features(&self, p: u32, prof: &Profile, q: usize, agree: &Agreement) -> [f64; 9] {
        let play = &self.plays[q];
        let g = self.global_rate();
        let (ps, pn) = self.play_rate[q];
        let play_rate = rate(ps, pn, g);
        let (ts, tn) = self
            .type_rate
            .get(&(q as u16, prof.partner_type))
            .copied()
            .unwrap_or_default();
        let own = self.by_partner.get(&p);
        let (os, on) = own.map_or((0, 0), |v| {
            (
                v.iter().filter(|(_, ok)| *ok).count() as u32,
                v.len() as u32,
            )
        });
        let (qs, qn) = own.map_or((0, 0), |v| {
            v.iter()
                .filter(|(x, _)| *x as usize == q)
                .fold((0, 0), |a, (_, ok)| (a.0 + u32::from(*ok), a.1 + 1))
        });
        let fits_type = if play.partner_types.is_empty() {
            0.5
        } else {
            f64::from(play.partner_types.contains(&prof.partner_type))
        };
        let fits_industry = if play.industries.is_empty() {
            0.5
        } else {
            f64::from(
                play.industries
                    .iter()
                    .any(|i| prof.industries.iter().any(|x| x.eq_ignore_ascii_case(i))),
            )
        };
        let fits_region = if play.regions.is_empty() {
            1.0
        } else {
            f64::from(play.regions.iter().any(|r| prof.regions.contains(r)))
        };
        [
            fits_type,
            fits_industry,
            fits_region,
            play_rate,
            rate(ts, tn, play_rate),
            self.similar(p, q, play_rate, agree),
            rate(os, on, g),
            rate(qs, qn, rate(os, on, g)),
            f64::from(on > 0),
        ]
    }
}

/// One play recommended to a partner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlayRecommendation {
    /// The play.
    pub play_id: String,
    /// Its name.
    pub name: String,
    /// Estimated chance the partner's run succeeds.
    pub probability: f64,
    /// Expected pipeline of a run: the chance of success times the pipeline a successful run of this
    /// play brings (in the reporting currency).
    pub expected_uplift: f64,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// The features that moved the chance most, against the average run.
    pub drivers: Vec<Contribution>,
}

/// Ranks every play for a partner, best expected uplift first.
pub fn recommend(book: &Book, model: &Logistic, p: u32, prof: &Profile) -> Vec<PlayRecommendation> {
    rank_with(book, p, prof, |x| {
        (model.probability(x), model.explain(x, 4))
    })
}

/// Ranks every play for a partner without a model: the chance is how partners of its type fared
/// with the play (smoothed toward the play's rate).
pub fn recommend_by_type(book: &Book, p: u32, prof: &Profile) -> Vec<PlayRecommendation> {
    rank_with(book, p, prof, |x| (x[4], Vec::new()))
}

fn rank_with(
    book: &Book,
    p: u32,
    prof: &Profile,
    score: impl Fn(&[f64; 9]) -> (f64, Vec<Contribution>),
) -> Vec<PlayRecommendation> {
    let agree = book.agreement(p);
    let mut out: Vec<PlayRecommendation> = (0..book.plays.len())
        .map(|q| {
            let x = book.features(p, prof, q, &agree);
            let (prob, drivers) = score(&x);
            let pipeline = book.expected_pipeline(q);
            PlayRecommendation {
                play_id: book.plays[q].id.to_string(),
                name: book.plays[q].name.as_str().to_string(),
                probability: (prob * 10_000.0).round() / 10_000.0,
                expected_uplift: (prob * pipeline).round(),
                reasons: reasons(book, &x, q),
                drivers,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.expected_uplift
            .total_cmp(&a.expected_uplift)
            .then(b.probability.total_cmp(&a.probability))
            .then(a.play_id.cmp(&b.play_id))
    });
    out
}

fn reasons(book: &Book, x: &[f64; 9], q: usize) -> Vec<String> {
    let play = &book.plays[q];
    let mut r = Vec::new();
    if x[0] == 1.0 {
        r.push("made for partners of its type".to_string());
    }
    if x[1] == 1.0 {
        r.push(format!(
            "targets an industry it serves ({})",
            play.industries.join(", ")
        ));
    }
    if x[2] == 0.0 {
        r.push("not offered in its regions".to_string());
    }
    let (s, n) = book.play_rate[q];
    if n > 0 {
        r.push(format!("{s} of {n} runs of this play succeeded"));
    }
    if x[5] > 0.02 {
        r.push("partners whose play outcomes resemble its own did well with it".to_string());
    } else if x[5] < -0.02 {
        r.push("partners whose play outcomes resemble its own did poorly with it".to_string());
    }
    if x[8] == 0.0 {
        r.push("no runs of its own yet: ranked on content fit and how others fared".to_string());
    }
    r
}

/// Days of play outcomes the model is fitted on, before the window it is measured or served on.
/// Longer than the recommendation model's: play outcomes are fewer than deals.
pub const TRAIN_DAYS: u64 = 365;

/// What `ecograph train plays` measured.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlaysCard {
    /// Day after the latest event in the store.
    pub horizon: NaiveDate,
    /// First day of the held-out window: runs whose outcome became known from then on.
    pub held_out_from: NaiveDate,
    /// Runs the measured model was fitted on.
    pub measured_fit_rows: usize,
    /// Runs the served model was fitted on.
    pub fit_rows: usize,
    /// Held-out runs.
    pub held_out: usize,
    /// ROC AUC of the model on them.
    pub roc_auc: f64,
    /// Expected calibration error (10 bins) on them.
    pub ece: f64,
    /// ROC AUC of the play's own success rate alone (the popularity-style baseline).
    pub play_rate_roc_auc: f64,
    /// Partners with two or more held-out runs of different plays.
    pub partners_compared: usize,
    /// Success rate of the run of the play the model ranks first among those each such partner ran.
    pub top_pick_success: f64,
    /// Success rate of the run of the most popular play among those each such partner ran.
    pub popular_pick_success: f64,
    /// `top_pick_success / popular_pick_success`.
    pub lift: f64,
}

fn rows(
    book: &Book,
    runs: &[RunFact],
    profiles: &HashMap<u32, Profile>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(RunFact, [f64; 9], bool)> {
    runs.iter()
        .filter_map(|r| {
            let k = r.known_on?;
            let ok = r.succeeded?;
            if k < from || k >= to || r.play as usize >= book.plays.len() {
                return None;
            }
            let prof = profiles.get(&r.partner)?;
            let agree = book.agreement(r.partner);
            Some((
                *r,
                book.features(r.partner, prof, r.play as usize, &agree),
                ok,
            ))
        })
        .collect()
}

fn fit_rows(rows: &[(RunFact, [f64; 9], bool)]) -> Result<Logistic, crate::learn::FitError> {
    let x: Vec<Vec<f64>> = rows.iter().map(|r| r.1.to_vec()).collect();
    let y: Vec<bool> = rows.iter().map(|r| r.2).collect();
    Logistic::fit(&FEATURES, &x, &y, 1.0, 300)
}

/// Measures a model fitted on the outcomes known in the [`TRAIN_DAYS`] before the last 90 days on
/// those 90 days (statistics as of each window's start), then fits the model to serve on the latest
/// [`TRAIN_DAYS`].
pub fn train(
    plays: Vec<Play>,
    runs: &[RunFact],
    profiles: &HashMap<u32, Profile>,
    horizon: NaiveDate,
) -> Result<(Logistic, PlaysCard), super::holdout::TrainError> {
    use crate::conflict::model::{ece, roc_auc};
    let types = |p: u32| profiles.get(&p).map(|x| x.partner_type);
    let cut = horizon - chrono::Days::new(super::holdout::HOLDOUT_DAYS as u64);
    let start = cut - chrono::Days::new(TRAIN_DAYS);
    let early = Book::build(plays.clone(), runs, &types, Some(start));
    let train_rows = rows(&early, runs, profiles, start, cut);
    let measured = fit_rows(&train_rows)?;
    let at_cut = Book::build(plays.clone(), runs, &types, Some(cut));
    let test = rows(&at_cut, runs, profiles, cut, horizon);
    let y: Vec<bool> = test.iter().map(|r| r.2).collect();
    let p: Vec<f64> = test.iter().map(|r| measured.probability(&r.1)).collect();
    let base: Vec<f64> = test.iter().map(|r| r.1[3]).collect();
    // Per partner: its held-out runs; the model's pick and popularity's pick among plays it ran.
    let popular = at_cut.popular();
    let mut by_partner: HashMap<u32, Vec<(usize, f64, bool)>> = HashMap::new();
    for (r, pr) in test.iter().zip(&p) {
        by_partner
            .entry(r.0.partner)
            .or_default()
            .push((r.0.play as usize, *pr, r.2));
    }
    let (mut compared, mut top, mut pop) = (0usize, 0.0, 0.0);
    let mut partners: Vec<u32> = by_partner.keys().copied().collect();
    partners.sort_unstable();
    for w in partners {
        let v = &by_partner[&w];
        let distinct = {
            let mut q: Vec<usize> = v.iter().map(|x| x.0).collect();
            q.sort_unstable();
            q.dedup();
            q.len()
        };
        if distinct < 2 {
            continue;
        }
        compared += 1;
        let best = v
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|x| x.2);
        let rank_of = |q: usize| popular.iter().position(|x| *x == q).unwrap_or(usize::MAX);
        let most = v.iter().min_by_key(|x| (rank_of(x.0), x.0)).map(|x| x.2);
        top += f64::from(u8::from(best.unwrap_or(false)));
        pop += f64::from(u8::from(most.unwrap_or(false)));
    }
    let n = compared.max(1) as f64;
    let late = Book::build(
        plays,
        runs,
        &types,
        Some(horizon - chrono::Days::new(TRAIN_DAYS)),
    );
    let serve_rows = rows(
        &late,
        runs,
        profiles,
        horizon - chrono::Days::new(TRAIN_DAYS),
        horizon,
    );
    let model = fit_rows(&serve_rows)?;
    Ok((
        model,
        PlaysCard {
            horizon,
            held_out_from: cut,
            measured_fit_rows: train_rows.len(),
            fit_rows: serve_rows.len(),
            held_out: test.len(),
            roc_auc: roc_auc(&p, &y),
            ece: ece(&p, &y, 10),
            play_rate_roc_auc: roc_auc(&base, &y),
            partners_compared: compared,
            top_pick_success: top / n,
            popular_pick_success: pop / n,
            lift: if pop > 0.0 { top / pop } else { 0.0 },
        },
    ))
}

/// The reporting currency: pipeline amounts in it feed the expected uplift; runs in another
/// currency count for success rates only (no exchange rates are held).
pub const REPORTING_CURRENCY: &str = "USD";

/// The plays, every run reduced to what the model reads (partners by their index in `s`), and each
/// partner's profile.
pub fn facts(
    g: &crate::graph::EcoGraph,
    s: &super::snapshot::Snapshot,
) -> (Vec<Play>, Vec<RunFact>, HashMap<u32, Profile>) {
    let plays: Vec<Play> = g.plays().cloned().collect();
    let play_ix: HashMap<&str, u16> = plays
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u16))
        .collect();
    let runs: Vec<RunFact> = g
        .play_runs()
        .filter_map(|r| {
            Some(RunFact {
                partner: s.partner(r.partner_id.as_str())?,
                play: *play_ix.get(r.play_id.as_str())?,
                started_on: r.started_on,
                known_on: r.succeeded.map(|_| {
                    r.ended_on
                        .unwrap_or(r.started_on + chrono::Days::new(OUTCOME_LAG_DAYS))
                }),
                succeeded: r.succeeded,
                pipeline: match (&r.pipeline_amount, &r.currency) {
                    (Some(a), Some(c)) if c.as_str() == REPORTING_CURRENCY => Some(a.value()),
                    _ => None,
                },
            })
        })
        .collect();
    let profiles: HashMap<u32, Profile> = s
        .partners
        .iter()
        .enumerate()
        .filter_map(|(i, info)| {
            let p = g.partner(info.id.as_str())?;
            Some((i as u32, profile(p)))
        })
        .collect();
    (plays, runs, profiles)
}

/// A partner's profile as the play model reads it.
pub fn profile(p: &crate::domain::Partner) -> Profile {
    Profile {
        partner_type: p.partner_type,
        industries: p.industries.iter().map(|s| s.to_lowercase()).collect(),
        regions: p.regions.clone(),
    }
}

/// The day after the latest dated event among deals, touchpoints and play runs.
pub fn horizon(g: &crate::graph::EcoGraph, runs: &[RunFact]) -> Option<NaiveDate> {
    let deals = super::holdout::horizon(g);
    let latest_run = runs
        .iter()
        .map(|r| r.known_on.unwrap_or(r.started_on).max(r.started_on))
        .max()
        .and_then(|d| d.succ_opt());
    deals.max(latest_run)
}

/// Trains the play model on what the graph holds.
pub fn train_graph(
    g: &crate::graph::EcoGraph,
) -> Result<(Logistic, PlaysCard), super::holdout::TrainError> {
    let s = super::snapshot::Snapshot::build(g, None);
    let (plays, runs, profiles) = facts(g, &s);
    let h = horizon(g, &runs).ok_or(super::holdout::TrainError::NoHistory)?;
    train(plays, &runs, &profiles, h)
}
