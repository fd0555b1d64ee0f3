//! The account-mapping speed targets, on seeded synthetic data (seed 2024):
//! - mapping 1,000,000 vendor accounts against 100,000 noisy partner records (90% planted), end to
//!   end from the two record lists to matched pairs;
//! - resolving one incoming record against an index of 1,000,000 accounts (the linking path
//!   `Index::best_match`, and the ranked `Index::resolve` with k = 5);
//! - the same mapping on the dense stress world (`matching::stress`, seed 41).
//!
//! Before measuring, one run prints what the timings alone cannot show: recall of the planted
//! matches, candidate pairs, the blocking reduction ratio, pairs compared per second per core and
//! the process's peak resident memory. `cargo bench --bench matching_scale` (about 15 minutes;
//! `-- stress` for the stress world alone, after the generator world's first pass).

use criterion::{Criterion, criterion_group, criterion_main};
use ecograph::matching::{Index, Matcher, prepare, stress, synth};
use rayon::prelude::*;
use std::time::{Duration, Instant};

// The allocator `ecograph match` and the service run with, so the bench measures what ships.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LEFT: usize = 1_000_000;
const RIGHT: usize = 100_000;

fn model() -> Matcher {
    let s = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/matcher.json"))
        .expect("models/matcher.json is committed; `ecograph matcher train` rebuilds it");
    Matcher::from_json(&s).expect("model")
}

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn benches(c: &mut Criterion) {
    let m = model();
    let (left, right, truth) = synth::link_lists(2024, LEFT, RIGHT, 0.9, 1.0);

    let t = Instant::now();
    let (pairs, stats) = m.match_lists(&left, &right, m.threshold());
    let secs = t.elapsed().as_secs_f64();
    let planted = truth.iter().filter(|t| t.is_some()).count();
    let found = pairs
        .iter()
        .filter(|p| truth[p.right] == Some(p.left))
        .count();
    let cores = rayon::current_num_threads();
    eprintln!(
        "map {LEFT} x {RIGHT}: {secs:.1} s, {} pairs, recall of planted {found}/{planted} = {:.4}, \
         candidate pairs {}, reduction ratio {:.6}, {:.0} pairs/s/core ({cores} threads), peak RSS {} MiB",
        pairs.len(),
        found as f64 / planted.max(1) as f64,
        stats.candidate_pairs,
        stats.reduction_ratio,
        stats.candidate_pairs as f64 / secs / cores as f64,
        peak_mib().map_or("?".into(), |m| m.to_string()),
    );

    let mut g = mapping_group(c);
    // Timed end to end as `ecograph match` runs: the pairs, then the decision.
    g.bench_function("map_1m_x_100k", |b| {
        b.iter(|| m.match_and_decide(&left, &right, m.threshold(), false, &()))
    });
    let index = Index::from_prepared(left.par_iter().map(prepare).collect());
    g.measurement_time(Duration::from_secs(10));
    let mut i = 0;
    g.bench_function("best_match_1m", |b| {
        b.iter(|| {
            i = (i + 1) % right.len();
            index.best_match(&right[i], m.threshold(), &m)
        })
    });
    g.bench_function("resolve_1m_k5", |b| {
        b.iter(|| {
            i = (i + 1) % right.len();
            index.resolve(&right[i], 5, &m)
        })
    });
    g.finish();

    // Tail latency of single-record resolution, which criterion's summary does not report.
    let mut lat: Vec<f64> = right
        .iter()
        .take(5_000)
        .map(|r| {
            let t = Instant::now();
            std::hint::black_box(index.best_match(r, m.threshold(), &m));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    lat.sort_by(f64::total_cmp);
    eprintln!(
        "best_match against 1M, 5,000 queries on one thread: p50 {:.3} ms, p99 {:.3} ms",
        lat[lat.len() / 2],
        lat[lat.len() * 99 / 100]
    );
}

/// The same mapping on the dense stress world (`matching::stress`, seed 41): shared roots,
/// descriptors and cities, 40% of right records without a counterpart. Its names make blocking
/// and scoring harder than the generator's, so it is timed too.
fn stress(c: &mut Criterion) {
    let m = model();
    let w = stress::generate(41, LEFT, RIGHT).expect("a 1M stress world fits its name space");
    let index: std::collections::HashMap<&str, usize> = w
        .left
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let rindex: std::collections::HashMap<&str, usize> = w
        .right
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let truth: std::collections::HashSet<(usize, usize)> = w
        .truth
        .iter()
        .map(|(l, r)| (index[l.as_str()], rindex[r.as_str()]))
        .collect();
    let t = Instant::now();
    let (pairs, stats) = m.match_lists(&w.left, &w.right, m.threshold());
    let secs = t.elapsed().as_secs_f64();
    let found = pairs
        .iter()
        .filter(|p| truth.contains(&(p.left, p.right)))
        .count();
    eprintln!(
        "stress map {LEFT} x {RIGHT}: {secs:.1} s, {} pairs above the threshold, recall of true pairs {found}/{} = {:.4}, \
         candidate pairs {} ({:.1} per right record), peak RSS {} MiB",
        pairs.len(),
        truth.len(),
        found as f64 / truth.len().max(1) as f64,
        stats.candidate_pairs,
        stats.candidate_pairs as f64 / RIGHT as f64,
        peak_mib().map_or("?".into(), |m| m.to_string()),
    );
    let mut g = mapping_group(c);
    g.bench_function("map_stress_1m_x_100k", |b| {
        b.iter(|| m.match_and_decide(&w.left, &w.right, m.threshold(), false, &()))
    });
    g.finish();
}

/// The group both worlds' 1M x 100k mappings run in: ten samples of about a minute.
fn mapping_group(
    c: &mut Criterion,
) -> criterion::BenchmarkGroup<'_, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group("matching_scale");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(60));
    g
}

criterion_group!(matching_scale, benches, stress);
criterion_main!(matching_scale);
