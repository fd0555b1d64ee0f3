//! Synthetic partner ecosystems: a seeded generator of partners (prospects included), accounts,
//! partner CRM exports, deals, touchpoints, registrations, plays, play runs and IPPs, with the
//! ground truth behind them.
//!
//! The output is read back by `ecograph import DIR` through the same parsing as the REST API, so
//! every NDJSON line is an `*Input` of [`crate::domain`] plus its `id`, and every CSV is a partner
//! account list as `POST /v1/partners/{id}/accounts` takes it. Hidden factors (partner quality,
//! focus, aggressiveness, incumbency, timing, play affinity) drive outcomes and disputes; the
//! `truth/` folder says
//! what really happened, for evaluating entity resolution and the models of later issues. The
//! generative model is documented in `fixtures/README.md`.
//!
//! Output is a pure function of [`GenConfig`]: one seeded ChaCha8 stream per part of the world
//! (see `sample::Stream`), no hash-map iteration order and no clock in the files.

mod catalog;
mod deals;
mod names;
mod noise;
mod play_runs;
mod programs;
mod records;
mod registrations;
mod sample;
mod world;

#[cfg(test)]
mod tests;

use crate::domain::{Certification, PartnerStatus, PartnerType, Population, Region, Sharing, Tier};
use anyhow::Context;
use catalog::{COUNTRIES, INDUSTRIES, PRODUCTS};
use chrono::NaiveDate;
use indicatif::ProgressBar;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;
use world::{NIL, World, region_ix};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenConfig {
    /// Seed of every random draw; the same config gives the same files byte for byte.
    pub seed: u64,
    /// Number of partners (applicants, prospects and offboarded partners included).
    pub partners: usize,
    /// Number of the vendor's accounts; partner lists hold about two rows per account.
    pub accounts: usize,
    /// First day of the simulated window.
    pub start: NaiveDate,
    /// Length of the window in years; its end is the data's "today".
    pub years: u32,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 42,
            partners: 10_000,
            accounts: 1_000_000,
            start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
            years: 3,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GenSummary {
    /// Lines of `partners.ndjson`.
    pub partners: usize,
    /// Lines of `accounts.ndjson`.
    pub accounts: usize,
    /// Rows over all `partner_accounts/*.csv`.
    pub partner_records: usize,
    /// Lines of `deals.ndjson`.
    pub deals: usize,
    /// Lines of `touchpoints.ndjson`.
    pub touchpoints: usize,
    /// Lines of `registrations.ndjson`.
    pub registrations: usize,
    /// Lines of `truth/disputes.ndjson` (disputed or rejected registrations).
    pub disputes: usize,
    /// Lines of `plays.ndjson`.
    pub plays: usize,
    /// Lines of `play_runs.ndjson`.
    pub play_runs: usize,
    /// Lines of `ipps.ndjson`.
    pub ipps: usize,
    /// Wall-clock time taken (never written to the output, which must not depend on it).
    pub seconds: f64,
}

/// Generates a synthetic ecosystem into `out` (created if missing; `partner_accounts/` is
/// replaced). Shows progress bars on stderr when `progress` is true.
pub fn generate(cfg: &GenConfig, out: &Path, progress: bool) -> anyhow::Result<GenSummary> {
    generate_with_play_seed(cfg, cfg.seed, out, progress)
}

/// [`generate`], seeding the play-run streams with `play_seed` instead of the config's seed; tests
/// use it to show that play runs change no other file.
fn generate_with_play_seed(
    cfg: &GenConfig,
    play_seed: u64,
    out: &Path,
    progress: bool,
) -> anyhow::Result<GenSummary> {
    let t0 = Instant::now();
    anyhow::ensure!(cfg.partners >= 1, "partners must be at least 1");
    anyhow::ensure!(cfg.accounts >= 10, "accounts must be at least 10");
    anyhow::ensure!(
        (1..=50).contains(&cfg.years),
        "years must be between 1 and 50"
    );
    let progress = Progress { on: progress };
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    // Stale exports of partners a previous, larger run had would break referential integrity.
    let lists_dir = out.join("partner_accounts");
    if lists_dir.exists() {
        std::fs::remove_dir_all(&lists_dir)
            .with_context(|| format!("clearing {}", lists_dir.display()))?;
    }
    std::fs::create_dir_all(&lists_dir)?;
    std::fs::create_dir_all(out.join("truth"))?;

    tracing::info!(
        seed = cfg.seed,
        partners = cfg.partners,
        accounts = cfg.accounts,
        "building the world"
    );
    let world = World::build(cfg, &progress);

    let mut summary = GenSummary {
        partners: write_partners(&world, out)?,
        accounts: write_accounts(&world, out, &progress)?,
        ..GenSummary::default()
    };
    summary.partner_records = records::write_lists(cfg.seed, &world, out, &progress)?;

    tracing::info!("generating deals");
    let sinks = deals::DealSinks {
        deals: Ndjson::create(&out.join("deals.ndjson"))?,
        touchpoints: Ndjson::create(&out.join("touchpoints.ndjson"))?,
        registrations: Ndjson::create(&out.join("registrations.ndjson"))?,
        disputes: Ndjson::create(&out.join("truth/disputes.ndjson"))?,
    };
    let n_deals = (cfg.accounts / 2).max(1);
    let (counts, stats) =
        deals::DealGen::new(cfg.seed, &world, sinks).run(cfg.seed, n_deals, &progress)?;
    summary.deals = counts.deals;
    summary.touchpoints = counts.touchpoints;
    summary.registrations = counts.registrations;
    summary.disputes = counts.disputes;

    summary.plays = programs::write_plays(&out.join("plays.ndjson"))?;
    tracing::info!("generating play runs");
    summary.play_runs = play_runs::write(
        play_seed,
        &world,
        &mut Ndjson::create(&out.join("play_runs.ndjson"))?,
        &mut Ndjson::create(&out.join("truth/play_fit.ndjson"))?,
        &progress,
    )?;
    summary.ipps = programs::write_ipps(&out.join("ipps.ndjson"))?;
    write_factors(&world, &stats, &out.join("truth/factors.ndjson"))?;
    write_manifest(cfg, &world, &summary, &out.join("manifest.json"))?;
    summary.seconds = t0.elapsed().as_secs_f64();
    tracing::info!(
        seconds = summary.seconds,
        deals = summary.deals,
        "generated"
    );
    Ok(summary)
}

/// Progress bars, or hidden ones.
pub(crate) struct Progress {
    on: bool,
}

impl Progress {
    /// A bar for one phase.
    pub fn bar(&self, name: &str, len: u64) -> ProgressBar {
        crate::progress::bar(self.on, name, len)
    }
}

/// A buffered NDJSON file that counts its lines.
pub(crate) struct Ndjson {
    w: BufWriter<File>,
    /// Lines written so far.
    pub count: usize,
}

impl Ndjson {
    /// Creates (truncates) the file.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Ndjson {
            w: BufWriter::with_capacity(1 << 20, f),
            count: 0,
        })
    }

    /// Writes one value as a line.
    pub fn line<T: Serialize>(&mut self, v: &T) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.w, v)?;
        self.w.write_all(b"\n")?;
        self.count += 1;
        Ok(())
    }

    /// Flushes and returns the line count.
    pub fn finish(&mut self) -> anyhow::Result<usize> {
        self.w.flush()?;
        Ok(self.count)
    }
}

/// The id of account `a` (`A-0000001`) or, past the vendor's accounts, of the unknown company's
/// true entity; only accounts' ids appear outside `truth/`.
pub(crate) fn account_id(a: u32) -> String {
    format!("A-{:07}", a + 1)
}

#[derive(Serialize)]
struct PartnerOut<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    partner_type: PartnerType,
    tier: Tier,
    status: PartnerStatus,
    regions: &'a [Region],
    industries: Vec<&'static str>,
    certifications: &'a [Certification],
    capabilities: &'a [&'static str],
    products: Vec<&'static str>,
    employees: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<&'a str>,
    country: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    joined_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annual_program_cost: Option<f64>,
    sharing: Sharing,
}

fn write_partners(w: &World, out: &Path) -> anyhow::Result<usize> {
    let mut f = Ndjson::create(&out.join("partners.ndjson"))?;
    for p in &w.partners {
        f.line(&PartnerOut {
            id: &p.id,
            name: &p.name,
            partner_type: p.ptype,
            tier: p.tier,
            status: p.status,
            regions: &p.regions,
            industries: p
                .industries
                .iter()
                .map(|i| INDUSTRIES[*i as usize].0)
                .collect(),
            certifications: &p.certifications,
            capabilities: &p.capabilities,
            products: (0..PRODUCTS.len())
                .filter(|k| p.products & (1 << k) != 0)
                .map(|k| PRODUCTS[k])
                .collect(),
            employees: p.employees,
            domain: p.domain.as_deref(),
            country: COUNTRIES[p.country as usize].code,
            joined_on: p.joined_on,
            annual_program_cost: p.annual_program_cost,
            sharing: p.sharing,
        })?;
    }
    f.finish()
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OwnerOut<'a> {
    Direct { rep: &'a str },
    Partner { partner_id: &'a str },
}

#[derive(Serialize)]
struct AccountOut<'a> {
    id: &'a str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<&'a str>,
    industry: &'static str,
    country: &'static str,
    region: Region,
    employees: u32,
    annual_revenue: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<OwnerOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor_relation: Option<Population>,
}

fn write_accounts(w: &World, out: &Path, progress: &Progress) -> anyhow::Result<usize> {
    let mut f = Ndjson::create(&out.join("accounts.ndjson"))?;
    let bar = progress.bar("accounts", w.accounts as u64);
    for a in 0..w.accounts {
        let c = &w.companies[a];
        let v = &w.vendor[a];
        let region = c.region();
        let owner = if v.owner_partner != NIL {
            Some(OwnerOut::Partner {
                partner_id: &w.partners[v.owner_partner as usize].id,
            })
        } else if v.direct_owned {
            Some(OwnerOut::Direct {
                rep: &w.reps[region_ix(region)][v.rep as usize],
            })
        } else {
            None
        };
        let id = account_id(a as u32);
        f.line(&AccountOut {
            id: &id,
            name: c.name.render(),
            domain: c.domain.as_deref(),
            industry: INDUSTRIES[c.industry as usize].0,
            country: COUNTRIES[c.country as usize].code,
            region,
            employees: c.employees,
            annual_revenue: c.revenue,
            owner,
            vendor_relation: v.relation,
        })?;
        if a % 4096 == 0 {
            bar.set_position(a as u64);
        }
    }
    bar.finish();
    f.finish()
}

#[derive(Serialize)]
struct FactorsOut<'a> {
    partner_id: &'a str,
    quality: f64,
    focus: f64,
    aggressiveness: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    offboarded_on: Option<NaiveDate>,
    records: usize,
    deals: u32,
    won: u32,
    sourced_won_usd: f64,
    influenced_won_usd: f64,
    registrations: u32,
    disputes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_win_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_first_revenue_days: Option<i64>,
}

fn write_factors(w: &World, stats: &[deals::Stats], path: &Path) -> anyhow::Result<()> {
    let mut f = Ndjson::create(path)?;
    let r4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    for ((p, s), list) in w.partners.iter().zip(stats).zip(&w.lists) {
        f.line(&FactorsOut {
            partner_id: &p.id,
            quality: r4(p.quality),
            focus: r4(p.focus),
            aggressiveness: r4(p.aggressiveness),
            offboarded_on: p.offboarded_on,
            records: list.len(),
            deals: s.deals,
            won: s.won,
            sourced_won_usd: s.sourced_won_usd,
            influenced_won_usd: s.influenced_won_usd,
            registrations: s.registrations,
            disputes: s.disputes,
            first_win_on: s.first_win,
            // Measured from joining or from the window's start, whichever is later, since the
            // data holds no deals before the window.
            time_to_first_revenue_days: s
                .first_win
                .zip(p.joined_on)
                .map(|(w1, j)| (w1 - j.max(w.start)).num_days()),
        })?;
    }
    f.finish()?;
    Ok(())
}

#[derive(Serialize)]
struct Manifest<'a> {
    generator: &'static str,
    seed: u64,
    config: &'a GenConfig,
    as_of: NaiveDate,
    protection_days: u64,
    counts: Counts,
}

#[derive(Serialize)]
struct Counts {
    partners: usize,
    accounts: usize,
    unknown_companies: usize,
    partner_records: usize,
    deals: usize,
    touchpoints: usize,
    registrations: usize,
    disputes: usize,
    plays: usize,
    play_runs: usize,
    ipps: usize,
}

fn write_manifest(cfg: &GenConfig, w: &World, s: &GenSummary, path: &Path) -> anyhow::Result<()> {
    let m = Manifest {
        generator: "ecograph synthetic ecosystem v2",
        seed: cfg.seed,
        config: cfg,
        as_of: w.as_of,
        protection_days: registrations::PROTECTION_DAYS,
        counts: Counts {
            partners: s.partners,
            accounts: s.accounts,
            unknown_companies: w.companies.len() - w.accounts,
            partner_records: s.partner_records,
            deals: s.deals,
            touchpoints: s.touchpoints,
            registrations: s.registrations,
            disputes: s.disputes,
            plays: s.plays,
            play_runs: s.play_runs,
            ipps: s.ipps,
        },
    };
    let mut f = BufWriter::new(File::create(path)?);
    serde_json::to_writer_pretty(&mut f, &m)?;
    f.write_all(b"\n")?;
    f.flush()?;
    Ok(())
}
