//! Grouping matched records into entities without chaining.
//!
//! Plain connected components (single linkage) merge two large companies as soon as one bad
//! pair links them, and one Philips record mistaken for a Shell record would fuse both. Here
//! clusters merge only when the *average* match probability over all cross pairs is at least
//! the threshold (average linkage). Cross pairs that blocking never compared are scored on
//! demand, so a single strong link between two big clusters is outvoted by the many weak
//! pairs behind it. Very large merges are judged on an evenly spaced sample of at most
//! `SAMPLE x SAMPLE` cross pairs to bound the cost. Candidate edges are visited strongest
//! first, like greedy agglomerative clustering, and a failed merge is not retried until one
//! of the two clusters has grown.

use std::collections::{HashMap, HashSet};

/// Largest number of members per side used when judging a merge.
const SAMPLE: usize = 40;

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn spaced(v: &[usize]) -> Vec<usize> {
    if v.len() <= SAMPLE {
        return v.to_vec();
    }
    (0..SAMPLE).map(|k| v[k * v.len() / SAMPLE]).collect()
}

/// Average-linkage clustering of `n` items from scored candidate edges `(i, j, p)`.
/// `score(i, j)` gives the probability for any pair (used for pairs blocking skipped).
/// Returns a dense cluster id per item.
pub fn average_linkage(
    n: usize,
    edges: &[(u32, u32, f64)],
    threshold: f64,
    score: impl Fn(usize, usize) -> f64,
) -> Vec<usize> {
    let mut known: HashMap<(u32, u32), f64> = HashMap::with_capacity(edges.len());
    for &(i, j, p) in edges {
        known.insert((i.min(j), i.max(j)), p);
    }
    let mut order: Vec<&(u32, u32, f64)> = edges.iter().filter(|e| e.2 >= threshold).collect();
    order.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let mut parent: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut failed: HashSet<(usize, usize, usize, usize)> = HashSet::new();
    for &&(i, j, _) in &order {
        let (ra, rb) = (find(&mut parent, i as usize), find(&mut parent, j as usize));
        if ra == rb {
            continue;
        }
        let (ra, rb) = (ra.min(rb), ra.max(rb));
        let tag = (ra, rb, members[ra].len(), members[rb].len());
        if failed.contains(&tag) {
            continue;
        }
        let (sa, sb) = (spaced(&members[ra]), spaced(&members[rb]));
        let mut sum = 0.0;
        for &x in &sa {
            for &y in &sb {
                let key = (x.min(y) as u32, x.max(y) as u32);
                sum += known.get(&key).copied().unwrap_or_else(|| score(x, y));
            }
        }
        let avg = sum / (sa.len() * sb.len()) as f64;
        if avg >= threshold {
            let (big, small) = if members[ra].len() >= members[rb].len() {
                (ra, rb)
            } else {
                (rb, ra)
            };
            let moved = std::mem::take(&mut members[small]);
            members[big].extend(moved);
            parent[small] = big;
        } else {
            failed.insert(tag);
        }
    }
    let mut ids = vec![0usize; n];
    let mut dense: HashMap<usize, usize> = HashMap::new();
    for (i, id) in ids.iter_mut().enumerate() {
        let r = find(&mut parent, i);
        let next = dense.len();
        *id = *dense.entry(r).or_insert(next);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two groups of 5 that match internally, joined by one strong false link: they must stay
    /// apart, whereas single linkage would chain them.
    #[test]
    fn one_bad_link_does_not_chain() {
        let same = |i: usize, j: usize| (i < 5) == (j < 5);
        let score = |i: usize, j: usize| if same(i, j) { 0.95 } else { 0.02 };
        let mut edges: Vec<(u32, u32, f64)> = Vec::new();
        for i in 0..10u32 {
            for j in i + 1..10 {
                if same(i as usize, j as usize) {
                    edges.push((i, j, 0.95));
                }
            }
        }
        // Weaker than the true links, as a false link usually is, so both groups form first.
        edges.push((4, 5, 0.9));
        let ids = average_linkage(10, &edges, 0.5, score);
        assert!(ids[..5].iter().all(|&c| c == ids[0]));
        assert!(ids[5..].iter().all(|&c| c == ids[5]));
        assert_ne!(ids[0], ids[5]);
    }

    #[test]
    fn empty_and_singletons() {
        assert!(average_linkage(0, &[], 0.5, |_, _| 0.0).is_empty());
        assert_eq!(average_linkage(3, &[], 0.5, |_, _| 0.0), vec![0, 1, 2]);
    }
}
