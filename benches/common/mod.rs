//! What the benchmarks over a generated ecosystem share: their size from the environment, the
//! seeded world loaded as the service would hold it, and percentiles of per-call timings.

use ecograph::generator::{GenConfig, generate};
use ecograph::service::Ecosystem;

/// A size from the environment, else `default`.
pub fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `q` quantile of `v` (nearest rank).
pub fn percentile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 - 1.0) * q).round() as usize]
}

/// A seed-42 world of ECOGRAPH_BENCH_PARTNERS / ECOGRAPH_BENCH_ACCOUNTS (default 1,000 / 50,000),
/// generated and imported into SQLite under `dir` with the serving conflict engine (so imported
/// registrations are assessed as the service would), its resolution index built and the serving
/// partner-intelligence models set.
pub fn world(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> Ecosystem {
    let eco_dir = dir.join("eco");
    let cfg = GenConfig {
        seed: 42,
        partners: size("ECOGRAPH_BENCH_PARTNERS", 1_000),
        accounts: size("ECOGRAPH_BENCH_ACCOUNTS", 50_000),
        start: chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
        years: 3,
    };
    generate(&cfg, &eco_dir, false).unwrap();
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    rt.block_on(async {
        let eco = Ecosystem::load(ecograph::store::open(&url).await.unwrap())
            .await
            .unwrap()
            .0;
        ecograph::training::use_serving_engine(&eco, Default::default())
            .await
            .unwrap();
        ecograph::import::import_dir(&eco, &eco_dir, false)
            .await
            .unwrap();
        eco.warm_resolution().await.unwrap();
        eco.set_intel_models(
            ecograph::registry::serving_intel_models(&**eco.store())
                .await
                .unwrap(),
        );
        eco
    })
}
