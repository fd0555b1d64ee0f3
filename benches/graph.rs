//! Criterion benchmarks on a seeded generated ecosystem: rebuilding the graph from SQLite, bulk
//! import, and one entity read over HTTP.
//!
//! Size with ECOGRAPH_BENCH_PARTNERS / ECOGRAPH_BENCH_ACCOUNTS (default 200 / 20,000).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecograph::generator::{GenConfig, generate};
use ecograph::service::Ecosystem;
use std::path::Path;
use std::time::Duration;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config() -> GenConfig {
    GenConfig {
        seed: 42,
        partners: size("ECOGRAPH_BENCH_PARTNERS", 200),
        accounts: size("ECOGRAPH_BENCH_ACCOUNTS", 20_000),
        start: chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
        years: 3,
    }
}

async fn fresh(url: &str) -> Ecosystem {
    Ecosystem::load(ecograph::store::open(url).await.unwrap())
        .await
        .unwrap()
        .0
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("eco");
    let cfg = config();
    generate(&cfg, &dir, false).unwrap();
    let url = format!("sqlite://{}", tmp.path().join("bench.db").display());
    let eco = rt.block_on(fresh(&url));
    let report = rt
        .block_on(ecograph::import::import_dir(&eco, &dir, false))
        .unwrap();
    let rows = report.rows() as u64;
    drop(eco);

    let mut g = c.benchmark_group("store");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(rows));
    g.bench_function(
        format!("rebuild_graph_from_sqlite_{}_accounts", cfg.accounts),
        |b| b.iter(|| rt.block_on(fresh(&url))),
    );
    let accounts = std::fs::read(dir.join("accounts.ndjson")).unwrap();
    // Accounts may name their owning partner, so each import starts from a store holding the partners.
    let partners_only = tmp.path().join("partners_only");
    std::fs::create_dir_all(&partners_only).unwrap();
    std::fs::copy(
        dir.join("partners.ndjson"),
        partners_only.join("partners.ndjson"),
    )
    .unwrap();
    g.throughput(Throughput::Elements(cfg.accounts as u64));
    g.bench_function(format!("bulk_import_{}_accounts", cfg.accounts), |b| {
        b.iter_batched(
            || {
                let t = tempfile::tempdir().unwrap();
                let u = format!("sqlite://{}", t.path().join("i.db").display());
                let eco = rt.block_on(fresh(&u));
                rt.block_on(ecograph::import::import_dir(&eco, &partners_only, false))
                    .unwrap();
                (t, eco)
            },
            |(_t, eco)| rt.block_on(import_accounts(&eco, &accounts)),
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("http");
    let app = rt.block_on(serve(&url));
    let client = reqwest::Client::new();
    let target = format!("{}/v1/accounts/A-0000042", app.0);
    g.bench_function("get_account", |b| {
        b.iter(|| {
            rt.block_on(async {
                client
                    .get(&target)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap()
            })
        })
    });
    g.finish();
    rt.block_on(app.1.stop(true));
}

async fn import_accounts(eco: &Ecosystem, ndjson: &[u8]) {
    use ecograph::domain::{Account, AccountInput, Id};
    use ecograph::graph::Node;
    let rows = ecograph::api::extract::parse_ndjson_with_id::<AccountInput>(ndjson)
        .into_iter()
        .map(|(row, r)| {
            let (id, input) = r.unwrap();
            (
                row,
                Ok(Node::Account(Box::new(
                    Account::from_input(Id::parse("id", &id).unwrap(), input).unwrap(),
                ))),
            )
        })
        .collect();
    let report = eco
        .upsert_many(
            ecograph::domain::Kind::Account,
            rows,
            false,
            &ecograph::service::Actor::cli("bench"),
        )
        .await
        .unwrap();
    assert!(report.rejected.is_empty());
}

async fn serve(url: &str) -> (String, actix_web::dev::ServerHandle) {
    let settings = ecograph::settings::Settings {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: url.to_string(),
        demo: false,
        create_db: true,
        demo_dir: Path::new("fixtures/demo").into(),
        workers: 2,
        json_limit: 1 << 20,
        bulk_limit: 1 << 29,
        log: "warn".into(),
        master_key: None,
        log_format: ecograph::settings::LogFormat::Text,
        metrics_token: None,
        auth_failures: Default::default(),
        rules: Default::default(),
        expiry_every: std::time::Duration::from_secs(60),
    };
    let running = ecograph::startup::build(&settings).await.unwrap();
    let handle = running.server.handle();
    tokio::spawn(running.server);
    (format!("http://{}", running.addr), handle)
}

criterion_group!(graph, benches);
criterion_main!(graph);
