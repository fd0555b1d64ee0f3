//! GTM play runs (`play_runs.ndjson`): which plays each partner ran, when, on which account, and
//! how they went; and the hidden fit behind every outcome (`truth/play_fit.ndjson`).
//!
//! A run succeeds through a hidden affinity between the partner and the play (a dot product of
//! latent vectors, half of the partner's predictable from its profile, half visible only through
//! its outcomes on other plays), the play's declared fit to the partner's type, industries and
//! regions, the partner's hidden quality and, for account-based plays, its relation to the
//! account. Partners pick plays that suit them and return to plays that worked for them. The model
//! is documented in `fixtures/README.md`.
//!
//! Runs draw from their own streams (one per partner, one for the hidden vectors), never from the
//! world's or the deal pass's, so that changing them leaves every other generated file
//! byte-identical.

use super::catalog::INDUSTRIES;
use super::programs::{PLAYS, PlayOut};
use super::sample::{Stream, lognormal, normal, poisson, rng_for, sigmoid, weighted};
use super::world::{PartnerGen, World, region_ix, type_ix};
use super::{Ndjson, Progress, account_id};
use crate::domain::{PartnerStatus, PartnerType, PlayMotion, Population, Region};
use chrono::{Days, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Dimensions of the hidden affinity between partners and plays.
const DIMS: usize = 4;

/// Share of a partner's latent variance that its profile (type, industries, regions) explains.
const PROFILE_SHARE: f64 = 0.5;

/// Success logit: the intercept, set for about 40% of ended runs to succeed.
const BASE: f64 = -1.2;
/// Success logit per unit of hidden fit (standard normal over partners).
const W_HIDDEN: f64 = 1.0;
/// Success logit per unit of content fit − ½.
const W_CONTENT: f64 = 1.5;
/// Success logit per unit of quality − ½.
const W_QUALITY: f64 = 2.5;
/// Success logit on an account the partner lists as its customer.
const W_PARTNER_CUSTOMER: f64 = 0.6;
/// Success logit on an account the partner lists as an open opportunity.
const W_PARTNER_OPPORTUNITY: f64 = 0.3;
/// Success logit on an account the vendor has as customer.
const W_VENDOR_CUSTOMER: f64 = 0.2;
/// Spread of the run's own luck in the logit.
const RUN_NOISE: f64 = 0.4;

/// Play choice: log-weight per unit of content fit.
const CHOOSE_CONTENT: f64 = 2.0;
/// Play choice: log-weight per earlier success on the play.
const CHOOSE_WON: f64 = 0.8;
/// Play choice: log-weight per earlier failure on the play.
const CHOOSE_LOST: f64 = -0.4;

/// Runs a partner starts per year in the program: log-normal median and spread.
const RATE_MEDIAN: f64 = 0.9;
const RATE_SIGMA: f64 = 1.0;
/// At most this many runs per partner.
const MAX_RUNS: u64 = 40;

/// How the plays' and profiles' latent vectors fall out for one seed.
struct Latents {
    /// Per play, a unit vector.
    plays: Vec<[f64; DIMS]>,
    /// Per partner type, a standard normal vector.
    types: Vec<[f64; DIMS]>,
    /// Per industry, a standard normal vector.
    industries: Vec<[f64; DIMS]>,
    /// Per region, a standard normal vector.
    regions: Vec<[f64; DIMS]>,
}

/// A standard normal vector.
fn gaussian(rng: &mut ChaCha8Rng) -> [f64; DIMS] {
    std::array::from_fn(|_| normal(rng))
}

/// The dot product.
fn dot(a: &[f64; DIMS], b: &[f64; DIMS]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Latents {
    /// Draws every vector from the play-run streams of `seed`.
    fn draw(seed: u64) -> Self {
        let mut rng = rng_for(seed, Stream::PlayRuns, u64::MAX);
        let plays = PLAYS
            .iter()
            .map(|_| {
                let v = gaussian(&mut rng);
                let norm = dot(&v, &v).sqrt().max(1e-9);
                v.map(|x| x / norm)
            })
            .collect();
        let mut many = |n: usize| (0..n).map(|_| gaussian(&mut rng)).collect::<Vec<_>>();
        Latents {
            types: many(PartnerType::ALL.len()),
            industries: many(INDUSTRIES.len()),
            regions: many(Region::ALL.len()),
            plays,
        }
    }

    /// A partner's latent vector: its profile's part (type + mean of its industries' + mean of its
    /// regions', scaled back to unit variance) mixed with a part of its own, both standard normal.
    fn partner(&self, p: &PartnerGen, own: &[f64; DIMS]) -> [f64; DIMS] {
        let (ni, nr) = (p.industries.len().max(1), p.regions.len().max(1));
        let scale = (1.0 + 1.0 / ni as f64 + 1.0 / nr as f64).sqrt();
        std::array::from_fn(|d| {
            let ind = p
                .industries
                .iter()
                .map(|i| self.industries[*i as usize][d])
                .sum::<f64>()
                / ni as f64;
            let reg = p
                .regions
                .iter()
                .map(|r| self.regions[region_ix(*r)][d])
                .sum::<f64>()
                / nr as f64;
            let profile = (self.types[type_ix(p.ptype)][d] + ind + reg) / scale;
            PROFILE_SHARE.sqrt() * profile + (1.0 - PROFILE_SHARE).sqrt() * own[d]
        })
    }
}

/// How well a play's declared audience fits a partner: the mean of type, industry and region
/// matches, an empty list matching everyone.
fn content_fit(play: &PlayOut, p: &PartnerGen) -> f64 {
    let ty = play.partner_types.is_empty() || play.partner_types.contains(&p.ptype);
    let ind = play.industries.is_empty()
        || p.industries
            .iter()
            .any(|i| play.industries.contains(&INDUSTRIES[*i as usize].0));
    let reg = play.regions.is_empty() || p.regions.iter().any(|r| play.regions.contains(r));
    (f64::from(u8::from(ty)) + f64::from(u8::from(ind)) + f64::from(u8::from(reg))) / 3.0
}

/// Whether a run of the play is aimed at one account: always for co-sell plans and migrations,
/// for 70% of marketplace private offers, never for webinars, bundles and campaigns.
fn account_share(motion: PlayMotion) -> f64 {
    match motion {
        PlayMotion::CoSellAccountPlan | PlayMotion::MspMigrationOffer => 1.0,
        PlayMotion::MarketplacePrivateOffer => 0.7,
        _ => 0.0,
    }
}

/// Median length in days and median pipeline in USD of a successful run, by motion.
fn motion_scale(motion: PlayMotion) -> (f64, f64) {
    match motion {
        PlayMotion::JointWebinar => (40.0, 40_000.0),
        PlayMotion::MarketplacePrivateOffer => (60.0, 90_000.0),
        PlayMotion::CoSellAccountPlan => (120.0, 250_000.0),
        PlayMotion::MspMigrationOffer => (90.0, 70_000.0),
        PlayMotion::IntegrationBundle => (100.0, 60_000.0),
        PlayMotion::MdfCampaign => (50.0, 45_000.0),
    }
}

/// One run before ids are given.
struct Run {
    partner: u32,
    play: usize,
    account: Option<u32>,
    started_on: NaiveDate,
    /// `Some` once the run ended before `as_of`.
    outcome: Option<Outcome>,
    hidden_fit: f64,
    content_fit: f64,
    probability: f64,
}

/// How an ended run went.
struct Outcome {
    ended_on: NaiveDate,
    pipeline_usd: f64,
    succeeded: bool,
}

#[derive(Serialize)]
struct RunOut<'a> {
    id: &'a str,
    partner_id: &'a str,
    play_id: &'static str,
    started_on: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pipeline_amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    succeeded: Option<bool>,
}

#[derive(Serialize)]
struct FitOut<'a> {
    run_id: &'a str,
    partner_id: &'a str,
    play_id: &'static str,
    hidden_fit: f64,
    content_fit: f64,
    success_probability: f64,
}

/// The id of run `number` (from 1).
fn run_id(number: usize) -> String {
    format!("RUN-{number:06}")
}

/// Writes `play_runs.ndjson` (ids in order of start) and `truth/play_fit.ndjson`; returns the
/// number of runs. `seed` seeds only the play-run streams.
pub(crate) fn write(
    seed: u64,
    w: &World,
    runs_out: &mut Ndjson,
    truth: &mut Ndjson,
    progress: &Progress,
) -> anyhow::Result<usize> {
    let latents = Latents::draw(seed);
    let bar = progress.bar("play runs", w.partners.len() as u64);
    let mut runs: Vec<Run> = Vec::new();
    for (i, p) in w.partners.iter().enumerate() {
        partner_runs(seed, w, &latents, i as u32, p, &mut runs);
        if i % 256 == 0 {
            bar.set_position(i as u64);
        }
    }
    bar.finish();
    // The sort is stable: a partner's runs starting on one day keep the order they were run in.
    runs.sort_by_key(|r| (r.started_on, r.partner));
    let r4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    for (k, r) in runs.iter().enumerate() {
        let id = run_id(k + 1);
        let partner_id = &w.partners[r.partner as usize].id;
        let play_id = PLAYS[r.play].id;
        runs_out.line(&RunOut {
            id: &id,
            partner_id,
            play_id,
            started_on: r.started_on,
            account_id: r.account.map(account_id),
            ended_on: r.outcome.as_ref().map(|o| o.ended_on),
            pipeline_amount: r.outcome.as_ref().map(|o| o.pipeline_usd),
            currency: r.outcome.as_ref().map(|_| "USD"),
            succeeded: r.outcome.as_ref().map(|o| o.succeeded),
        })?;
        truth.line(&FitOut {
            run_id: &id,
            partner_id,
            play_id,
            hidden_fit: r4(r.hidden_fit),
            content_fit: r4(r.content_fit),
            success_probability: r4(r.probability),
        })?;
    }
    truth.finish()?;
    runs_out.finish()
}

/// The runs of partner `i`, in order of start. Only partners that joined and are active or have
/// left run plays, between joining (or the window's start) and leaving (or `as_of`).
fn partner_runs(
    seed: u64,
    w: &World,
    latents: &Latents,
    i: u32,
    p: &PartnerGen,
    out: &mut Vec<Run>,
) {
    if !matches!(p.status, PartnerStatus::Active | PartnerStatus::Offboarded) {
        return;
    }
    let Some(joined) = p.joined_on else { return };
    let mut rng = rng_for(seed, Stream::PlayRuns, u64::from(i));
    let own = gaussian(&mut rng);
    let latent = latents.partner(p, &own);
    let from = joined.max(w.start);
    let to = p.offboarded_on.unwrap_or(w.as_of).min(w.as_of);
    let span = (to - from).num_days();
    if span <= 0 {
        return;
    }
    let rate = lognormal(&mut rng, RATE_MEDIAN, RATE_SIGMA);
    let n = poisson(&mut rng, rate * span as f64 / 365.25).min(MAX_RUNS);
    // More runs towards the end of the window, as the program grows.
    let mut starts: Vec<NaiveDate> = (0..n)
        .map(|_| {
            let t = rng.random::<f64>().powf(0.8);
            from + Days::new(((t * span as f64) as u64).min(span as u64 - 1))
        })
        .collect();
    starts.sort();

    // Known accounts on its list, weighted to its customers and open opportunities.
    let listed: Vec<(u32, Population)> = w.lists[i as usize]
        .iter()
        .filter(|a| (a.entity as usize) < w.accounts)
        .map(|a| (a.entity, a.relation))
        .collect();
    let listed_weights: Vec<f64> = listed
        .iter()
        .map(|(_, r)| match r {
            Population::Customer => 3.0,
            Population::Opportunity => 2.0,
            Population::Prospect => 1.0,
        })
        .collect();

    let fits: Vec<f64> = PLAYS.iter().map(|pl| content_fit(pl, p)).collect();
    let hidden: Vec<f64> = latents.plays.iter().map(|v| dot(&latent, v)).collect();
    let mut won = vec![0u32; PLAYS.len()];
    let mut lost = vec![0u32; PLAYS.len()];
    let mut ended: Vec<(NaiveDate, usize, bool)> = Vec::new();
    for start in starts {
        // A partner learns from the runs that ended before this one starts.
        ended.retain(|&(day, j, ok)| {
            if day > start {
                return true;
            }
            if ok {
                won[j] += 1;
            } else {
                lost[j] += 1;
            }
            false
        });
        let weights: Vec<f64> = PLAYS
            .iter()
            .enumerate()
            .map(|(j, pl)| {
                if listed.is_empty() && account_share(pl.motion) >= 1.0 {
                    return 0.0;
                }
                (CHOOSE_CONTENT * fits[j]
                    + CHOOSE_WON * f64::from(won[j])
                    + CHOOSE_LOST * f64::from(lost[j]))
                .exp()
            })
            .collect();
        let j = weighted(&mut rng, &weights);
        let play = &PLAYS[j];
        let account = (!listed.is_empty() && rng.random_bool(account_share(play.motion)))
            .then(|| listed[weighted(&mut rng, &listed_weights)]);

        let mut logit = BASE
            + W_HIDDEN * hidden[j]
            + W_CONTENT * (fits[j] - 0.5)
            + W_QUALITY * (p.quality - 0.5)
            + RUN_NOISE * normal(&mut rng);
        if let Some((a, relation)) = account {
            logit += match relation {
                Population::Customer => W_PARTNER_CUSTOMER,
                Population::Opportunity => W_PARTNER_OPPORTUNITY,
                Population::Prospect => 0.0,
            };
            if w.vendor[a as usize].relation == Some(Population::Customer) {
                logit += W_VENDOR_CUSTOMER;
            }
        }
        let probability = sigmoid(logit);
        let succeeded = rng.random_bool(probability);

        let (median_days, median_usd) = motion_scale(play.motion);
        let days = lognormal(&mut rng, median_days, 0.4).clamp(14.0, 365.0) as u64;
        let ended_on = start + Days::new(days);
        if p.offboarded_on.is_some_and(|o| ended_on >= o) {
            // A partner leaving the program abandons what it has running; no record is kept.
            continue;
        }
        let size = account.map_or(1.0, |(a, _)| {
            (f64::from(w.companies[a as usize].employees) / 1000.0)
                .powf(0.25)
                .clamp(0.3, 4.0)
        });
        let usd = if succeeded {
            lognormal(&mut rng, median_usd * size, 0.6)
        } else {
            lognormal(&mut rng, 0.2 * median_usd * size, 0.9)
        };
        let outcome = (ended_on < w.as_of).then(|| {
            ended.push((ended_on, j, succeeded));
            Outcome {
                ended_on,
                pipeline_usd: (usd / 100.0).round().max(1.0) * 100.0,
                succeeded,
            }
        });
        out.push(Run {
            partner: i,
            play: j,
            account: account.map(|(a, _)| a),
            started_on: start,
            outcome,
            hidden_fit: hidden[j],
            content_fit: fits[j],
            probability,
        });
    }
}
