//! Latency under concurrent load: N connections each issuing requests for a fixed time against a
//! running ecograph, then p50/p90/p99/max. Criterion reports medians of sequential calls; tail
//! latency under concurrency needs this open-loop harness.
//!
//! ECOGRAPH_LOAD_MODE: `read` (default; GETs of random accounts) or `register` (POSTs of new deal
//! registrations by random partners on random accounts, each assessed inline and written).
//! ECOGRAPH_LOAD_URL (default http://127.0.0.1:8080), ECOGRAPH_LOAD_CONNECTIONS (64),
//! ECOGRAPH_LOAD_SECONDS (20), ECOGRAPH_LOAD_RATE (requests per second in all; unpaced if 0),
//! ECOGRAPH_LOAD_ACCOUNTS (1,000,000: ids A-0000001.. to draw from), ECOGRAPH_LOAD_PARTNERS
//! (10,000: ids P-00001..).
//! Without a reachable server it says so and exits successfully, so `cargo bench` alone still runs.

use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

fn env<T: std::str::FromStr>(k: &str, d: T) -> T {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

#[tokio::main]
async fn main() {
    let base: String = env("ECOGRAPH_LOAD_URL", "http://127.0.0.1:8080".to_string());
    let conns: usize = env("ECOGRAPH_LOAD_CONNECTIONS", 64);
    let secs: u64 = env("ECOGRAPH_LOAD_SECONDS", 20);
    let accounts: u32 = env("ECOGRAPH_LOAD_ACCOUNTS", 1_000_000);
    let rate: f64 = env("ECOGRAPH_LOAD_RATE", 0.0);
    let partners: u32 = env("ECOGRAPH_LOAD_PARTNERS", 10_000);
    let register = env("ECOGRAPH_LOAD_MODE", "read".to_string()) == "register";
    // Registration ids unique to this run, so a second run does not replay the first's.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let gap = (rate > 0.0).then(|| Duration::from_secs_f64(conns as f64 / rate));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .build()
        .unwrap();
    if client.get(format!("{base}/healthz")).send().await.is_err() {
        eprintln!(
            "http_load: no ecograph at {base}; start one (see README) and set ECOGRAPH_LOAD_URL"
        );
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in 0..conns {
        let client = client.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(c as u64);
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut next =
                Instant::now() + gap.map_or(Duration::ZERO, |g| g.mul_f64(c as f64 / conns as f64));
            while Instant::now() < deadline {
                if let Some(g) = gap {
                    tokio::time::sleep_until(next.into()).await;
                    next += g;
                }
                let id = rng.random_range(1..=accounts);
                let t = Instant::now();
                let request = if register {
                    let p = rng.random_range(1..=partners);
                    client
                        .post(format!("{base}/v1/deal-registrations"))
                        .json(&serde_json::json!({
                            "id": format!("LOAD-{run}-{c}-{}", lat.len() + errors as usize),
                            "partner_id": format!("P-{p:05}"),
                            "account_id": format!("A-{id:07}"),
                            "products": ["Atlas CRM"],
                            "amount": 50000
                        }))
                } else {
                    client.get(format!("{base}/v1/accounts/A-{id:07}"))
                };
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    all.sort();
    let q = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "http_load: {} requests in {secs} s over {conns} connections ({:.0}/s, {}), {errors} errors; p50 {:?} p90 {:?} p99 {:?} max {:?}",
        all.len(),
        all.len() as f64 / secs as f64,
        if rate > 0.0 {
            format!("paced at {rate}/s")
        } else {
            "closed loop".to_string()
        },
        q(0.5),
        q(0.9),
        q(0.99),
        all[all.len() - 1]
    );
}
