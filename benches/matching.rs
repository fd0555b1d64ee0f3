//! Criterion benches on seeded synthetic data: 100k accounts vs 10k partner records, one
//! pair score, and single-record resolution against an Index of 100k.

use criterion::{Criterion, criterion_group, criterion_main};
use ecograph::matching::{Index, Matcher, prepare, synth};
use rayon::prelude::*;

fn model() -> Matcher {
    let s = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/matcher.json"))
        .expect("models/matcher.json is committed; `ecograph matcher train` rebuilds it");
    Matcher::from_json(&s).expect("model")
}

fn benches(c: &mut Criterion) {
    let m = model();
    let (left, right, _) = synth::link_lists(99, 100_000, 10_000, 0.9, 1.0);
    let mut g = c.benchmark_group("matching");
    // Small on purpose: the whole bench finishes in a few minutes on a shared 2-core machine.
    g.sample_size(10);
    g.warm_up_time(std::time::Duration::from_secs(1));
    g.measurement_time(std::time::Duration::from_secs(5));
    g.bench_function("match_lists_100k_x_10k", |b| {
        b.iter(|| m.match_lists(&left, &right, m.threshold()))
    });
    let (a, bb) = (prepare(&left[0]), prepare(&right[0]));
    g.bench_function("score_pair", |b| b.iter(|| m.score_pair(&a, &bb)));
    g.bench_function("prepare", |b| b.iter(|| prepare(&right[1])));
    let index = Index::from_prepared(left.par_iter().map(prepare).collect());
    let mut i = 0;
    g.bench_function("index_resolve_100k_k5", |b| {
        b.iter(|| {
            i = (i + 1) % right.len();
            index.resolve(&right[i], 5, &m)
        })
    });
    g.finish();
}

criterion_group!(matching, benches);
criterion_main!(matching);
