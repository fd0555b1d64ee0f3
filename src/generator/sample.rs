//! Random draws the generator needs beyond `rand`: seeded sub-streams, normal and log-normal
//! variates, weighted and skewed choices.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Sub-stream labels: each part of the world draws from its own stream, so that changing how one
/// part is generated does not reshuffle the others, and parallel work stays deterministic.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub(crate) enum Stream {
    /// Company attributes and names.
    Companies = 1,
    /// Partner attributes.
    Partners = 2,
    /// Which companies each partner lists.
    Assign = 3,
    /// Noise on one partner's export.
    Noise = 4,
    /// A company's address and phone, shared by every partner that lists it.
    Site = 5,
    /// Vendor-side account fields (relation, owner).
    Accounts = 6,
    /// Deals, their touchpoints and registrations.
    Deals = 7,
    /// Account-level touchpoints.
    Touches = 8,
    /// The decisions on one registration.
    Decisions = 9,
    /// One partner's play runs; index `u64::MAX` holds the hidden play and profile vectors.
    PlayRuns = 10,
}

/// SplitMix64 finaliser: spreads nearby inputs over the whole seed space.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream for item `index` of `stream` under `seed`.
pub(crate) fn rng_for(seed: u64, stream: Stream, index: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(mix(mix(seed ^ mix(stream as u64)) ^ index))
}

/// A standard normal variate (Box-Muller).
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal variate with the given median and log-scale spread.
pub(crate) fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A uniformly chosen element; `items` must not be empty.
pub(crate) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An index drawn with probability proportional to `weights`.
pub(crate) fn weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// An index into a list sorted largest first, skewed towards the front: `skew` 1 is uniform,
/// larger values favour the big entries (GSIs work with enterprises, referral partners do not).
pub(crate) fn skewed(rng: &mut ChaCha8Rng, len: usize, skew: f64) -> usize {
    let u: f64 = rng.random();
    ((len as f64) * u.powf(skew)).min(len as f64 - 1.0) as usize
}

/// The logistic function.
pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A Poisson variate with mean `lambda` (by multiplying uniforms; `lambda` is capped at 100).
pub(crate) fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u64 {
    let limit = (-lambda.clamp(0.0, 100.0)).exp();
    let mut k = 0;
    let mut p: f64 = rng.random();
    while p > limit {
        k += 1;
        p *= rng.random::<f64>();
    }
    k
}
