//! Incremental blocking index over prepared records: insert, remove, and candidate lookup.
//! The batch operations (`match_lists`, `dedupe`) use the same index, so the service's
//! one-at-a-time resolution and bulk mapping block identically.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::blocking::{self, BlockingConfig, KeyKind};
use super::distinct::{Freqs, TokenCounts, ValueField};
use super::evidence::Evidence;
use super::model::Matcher;
use super::record::{Prepared, Record, prepare};

/// One resolution candidate: the caller's key, the match probability and its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Key the record was inserted under.
    pub key: u64,
    /// Match probability.
    pub score: f64,
    /// Per-field evidence.
    pub evidence: Vec<Evidence>,
}

struct Slot {
    key: u64,
    prep: Prepared,
}

/// Blocking keys are already 64-bit hashes, so the posting map uses them as they are.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Slots of one blocking key, sorted by (name, slot). Most keys (domains, phones, rare
/// tokens) hold a single record, so that case needs no heap allocation; longer lists are exact
/// boxed slices (a map entry of 24 bytes instead of 32, and no spare capacity), because after the
/// bulk build they change only one record at a time.
enum Posting {
    One(u32),
    Many(Box<[u32]>),
}

impl Posting {
    fn as_slice(&self) -> &[u32] {
        match self {
            Posting::One(x) => std::slice::from_ref(x),
            Posting::Many(v) => v,
        }
    }

    fn from_vec(v: Vec<u32>) -> Self {
        match v[..] {
            [only] => Posting::One(only),
            _ => Posting::Many(v.into_boxed_slice()),
        }
    }

    fn from_slice(v: &[u32]) -> Self {
        match v {
            [only] => Posting::One(*only),
            _ => Posting::Many(v.into()),
        }
    }

    /// Appends slots that sort after every slot already held.
    fn append(&mut self, more: &[u32]) {
        let mut v = Vec::with_capacity(self.as_slice().len() + more.len());
        v.extend_from_slice(self.as_slice());
        v.extend_from_slice(more);
        *self = Posting::Many(v.into_boxed_slice());
    }

    /// Removes `slot`; returns whether the posting is now empty.
    fn remove(&mut self, slot: u32) -> bool {
        match self {
            Posting::One(x) => *x == slot,
            Posting::Many(v) => {
                let kept: Vec<u32> = v.iter().copied().filter(|x| *x != slot).collect();
                match kept[..] {
                    [] => true,
                    [only] => {
                        *self = Posting::One(only);
                        false
                    }
                    _ => {
                        if kept.len() != v.len() {
                            *v = kept.into_boxed_slice();
                        }
                        false
                    }
                }
            }
        }
    }
}

type Postings = HashMap<u64, Posting, BuildHasherDefault<KeyHasher>>;

/// What the index counts beside its postings for [`TokenCounts::value_count`]: records per city
/// (cities are no blocking key, so no posting list counts them) and records with each counted
/// field present. Domains, phones and postal codes are counted by their posting lists.
#[derive(Default)]
struct Values {
    cities: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// Records with a domain, a phone key, a postal key and a city, in [`ValueField`] order.
    present: [u32; 4],
    /// Records per distinct normalised name.
    names: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// Distinct names holding each name token: a word's frequency in the list, counted once
    /// per spelling of a name, so that one company entered a hundred times under one name does
    /// not make its name a common word (see [`TokenCounts::count`] for [`Index`]).
    name_tokens: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
}

impl Values {
    fn fields(p: &Prepared) -> [bool; 4] {
        [
            p.domain().is_some(),
            p.phone().and_then(blocking::phone_key).is_some(),
            p.postal().and_then(blocking::postal_key).is_some(),
            p.city().is_some(),
        ]
    }

    /// The distinct tokens of `p`'s name, each once.
    fn name_tokens(p: &Prepared) -> Vec<&str> {
        let mut t: Vec<&str> = p.name().split(' ').filter(|t| !t.is_empty()).collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    fn add(&mut self, p: &Prepared) {
        for (n, has) in self.present.iter_mut().zip(Self::fields(p)) {
            *n += u32::from(has);
        }
        let seen = self
            .names
            .entry(blocking::hash_key(b'n', p.name()))
            .or_default();
        *seen += 1;
        if *seen == 1 {
            for t in Self::name_tokens(p) {
                *self
                    .name_tokens
                    .entry(blocking::hash_key(b't', t))
                    .or_default() += 1;
            }
        }
        if let Some(c) = p.city() {
            *self.cities.entry(blocking::hash_key(b'c', c)).or_default() += 1;
        }
    }

    fn sub(&mut self, p: &Prepared) {
        for (n, has) in self.present.iter_mut().zip(Self::fields(p)) {
            *n -= u32::from(has);
        }
        let key = blocking::hash_key(b'n', p.name());
        if let Some(n) = self.names.get_mut(&key) {
            *n -= 1;
            if *n == 0 {
                self.names.remove(&key);
                for t in Self::name_tokens(p) {
                    let k = blocking::hash_key(b't', t);
                    if let Some(c) = self.name_tokens.get_mut(&k) {
                        *c -= 1;
                        if *c == 0 {
                            self.name_tokens.remove(&k);
                        }
                    }
                }
            }
        }
        if let Some(c) = p.city() {
            let k = blocking::hash_key(b'c', c);
            if let Some(n) = self.cities.get_mut(&k) {
                *n -= 1;
                if *n == 0 {
                    self.cities.remove(&k);
                }
            }
        }
    }
}

/// Blocking index. Key generation uses the default [`BlockingConfig`] (all tokens are indexed);
/// query-time limits come from the matcher's config.
#[derive(Default)]
pub struct Index {
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    /// Slot of each caller key. Holds only slots and reads the key back from the slot, so a
    /// million records cost a few megabytes instead of a map of keys.
    by_key: hashbrown::HashTable<u32>,
    key_hash: foldhash::fast::RandomState,
    postings: Postings,
    values: Values,
    key_cfg: BlockingConfig,
}

impl Index {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of records held.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Builds an index over prepared records with keys 0..n, in bulk: records are sorted by
    /// name once (in parallel) and their keys, generated in parallel per chunk, are appended
    /// in that order, so every posting list comes out sorted without per-list sorting.
    pub fn from_prepared(preps: Vec<Prepared>) -> Self {
        let keys = (0..preps.len() as u64).collect();
        Self::from_keyed(keys, preps)
    }

    /// Builds an index in bulk, like [`Index::from_prepared`], with `keys[i]` the caller's key of
    /// `preps[i]`. Keys must be distinct.
    ///
    /// # Panics
    /// If `keys` and `preps` differ in length.
    pub fn from_keyed(keys: Vec<u64>, preps: Vec<Prepared>) -> Self {
        assert_eq!(keys.len(), preps.len(), "one key per prepared record");
        let cfg = BlockingConfig::default();
        let order = name_order(preps.len(), |i| preps[i].name());
        let mut postings: Postings = HashMap::default();
        for chunk in order.chunks(1 << 16) {
            let keys: Vec<Vec<(KeyKind, u64)>> = chunk
                .par_iter()
                .map(|i| blocking::keys(&preps[*i as usize], &cfg))
                .collect();
            // Gathered per chunk first, so that a long posting list is reallocated once per
            // chunk rather than once per record: the chunk's (key, position) pairs in one
            // vector, sorted, and read run by run. A map of a vector per key made one small
            // allocation per key, millions of them for a large list.
            let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(keys.iter().map(Vec::len).sum());
            for (pos, ks) in keys.into_iter().enumerate() {
                pairs.extend(ks.into_iter().map(|(_, k)| (k, pos as u32)));
            }
            // Sorted by key, then position: each run keeps the chunk's order.
            pairs.par_sort_unstable();
            let mut run_slots = Vec::new();
            for run in pairs.chunk_by(|x, y| x.0 == y.0) {
                run_slots.clear();
                run_slots.extend(run.iter().map(|&(_, pos)| chunk[pos as usize]));
                match postings.entry(run[0].0) {
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        e.get_mut().append(&run_slots)
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(Posting::from_slice(&run_slots));
                    }
                }
            }
        }
        drop(order);
        let mut values = Values::default();
        for p in &preps {
            values.add(p);
        }
        let key_hash = foldhash::fast::RandomState::default();
        let mut by_key = hashbrown::HashTable::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            by_key.insert_unique(key_hash.hash_one(k), i as u32, |s: &u32| {
                key_hash.hash_one(keys[*s as usize])
            });
        }
        let slots: Vec<Option<Slot>> = preps
            .into_iter()
            .zip(keys)
            .map(|(prep, key)| Some(Slot { key, prep }))
            .collect();
        Index {
            slots,
            free: Vec::new(),
            by_key,
            key_hash,
            postings,
            values,
            key_cfg: cfg,
        }
    }

    fn name_of(&self, slot: u32) -> &str {
        self.slots[slot as usize]
            .as_ref()
            .map(|s| s.prep.name())
            .unwrap_or("")
    }

    /// Prepared record in a slot (slots come from [`Index::candidates`]).
    pub fn prepared(&self, slot: u32) -> Option<&Prepared> {
        self.slots.get(slot as usize)?.as_ref().map(|s| &s.prep)
    }

    /// Caller key of a slot.
    pub fn key_of(&self, slot: u32) -> Option<u64> {
        self.slots.get(slot as usize)?.as_ref().map(|s| s.key)
    }

    /// Inserts (or replaces) a record under `key`.
    pub fn insert(&mut self, key: u64, r: &Record) {
        self.insert_prepared(key, prepare(r));
    }

    /// Inserts (or replaces) an already prepared record under `key`.
    pub fn insert_prepared(&mut self, key: u64, prep: Prepared) {
        self.insert_many(std::iter::once((key, prep)));
    }

    /// Inserts (or replaces) many prepared records; of records given twice under one key the last
    /// wins. Each posting list they touch is rebuilt once, whatever the number of records added to
    /// it, so a batch of new accounts sharing a common token ("gmbh") costs one copy of that list,
    /// not one per account.
    pub fn insert_many(&mut self, records: impl IntoIterator<Item = (u64, Prepared)>) {
        let mut records: Vec<(u64, Prepared)> = records.into_iter().collect();
        if records.len() > 1 {
            let mut seen = std::collections::HashSet::with_capacity(records.len());
            records.reverse();
            records.retain(|(k, _)| seen.insert(*k));
            records.reverse();
        }
        let mut added: HashMap<u64, Vec<u32>, BuildHasherDefault<KeyHasher>> = HashMap::default();
        for (key, prep) in records {
            self.remove(key);
            let slot = match self.free.pop() {
                Some(s) => s,
                None => {
                    self.slots.push(None);
                    (self.slots.len() - 1) as u32
                }
            };
            for (_, k) in blocking::keys(&prep, &self.key_cfg) {
                added.entry(k).or_default().push(slot);
            }
            self.values.add(&prep);
            self.slots[slot as usize] = Some(Slot { key, prep });
            let (slots, state) = (&self.slots, &self.key_hash);
            self.by_key.insert_unique(state.hash_one(key), slot, |s| {
                state.hash_one(slots[*s as usize].as_ref().map_or(0, |x| x.key))
            });
        }
        let slots = &self.slots;
        let order = |s: &u32| {
            let name = slots[*s as usize].as_ref().map_or("", |x| x.prep.name());
            (name, *s)
        };
        for (k, mut new) in added {
            new.sort_unstable_by(|a, b| order(a).cmp(&order(b)));
            new.dedup();
            match self.postings.entry(k) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    // Positions found by binary search and the list copied in runs between them:
                    // comparing names along a list of 100,000 slots would visit every record.
                    let old = e.get().as_slice();
                    let mut merged = Vec::with_capacity(old.len() + new.len());
                    let mut from = 0;
                    for s in &new {
                        let at = old.partition_point(|o| order(o) < order(s));
                        merged.extend_from_slice(&old[from..at]);
                        merged.push(*s);
                        from = at;
                    }
                    merged.extend_from_slice(&old[from..]);
                    *e.get_mut() = Posting::from_vec(merged);
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(Posting::from_vec(new));
                }
            }
        }
    }

    /// The slot holding `key`, removed from the key map.
    fn take_slot(&mut self, key: u64) -> Option<u32> {
        let slots = &self.slots;
        self.by_key
            .find_entry(self.key_hash.hash_one(key), |s| {
                slots[*s as usize].as_ref().is_some_and(|x| x.key == key)
            })
            .ok()
            .map(|e| e.remove().0)
    }

    /// Removes the record under `key`; returns whether it was present.
    pub fn remove(&mut self, key: u64) -> bool {
        let Some(slot) = self.take_slot(key) else {
            return false;
        };
        if let Some(s) = self.slots[slot as usize].take() {
            self.values.sub(&s.prep);
            for (_, k) in blocking::keys(&s.prep, &self.key_cfg) {
                if let Some(list) = self.postings.get_mut(&k)
                    && list.remove(slot)
                {
                    self.postings.remove(&k);
                }
            }
        }
        self.free.push(slot);
        true
    }

    /// Candidate slots for a query under the given limits (sorted, deduplicated).
    pub fn candidates(&self, q: &Prepared, cfg: &BlockingConfig) -> Vec<u32> {
        self.candidates_windowed(q, cfg).0
    }

    /// [`Index::candidates`], and whether a posting list past its cap was cut to the window
    /// around the query's name (so a record elsewhere in that list was not considered).
    pub fn candidates_windowed(&self, q: &Prepared, cfg: &BlockingConfig) -> (Vec<u32>, bool) {
        let mut windowed = false;
        let mut lists: Vec<(KeyKind, &[u32])> = blocking::keys(q, cfg)
            .into_iter()
            .filter_map(|(kind, k)| self.postings.get(&k).map(|l| (kind, l.as_slice())))
            .collect();
        // Rarest tokens (and skeletons) first; keep only `max_tokens` of each.
        lists.sort_by_key(|(_, l)| l.len());
        let (mut n_tok, mut n_skel) = (0, 0);
        // Each candidate with the summed rarity of the keys it shares with the query.
        let mut out: Vec<(u32, f32)> = Vec::new();
        let indexed = self.len().max(1) as f64;
        for (kind, list) in lists {
            match kind {
                KeyKind::Token => {
                    n_tok += 1;
                    if n_tok > cfg.max_tokens {
                        continue;
                    }
                }
                KeyKind::Skeleton => {
                    n_skel += 1;
                    if n_skel > cfg.max_tokens {
                        continue;
                    }
                }
                _ => {}
            }
            let rarity = (indexed / list.len() as f64).ln_1p() as f32;
            if list.len() <= blocking::cap(kind, cfg) {
                out.extend(list.iter().map(|s| (*s, rarity)));
            } else {
                windowed = true;
                let pos = list.partition_point(|s| self.name_of(*s) < q.name());
                let lo = pos.saturating_sub(cfg.window);
                let hi = (pos + cfg.window).min(list.len());
                out.extend(list[lo..hi].iter().map(|s| (*s, rarity)));
            }
        }
        out.sort_unstable_by_key(|(s, _)| *s);
        // Per candidate: the rarity of the rarest key it shares, then the sum over its keys.
        let mut merged: Vec<(u32, f32, f32)> = Vec::with_capacity(out.len());
        for (s, w) in out {
            match merged.last_mut() {
                Some((last, max, sum)) if *last == s => {
                    *max = max.max(w);
                    *sum += w;
                }
                _ => merged.push((s, w, w)),
            }
        }
        let k = cfg.max_candidates.max(1);
        if merged.len() > k {
            // The k sharing the rarest key, then the most rarity in all: one shared domain or
            // rare word says more than many common words (a word and its skeleton and prefix
            // repeat one another). Ties by slot, so the choice is deterministic.
            merged.select_nth_unstable_by(k - 1, |a, b| {
                b.1.total_cmp(&a.1)
                    .then(b.2.total_cmp(&a.2))
                    .then(a.0.cmp(&b.0))
            });
            merged.truncate(k);
            merged.sort_unstable_by_key(|(s, _, _)| *s);
        }
        (merged.into_iter().map(|(s, _, _)| s).collect(), windowed)
    }

    /// Token frequencies of the indexed records, for scoring a query (first) against one of
    /// them (second).
    fn freqs<'a>(&'a self, matcher: &'a Matcher, q: &Prepared) -> Freqs<'a> {
        Freqs::list(&matcher.idf, self, false, true).for_query(q)
    }

    /// The `k` best-scoring indexed records for `r`, best first.
    pub fn resolve(&self, r: &Record, k: usize, matcher: &Matcher) -> Vec<Candidate> {
        let q = prepare(r);
        let f = self.freqs(matcher, &q);
        let mut scored: Vec<(f64, u32)> = self
            .candidates(&q, &matcher.blocking)
            .into_iter()
            .filter_map(|s| {
                self.prepared(s)
                    .map(|p| (matcher.probability_in(&q, p, &f), s))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(k);
        scored
            .into_iter()
            .filter_map(|(_, s)| {
                let p = self.prepared(s)?;
                let (score, evidence) = matcher.score_pair_in(&q, p, &f);
                Some(Candidate {
                    key: self.key_of(s)?,
                    score,
                    evidence,
                })
            })
            .collect()
    }
}

impl Index {
    /// The candidates for the prepared query `q` that reach `threshold`, as `(probability, slot)`.
    /// Screened with the matcher's bounded scoring, which drops most of them after the cheap
    /// features; only survivors get a full probability.
    fn above<'a>(
        &'a self,
        q: &'a Prepared,
        f: Freqs<'a>,
        threshold: f64,
        matcher: &'a Matcher,
    ) -> impl Iterator<Item = (f64, u32)> + 'a {
        self.candidates(q, &matcher.blocking)
            .into_iter()
            .filter_map(move |s| {
                let p = self.prepared(s)?;
                matcher
                    .reaches_in(q, p, threshold, &f)
                    .then(|| (matcher.probability_in(q, p, &f), s))
            })
    }

    /// The best candidate for `r` that reaches `threshold`, if any, with its evidence. Costs far
    /// less than [`Index::resolve`] with `k = 1`, which scores every blocked candidate in full.
    pub fn best_match(&self, r: &Record, threshold: f64, matcher: &Matcher) -> Option<Candidate> {
        let q = prepare(r);
        let f = self.freqs(matcher, &q);
        let (_, s) = self
            .above(&q, f, threshold, matcher)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))?;
        let p = self.prepared(s)?;
        let (score, evidence) = matcher.score_pair_in(&q, p, &f);
        Some(Candidate {
            key: self.key_of(s)?,
            score,
            evidence,
        })
    }

    /// The candidates for `r` that reach `threshold`, best first, at most `k`, as
    /// `(probability, key)`: for callers that weigh the runners-up too (linking refuses a record
    /// two accounts fit equally well).
    pub fn matches_above(
        &self,
        r: &Record,
        threshold: f64,
        matcher: &Matcher,
        k: usize,
    ) -> Vec<(f64, u64)> {
        let q = prepare(r);
        let f = self.freqs(matcher, &q);
        let mut found: Vec<(f64, u32)> = self.above(&q, f, threshold, matcher).collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        found.truncate(k);
        found
            .into_iter()
            .filter_map(|(p, s)| Some((p, self.key_of(s)?)))
            .collect()
    }
}

/// Name words are counted over the list's distinct names, not its records: a list that holds
/// one company under a hundred records of the same name (PATSTAT's Philips) would otherwise
/// read that name as a common word and its records as weak evidence of one another.
impl TokenCounts for Index {
    fn count(&self, token: &str) -> u32 {
        self.values
            .name_tokens
            .get(&blocking::hash_key(b't', token))
            .copied()
            .unwrap_or(0)
    }

    fn total(&self) -> u32 {
        self.values.names.len() as u32
    }

    fn value_count(&self, field: ValueField, value: &str) -> Option<(u32, u32)> {
        let posting = |kind: u8, v: &str| {
            self.postings
                .get(&blocking::hash_key(kind, v))
                .map_or(0, |p| p.as_slice().len() as u32)
        };
        let count = match field {
            ValueField::Domain => posting(b'd', value),
            // Counted by the keys the postings hold; a value that makes no key is not counted.
            ValueField::Phone => posting(b'p', blocking::phone_key(value)?),
            ValueField::Postal => posting(b'z', blocking::postal_key(value)?),
            ValueField::City => self
                .values
                .cities
                .get(&blocking::hash_key(b'c', value))
                .copied()
                .unwrap_or(0),
        };
        Some((count, self.values.present[field as usize]))
    }
}

/// Indexes `0..n` sorted by `name(i)` (ties by index), in parallel: the order in which
/// neighbouring records share posting lists and candidates, so that a thread working through it
/// finds them still in cache.
///
/// Sorted by each name's first eight bytes, held beside its index, and by the whole names only
/// where those tie: the same order as comparing the names, without reading a million scattered
/// records at every comparison.
pub(crate) fn name_order<'a>(n: usize, name: impl Fn(usize) -> &'a str + Sync) -> Vec<u32> {
    let mut keyed: Vec<(u64, u32)> = (0..n as u32)
        .into_par_iter()
        .map(|i| (name_prefix(name(i as usize)), i))
        .collect();
    keyed.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| name(a.1 as usize).cmp(name(b.1 as usize)))
            .then(a.1.cmp(&b.1))
    });
    keyed.into_iter().map(|x| x.1).collect()
}

/// The first eight bytes of `s` as a big-endian number, zero-padded: ordered as the strings are
/// wherever it differs (a shorter string pads with zeros, which sort first).
fn name_prefix(s: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

/// `f(i)` for every index of `order`, computed in parallel in that order (see [`name_order`])
/// and returned in index order: `out[i] == f(i)`. `order` must hold each of `0..n` once.
pub(crate) fn map_in_order<T: Send>(order: Vec<u32>, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let mut done: Vec<(u32, T)> = order.into_par_iter().map(|i| (i, f(i as usize))).collect();
    done.sort_unstable_by_key(|x| x.0);
    done.into_iter().map(|x| x.1).collect()
}

/// Blocked candidate pairs `(i, j)`, `i < j`, of a dedupe over `preps`.
pub fn dedupe_candidates(preps: &[Prepared], cfg: &BlockingConfig) -> Vec<(u32, u32)> {
    dedupe_candidates_in(&Index::from_prepared(preps.to_vec()), preps, cfg)
}

/// [`dedupe_candidates`] with an index already built over `preps` (keys 0..n).
pub fn dedupe_candidates_in(
    index: &Index,
    preps: &[Prepared],
    cfg: &BlockingConfig,
) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = (0..preps.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            index
                .candidates(&preps[i], cfg)
                .into_iter()
                .filter(move |j| *j as usize != i)
                .map(move |j| (i.min(j as usize) as u32, i.max(j as usize) as u32))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Blocked candidate pairs `(left, right)` of a two-list linkage.
pub fn link_candidates(
    left: &[Prepared],
    right: &[Prepared],
    cfg: &BlockingConfig,
) -> Vec<(u32, u32)> {
    let index = Index::from_prepared(left.to_vec());
    (0..right.len())
        .into_par_iter()
        .flat_map_iter(|j| {
            index
                .candidates(&right[j], cfg)
                .into_iter()
                .map(move |i| (i, j as u32))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::card::shipped_ref;

    /// Unique names (so posting order does not depend on slot numbers) sharing a few very common
    /// tokens, so that some posting lists pass the scan cap and are cut to a window.
    fn records() -> Vec<Record> {
        let words = [
            "Nordwind", "Alpen", "Küsten", "Rhein", "Elbe", "Main", "Harz",
        ];
        let kinds = ["Logistik", "Systeme", "Technik"];
        (0..1200)
            .map(|i| Record {
                id: format!("r{i}"),
                name: format!(
                    "{} {} {} GmbH",
                    words[i % words.len()],
                    kinds[(i / 7) % kinds.len()],
                    i
                ),
                domain: (i % 3 == 0).then(|| format!("firm{i}.de")),
                ..Record::default()
            })
            .collect()
    }

    /// Every blocked candidate of each query with its score, in key order (equal scores are
    /// ranked by slot, which depends on the order records were inserted in).
    fn answers(index: &Index, queries: &[Record]) -> Vec<Vec<(u64, u64)>> {
        let m = shipped_ref();
        queries
            .iter()
            .map(|q| {
                let mut found: Vec<(u64, u64)> = index
                    .resolve(q, usize::MAX, m)
                    .into_iter()
                    .map(|c| (c.key, c.score.to_bits()))
                    .collect();
                found.sort_unstable();
                found
            })
            .collect()
    }

    /// However many records share a query's keys, at most `max_candidates` are compared, and
    /// those kept share the rarest keys: the record with the query's own rare domain survives the
    /// cut over hundreds that share only its common words.
    #[test]
    fn candidates_are_bounded_and_the_rarest_keys_win() {
        let records = records();
        let index = Index::from_prepared(records.iter().map(prepare).collect());
        let mut cfg = shipped_ref().blocking.clone();
        let q = prepare(&Record {
            id: "q".into(),
            name: "Nordwind Logistik Technik Systeme GmbH".into(),
            domain: Some("firm600.de".into()),
            ..Record::default()
        });
        cfg.max_candidates = usize::MAX;
        let (all, _) = index.candidates_windowed(&q, &cfg);
        assert!(
            all.len() > 40,
            "the query must share keys with many: {}",
            all.len()
        );
        assert!(all.iter().any(|s| index.key_of(*s) == Some(600)), "{all:?}");
        cfg.max_candidates = 10;
        let (cut, _) = index.candidates_windowed(&q, &cfg);
        assert_eq!(cut.len(), 10);
        assert!(cut.iter().all(|s| all.contains(s)));
        assert!(
            cut.iter().any(|s| index.key_of(*s) == Some(600)),
            "the record with the query's domain is kept"
        );
    }

    /// Building in bulk, inserting in batches (out of order, with a key given twice) and inserting
    /// one at a time must index the same records under the same keys, so every query gets the
    /// same candidates; and so must removing records from a built index.
    #[test]
    fn batch_single_and_bulk_builds_agree() {
        let recs = records();
        let preps: Vec<Prepared> = recs.iter().map(prepare).collect();
        let queries: Vec<Record> = [0usize, 7, 300, 601, 1199]
            .iter()
            .map(|&i| Record {
                name: recs[i].name.replace("GmbH", "G.m.b.H."),
                ..Record::default()
            })
            .chain([Record {
                name: "Alpen Technik".into(),
                ..Record::default()
            }])
            .collect();
        let bulk = Index::from_prepared(preps.clone());
        let mut single = Index::new();
        for (k, p) in preps.iter().enumerate() {
            single.insert_prepared(k as u64, p.clone());
        }
        let mut batched = Index::new();
        let (a, b) = preps.split_at(700);
        batched.insert_many(a.iter().cloned().enumerate().map(|(k, p)| (k as u64, p)));
        // A stale version of key 5 first, then the real one: the last given wins.
        let mut rest: Vec<(u64, Prepared)> = vec![(5, preps[9].clone())];
        rest.extend(
            b.iter()
                .cloned()
                .enumerate()
                .map(|(k, p)| (k as u64 + 700, p)),
        );
        rest.reverse();
        rest.push((5, preps[5].clone()));
        batched.insert_many(rest);
        let expected = answers(&bulk, &queries);
        assert!(expected.iter().all(|a| !a.is_empty()));
        assert_eq!(answers(&single, &queries), expected);
        assert_eq!(answers(&batched, &queries), expected);
        assert_eq!(batched.len(), recs.len());

        let gone: Vec<u64> = (0..1200).filter(|k| k % 5 == 0).collect();
        for k in &gone {
            assert!(batched.remove(*k));
        }
        let kept: Vec<u64> = (0..1200).filter(|k| k % 5 != 0).collect();
        let rebuilt = Index::from_keyed(
            kept.clone(),
            kept.iter().map(|k| preps[*k as usize].clone()).collect(),
        );
        assert_eq!(answers(&batched, &queries), answers(&rebuilt, &queries));
        assert!(!batched.remove(0));
    }

    #[test]
    fn value_counts_follow_inserts_replacements_and_removals() {
        let rec = |i: u64, city: &str, phone: Option<&str>| Record {
            id: format!("v{i}"),
            name: format!("Firm {i}"),
            city: Some(city.into()),
            phone: phone.map(Into::into),
            ..Record::default()
        };
        let bulk: Vec<Prepared> = (0..4)
            .map(|i| prepare(&rec(i, "Bremen", Some("+49 421 5550100"))))
            .collect();
        let mut index = Index::from_prepared(bulk);
        index.insert(9, &rec(9, "Kiel", None));
        let city = |ix: &Index, c: &str| ix.value_count(ValueField::City, c);
        assert_eq!(city(&index, "bremen"), Some((4, 5)));
        assert_eq!(city(&index, "kiel"), Some((1, 5)));
        assert_eq!(city(&index, "hamburg"), Some((0, 5)));
        // The phone is counted by its last seven digits, among the four records with a phone.
        assert_eq!(
            index.value_count(ValueField::Phone, "004904215550100"),
            Some((4, 4))
        );
        assert_eq!(index.value_count(ValueField::Phone, "12"), None);
        assert_eq!(index.value_count(ValueField::Phone, "ü123456"), None);
        // Replacing a record moves its city; removing one takes it away.
        index.insert(0, &rec(0, "Kiel", None));
        assert!(index.remove(1));
        assert_eq!(city(&index, "bremen"), Some((2, 4)));
        assert_eq!(city(&index, "kiel"), Some((2, 4)));
        assert_eq!(
            index.value_count(ValueField::Phone, "4215550100"),
            Some((2, 2))
        );
    }

    #[test]
    fn name_words_are_counted_once_per_distinct_name() {
        let rec = |i: u64, name: &str| Record {
            id: format!("n{i}"),
            name: name.into(),
            ..Record::default()
        };
        // One company entered fifty times under one name, beside two other Philips names.
        let mut index = Index::from_prepared(
            (0..50)
                .map(|i| prepare(&rec(i, "Philips Electronics N.V.")))
                .collect(),
        );
        index.insert(50, &rec(50, "Koninklijke Philips"));
        index.insert(51, &rec(51, "Philips"));
        index.insert(52, &rec(52, "Vantor Electronics"));
        assert_eq!(index.len(), 53);
        assert_eq!(index.total(), 4);
        assert_eq!(index.count("philips"), 3);
        assert_eq!(index.count("electronics"), 2);
        assert_eq!(index.count("vantor"), 1);
        // A name leaves the counts with its last record; a renamed record moves its words.
        for i in 0..49 {
            assert!(index.remove(i));
        }
        assert_eq!(index.count("electronics"), 2);
        assert!(index.remove(49));
        assert_eq!(index.count("electronics"), 1);
        assert_eq!(index.total(), 3);
        index.insert(52, &rec(52, "Vantor Retail"));
        assert_eq!(index.count("electronics"), 0);
        assert_eq!(index.count("retail"), 1);
        assert_eq!(index.count("vantor"), 1);
        assert_eq!(index.total(), 3);
    }

    #[test]
    fn a_query_s_values_looked_up_once_score_as_looked_up_per_pair() {
        use crate::matching::{features, model::Matcher};
        let rec = |i: usize| Record {
            id: format!("q{i}"),
            name: format!("Harbour Freight {} Ltd", i % 7),
            city: Some(["Leeds", "York", "Hull"][i % 3].into()),
            phone: (i % 2 == 0).then(|| format!("+44 113 49{:05}", i % 5)),
            postal_code: Some(format!("LS{}", i % 4)),
            domain: (i % 3 == 0).then(|| format!("harbour{}.co.uk", i % 6)),
            ..Record::default()
        };
        let preps: Vec<Prepared> = (0..60).map(|i| prepare(&rec(i))).collect();
        let index = Index::from_prepared(preps.clone());
        let m = Matcher::from_json(include_str!("../../models/matcher.json")).unwrap();
        let plain = Freqs::list(&m.idf, &index, true, false);
        let mut compared = 0;
        for i in [0, 6, 12, 30] {
            let q = prepare(&rec(i));
            let cached = plain.for_query(&q);
            for s in index.candidates(&q, &m.blocking) {
                let p = index.prepared(s).unwrap();
                let (a, b) = (
                    features::compare(p, &q, &plain).0,
                    features::compare(p, &q, &cached).0,
                );
                assert_eq!(a, b);
                compared += usize::from(a[22..].iter().any(|x| *x > 0.0));
            }
        }
        assert!(compared > 20, "{compared}");
    }
}
