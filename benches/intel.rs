//! Criterion benchmarks of partner intelligence on a seeded generated ecosystem: the snapshot
//! build, partner recommendations for one deal, an IPP-fit score, the recruiting ranking over
//! 10,000 candidates and play recommendations for one partner.
//!
//! Size with ECOGRAPH_BENCH_PARTNERS / ECOGRAPH_BENCH_ACCOUNTS (default 1,000 / 50,000; the issue's
//! scale is 10,000 / 1,000,000). Before criterion's own timing, each per-call distribution
//! (p50 / p99 over many random calls) is printed.

use criterion::{Criterion, criterion_group, criterion_main};
use ecograph::domain::{Id, Ipp, Kind, Partner, PartnerRole, PartnerStatus};
use ecograph::graph::Node;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

mod common;

use common::{percentile, world};

fn report(what: &str, micros: Vec<f64>) {
    eprintln!(
        "{what}: n {}  p50 {:.1} µs  p99 {:.1} µs  max {:.1} µs",
        micros.len(),
        percentile(micros.clone(), 0.5),
        percentile(micros.clone(), 0.99),
        percentile(micros, 1.0)
    );
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let eco = world(&rt, tmp.path());
    let t = Instant::now();
    let picture = rt.block_on(eco.picture()).unwrap();
    eprintln!(
        "snapshot: {} partners, {} accounts, {} links, built in {:.2} s",
        picture.snapshot.partners.len(),
        picture.snapshot.accounts.len(),
        picture.snapshot.links(),
        t.elapsed().as_secs_f64()
    );
    let models = eco.intel_models();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);

    // Partners for one deal.
    type DealAsk = (String, String, Vec<(Id, PartnerRole)>);
    let deals: Vec<DealAsk> = eco.read(|g| {
        g.iter_from(Kind::Deal, None)
            .filter_map(|n| match n {
                Node::Deal(d) => Some((
                    d.id.to_string(),
                    d.account_id.to_string(),
                    d.partners
                        .iter()
                        .map(|p| (p.partner_id.clone(), p.role))
                        .collect(),
                )),
                _ => None,
            })
            .collect()
    });
    let picks: Vec<&DealAsk> = (0..2_000)
        .map(|_| &deals[rng.random_range(0..deals.len())])
        .collect();
    let mut times = Vec::with_capacity(picks.len());
    for (id, account, on) in &picks {
        let t = Instant::now();
        let r = ecograph::api::intel::recommend(
            &eco,
            &picture,
            models.partners.as_ref(),
            account,
            Some((id.as_str(), on.clone())),
            10,
        );
        times.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(r);
    }
    report("partner recommendations for one deal", times);

    // IPP fit of one partner.
    let ipps: Vec<Ipp> = eco.read(|g| g.ipps().cloned().collect());
    let partners: Vec<Partner> = eco.read(|g| {
        g.iter_from(Kind::Partner, None)
            .filter_map(|n| match n {
                Node::Partner(p) => Some((**p).clone()),
                _ => None,
            })
            .collect()
    });
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut times = Vec::new();
    for _ in 0..10_000 {
        let p = &partners[rng.random_range(0..partners.len())];
        let ipp = &ipps[rng.random_range(0..ipps.len())];
        let t = Instant::now();
        let r = ecograph::api::intel::score_partner(
            &picture,
            models.success.as_ref(),
            p,
            std::slice::from_ref(ipp),
            today,
        );
        times.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(r);
    }
    report("IPP-fit score of one partner", times);

    // The recruiting ranking over 10,000 candidates (partners recast as prospects when the world
    // has fewer applicants and prospects than that).
    let pool: Vec<Partner> = (0..10_000)
        .map(|i| {
            let mut p = partners[i % partners.len()].clone();
            p.status = PartnerStatus::Prospect;
            p
        })
        .collect();
    let refs: Vec<&Partner> = pool.iter().collect();
    let coverage = picture.coverage();
    let success = models
        .success
        .as_ref()
        .map(|m| (&m.model, m.version.as_str()));
    let mut times = Vec::new();
    for i in 0..20 {
        let t = Instant::now();
        let r = ecograph::intel::recruit::rank(
            &picture.snapshot,
            coverage,
            &refs,
            &ipps[i % ipps.len()],
            success,
            today,
            20,
        );
        times.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(r);
    }
    report("recruiting ranking over 10,000 candidates", times);

    // Play recommendations for one partner (the outcome book is gathered once per snapshot).
    let times = eco.read(|g| {
        let book = &picture.plays(g).book;
        let mut times = Vec::new();
        for _ in 0..10_000 {
            let p = &partners[rng.random_range(0..partners.len())];
            let ix = picture.snapshot.partner(p.id.as_str()).unwrap_or(u32::MAX);
            let prof = ecograph::intel::plays::profile(p);
            let t = Instant::now();
            let r = match &models.plays {
                Some(m) => ecograph::intel::plays::recommend(book, &m.model, ix, &prof),
                None => ecograph::intel::plays::recommend_by_type(book, ix, &prof),
            };
            times.push(t.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(r);
        }
        times
    });
    report("play recommendations for one partner", times);

    let mut g = c.benchmark_group("intel");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    let (id, account, on) = picks[0];
    g.bench_function("deal_recommendations", |b| {
        b.iter(|| {
            ecograph::api::intel::recommend(
                &eco,
                &picture,
                models.partners.as_ref(),
                account,
                Some((id.as_str(), on.clone())),
                10,
            )
        })
    });
    g.bench_function("recruiting_10k", |b| {
        b.iter(|| {
            ecograph::intel::recruit::rank(
                &picture.snapshot,
                coverage,
                &refs,
                &ipps[0],
                success,
                today,
                20,
            )
        })
    });
    g.finish();
}

criterion_group!(intel, benches);
criterion_main!(intel);
