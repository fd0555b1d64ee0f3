//! Criterion benchmarks of deal registration on a seeded generated ecosystem: the assessment
//! in-process (by account id, and with a raw company record resolved first), and training the
//! conflict model on every registration the store holds.
//!
//! Size with ECOGRAPH_BENCH_PARTNERS / ECOGRAPH_BENCH_ACCOUNTS (default 1,000 / 50,000; the issue's
//! scale is 10,000 / 1,000,000). The per-call distribution (p50 / p99) of the assessment over
//! 10,000 registrations of random generated claims is printed before criterion's own timing.

use criterion::{Criterion, criterion_group, criterion_main};
use ecograph::conflict::train::{examples, train};
use ecograph::domain::{Claim, ClaimFields, Id, Kind};
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

mod common;

use common::{percentile, world};

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let eco = world(&rt, tmp.path());
    let (partners, accounts, registrations) = eco.read(|g| {
        let ids = |k: Kind| -> Vec<String> {
            g.iter_from(k, None)
                .map(|n| ecograph::graph::node_id(n).to_string())
                .collect()
        };
        (
            ids(Kind::Partner),
            ids(Kind::Account),
            g.count(Kind::Registration),
        )
    });
    eprintln!(
        "{} partners, {} accounts, {registrations} registrations",
        partners.len(),
        accounts.len()
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let claims: Vec<Claim> = (0..10_000)
        .map(|_| {
            Claim::parse(
                ClaimFields {
                    partner_id: partners[rng.random_range(0..partners.len())].clone(),
                    account_id: accounts[rng.random_range(0..accounts.len())].clone(),
                    deal_id: None,
                    products: vec!["Atlas CRM".into()],
                    amount: Some(100_000.0),
                    currency: None,
                    expected_close_date: None,
                    partners: Vec::new(),
                },
                chrono::Utc::now(),
            )
            .unwrap()
        })
        .collect();
    let id = Id::parse("id", "R-BENCH").unwrap();
    let now = chrono::Utc::now();
    let micros: Vec<f64> = claims
        .iter()
        .map(|cl| {
            let t = Instant::now();
            eco.assess_claim(&id, cl, now).unwrap();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    eprintln!(
        "assessment by account id: p50 {:.1} us, p99 {:.1} us, max {:.1} us",
        percentile(micros.clone(), 0.5),
        percentile(micros.clone(), 0.99),
        percentile(micros, 1.0)
    );
    // A raw company record: resolved with the matcher, then assessed.
    let names: Vec<ecograph::matching::Record> = eco.read(|g| {
        (0..2_000)
            .map(|i| {
                let a = g.account(&accounts[(i * 7919) % accounts.len()]).unwrap();
                let mut r = ecograph::service::account_record(a);
                r.name = r.name.to_uppercase();
                r.id = String::new();
                r
            })
            .collect()
    });
    let threshold = ecograph::matching::card::shipped_ref().threshold();
    let micros: Vec<f64> = names
        .iter()
        .zip(&claims)
        .map(|(rec, cl)| {
            let t = Instant::now();
            // As registration resolves its account: the decided match, if any.
            let (found, one) = rt
                .block_on(eco.resolve_decided(rec.clone(), 5, threshold))
                .unwrap();
            let mut cl = cl.clone();
            if let ecograph::matching::decide::One::Match(k) = one {
                cl.account_id = found[k].account.id.clone();
            }
            eco.assess_claim(&id, &cl, now).unwrap();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    eprintln!(
        "resolve a company record, then assess: p50 {:.1} us, p99 {:.1} us",
        percentile(micros.clone(), 0.5),
        percentile(micros, 0.99)
    );

    let mut g = c.benchmark_group("conflict");
    g.sample_size(50).measurement_time(Duration::from_secs(10));
    let mut k = 0;
    g.bench_function("assess_by_account_id", |b| {
        b.iter(|| {
            k = (k + 1) % claims.len();
            eco.assess_claim(&id, &claims[k], now).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("conflict_training");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    let rules = ecograph::conflict::Rules::default();
    g.bench_function(
        format!("features_and_fit_{registrations}_registrations"),
        |b| {
            b.iter(|| {
                let ex = eco.read(|g| examples(g, &rules));
                train(&ex, &rules, None, "bench").unwrap()
            })
        },
    );
    g.finish();
}

criterion_group!(conflict, benches);
criterion_main!(conflict);
