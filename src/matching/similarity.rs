//! All string similarity measures, in one place so every comparison uses the same definitions.
//! Each returns a value in [0, 1], 1 meaning identical.
//!
//! Prepared fields are ASCII (names, addresses and cities are folded to ASCII), so the hot
//! paths work on bytes without allocating: Jaro-Winkler with bit flags and Levenshtein with
//! Myers' bit-parallel algorithm. They return exactly what `strsim` returns (same formulas,
//! same greedy matching); non-ASCII or long inputs fall back to `strsim`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::normalize;

/// Jaro similarity on ASCII bytes, both at most 64 long (the `strsim` algorithm: each byte of
/// `a` takes the first unmatched equal byte of `b` within the window). The window is searched
/// as bits: one mask per byte value of where `b` holds it, so a byte of `a` finds its match in
/// one step instead of a scan over the window.
fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    } else if la == 0 || lb == 0 {
        return 0.0;
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    AT.with_borrow_mut(|at| {
        for (j, &d) in b.iter().enumerate() {
            at[usize::from(d & 0x7f)] |= 1 << j;
        }
        let sim = jaro_flags(a, b, range, at);
        // Left all zero for the next call: clearing the bytes of `b` is cheaper than zeroing
        // the table, which cost a fortieth of a 1M x 100k mapping.
        for &d in b {
            at[usize::from(d & 0x7f)] = 0;
        }
        sim
    })
}

thread_local! {
    /// Per thread, where each byte value occurs in the second string of a Jaro comparison (all
    /// zero between comparisons).
    static AT: std::cell::RefCell<[u64; 128]> = const { std::cell::RefCell::new([0; 128]) };
}

/// Jaro similarity of `a` and `b` (non-empty, at most 64 long) given `at`, the positions of
/// every byte value in `b`.
fn jaro_flags(a: &[u8], b: &[u8], range: usize, at: &[u64; 128]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    // Bits 0..n set.
    let below = |n: usize| if n >= 64 { !0u64 } else { (1u64 << n) - 1 };
    let (mut fa, mut fb) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &c) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = lb.min(i + range + 1);
        if lo >= hi {
            continue;
        }
        let free = at[usize::from(c & 0x7f)] & !fb & below(hi) & !below(lo);
        if free != 0 {
            fa |= 1 << i;
            fb |= free & free.wrapping_neg();
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut trans = 0usize;
    let (mut ma, mut mb) = (fa, fb);
    while ma != 0 {
        let i = ma.trailing_zeros() as usize;
        let j = mb.trailing_zeros() as usize;
        if a[i] != b[j] {
            trans += 1;
        }
        ma &= ma - 1;
        mb &= mb - 1;
    }
    let trans = trans / 2;
    let m = matches as f64;
    (m / la as f64 + m / lb as f64 + (matches - trans) as f64 / m) / 3.0
}

/// Jaro-Winkler similarity (rewards shared prefixes; good for short names with typos).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if !(a.is_ascii() && b.is_ascii() && a.len() <= 64 && b.len() <= 64) {
        return strsim::jaro_winkler(a, b);
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let sim = jaro_ascii(x, y);
    if sim > 0.7 {
        let prefix = x.iter().take(4).zip(y).take_while(|(p, q)| p == q).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// Levenshtein distance of ASCII bytes, `a` at most 64 long (Myers/Hyyrö bit-parallel).
fn levenshtein_myers(a: &[u8], b: &[u8]) -> usize {
    let m = a.len();
    if m == 0 {
        return b.len();
    }
    let mut peq = [0u64; 128];
    for (i, &c) in a.iter().enumerate() {
        peq[usize::from(c & 0x7f)] |= 1 << i;
    }
    let last = 1u64 << (m - 1);
    let (mut pv, mut mv) = (!0u64, 0u64);
    let mut score = m;
    for &c in b {
        let eq = peq[usize::from(c & 0x7f)];
        let xv = eq | mv;
        let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
        let mut ph = mv | !(xh | pv);
        let mut mh = pv & xh;
        if ph & last != 0 {
            score += 1;
        }
        if mh & last != 0 {
            score -= 1;
        }
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
    }
    score
}

/// Levenshtein distance (characters).
pub fn levenshtein_distance(a: &str, b: &str) -> usize {
    if a.is_ascii() && b.is_ascii() {
        let (x, y) = (a.as_bytes(), b.as_bytes());
        if x.len() <= 64 {
            return levenshtein_myers(x, y);
        }
        if y.len() <= 64 {
            return levenshtein_myers(y, x);
        }
    }
    strsim::levenshtein(a, b)
}

/// 1 - Levenshtein distance / length of the longer string.
pub fn levenshtein(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        if a.is_empty() && b.is_empty() {
            return 1.0;
        }
        let d = levenshtein_distance(a, b);
        return 1.0 - d as f64 / a.len().max(b.len()) as f64;
    }
    strsim::normalized_levenshtein(a, b)
}

/// Upper bound of [`levenshtein`] from the lengths alone (the distance is at least the
/// length difference). Exact for ASCII, which all prepared fields are.
pub fn levenshtein_bound(a: &str, b: &str) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la.max(lb) == 0 || !(a.is_ascii() && b.is_ascii()) {
        return 1.0;
    }
    1.0 - la.abs_diff(lb) as f64 / la.max(lb) as f64
}

/// Whether `a` and `b` differ and are one string once every run of a repeated letter is read as
/// one letter ("phillips" / "philips", "osthhyror" / "osthyror"): a letter typed twice, or once
/// for two, the commonest slip in a name. Digits are not collapsed ("route 66" is not "route 6").
pub fn equal_but_doubled_letters(a: &str, b: &str) -> bool {
    fn collapsed(s: &str) -> impl Iterator<Item = char> + '_ {
        let mut prev = None;
        s.chars().filter(move |&c| {
            let repeat = prev == Some(c) && c.is_alphabetic();
            prev = Some(c);
            !repeat
        })
    }
    a != b && collapsed(a).eq(collapsed(b))
}

fn sorted_join(mut v: Vec<&str>) -> String {
    v.sort_unstable();
    v.join(" ")
}

/// Levenshtein similarity of the sorted tokens: insensitive to word order.
pub fn token_sort(a: &[String], b: &[String]) -> f64 {
    let sa = sorted_join(a.iter().map(String::as_str).collect());
    let sb = sorted_join(b.iter().map(String::as_str).collect());
    levenshtein(&sa, &sb)
}

/// A small string builder on the stack (falls back to the heap when full).
struct Buf {
    bytes: [u8; 192],
    len: usize,
    spill: Option<String>,
}

impl Buf {
    fn new() -> Self {
        Buf {
            bytes: [0; 192],
            len: 0,
            spill: None,
        }
    }

    fn push_word(&mut self, w: &str) {
        if let Some(s) = &mut self.spill {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(w);
            return;
        }
        let need = w.len() + usize::from(self.len > 0);
        if self.len + need > self.bytes.len() {
            let mut s = self.as_str().to_string();
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(w);
            self.spill = Some(s);
            return;
        }
        if self.len > 0 {
            self.bytes[self.len] = b' ';
            self.len += 1;
        }
        self.bytes[self.len..self.len + w.len()].copy_from_slice(w.as_bytes());
        self.len += w.len();
    }

    fn as_str(&self) -> &str {
        match &self.spill {
            Some(s) => s,
            // Only whole `&str`s and ASCII spaces are ever copied in.
            None => std::str::from_utf8(&self.bytes[..self.len]).unwrap_or(""),
        }
    }
}

/// Token-set similarity (as popularised by fuzzywuzzy): compares the shared tokens with each
/// side's full token set, so a name that is a subset of the other scores 1.
pub fn token_set(a: &[String], b: &[String]) -> f64 {
    let mut sa: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut sb: Vec<&str> = b.iter().map(String::as_str).collect();
    sa.sort_unstable();
    sb.sort_unstable();
    token_set_sorted(&sa.join(" "), &sb.join(" "))
}

/// [`token_set`] of two names given as their sorted tokens joined by single spaces
/// (`Prepared::sorted`); allocation-free for ordinary names.
pub fn token_set_sorted(a: &str, b: &str) -> f64 {
    fn dedup(s: &str) -> impl Iterator<Item = &str> {
        let mut prev = None;
        s.split(' ')
            .filter(|t| !t.is_empty())
            .filter(move |t| prev.replace(*t) != Some(*t))
    }
    let (mut t0, mut oa, mut ob) = (Buf::new(), Buf::new(), Buf::new());
    let (mut ia, mut ib) = (dedup(a).peekable(), dedup(b).peekable());
    loop {
        match (ia.peek(), ib.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                std::cmp::Ordering::Equal => {
                    t0.push_word(x);
                    ia.next();
                    ib.next();
                }
                std::cmp::Ordering::Less => {
                    oa.push_word(x);
                    ia.next();
                }
                std::cmp::Ordering::Greater => {
                    ob.push_word(y);
                    ib.next();
                }
            },
            (Some(x), None) => {
                oa.push_word(x);
                ia.next();
            }
            (None, Some(y)) => {
                ob.push_word(y);
                ib.next();
            }
            (None, None) => break,
        }
    }
    let join = |rest: &Buf| {
        let mut s = Buf::new();
        s.push_word(t0.as_str());
        if !rest.as_str().is_empty() {
            s.push_word(rest.as_str());
        }
        s
    };
    let (t1, t2) = (join(&oa), join(&ob));
    let (c0, c1, c2) = (t0.as_str(), t1.as_str(), t2.as_str());
    let mut best = levenshtein(c1, c2);
    if !c0.is_empty() {
        best = best.max(levenshtein(c0, c1)).max(levenshtein(c0, c2));
    }
    best
}

/// A fast hasher for short token strings (FxHash-style; not DoS-resistant, which does not
/// matter for a table fixed at training time).
#[derive(Default, Clone, Copy)]
pub struct TokenHasher(u64);

impl Hasher for TokenHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &c in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(c)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash-map builder for [`TokenHasher`].
pub type TokenBuild = BuildHasherDefault<TokenHasher>;

/// Inverse document frequencies of name tokens, learned from a reference corpus and stored in
/// the model, so that "acme" counts for more than "group" whatever data set is being matched.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdfTable {
    /// Token -> idf for tokens seen in the corpus often enough to matter. Written in token order,
    /// so that retraining on the same data writes the same model file.
    #[serde(serialize_with = "sorted_map")]
    pub idf: HashMap<String, f64, TokenBuild>,
    /// Idf of a token absent from the table (treated as rare).
    pub default_idf: f64,
}

fn sorted_map<S: serde::Serializer>(
    m: &HashMap<String, f64, TokenBuild>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().collect::<std::collections::BTreeMap<_, _>>())
}

impl IdfTable {
    /// Builds a table from token lists (one per document), keeping tokens seen at least
    /// `min_df` times; rarer tokens fall back to the default (maximal) idf.
    pub fn from_docs<'a>(docs: impl Iterator<Item = &'a [String]>, min_df: u32) -> Self {
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut n = 0u32;
        for d in docs {
            n += 1;
            let mut seen: Vec<&String> = d.iter().collect();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                *df.entry(t.clone()).or_default() += 1;
            }
        }
        let nf = f64::from(n.max(1));
        let idf = df
            .into_iter()
            .filter(|(_, c)| *c >= min_df)
            .map(|(t, c)| (t, (nf / f64::from(c)).ln() + 1.0))
            .collect();
        IdfTable {
            idf,
            default_idf: (nf / f64::from(min_df.max(1))).ln() + 1.0,
        }
    }

    /// Whether the corpus saw `t` often enough to hold its idf.
    pub fn knows(&self, t: &str) -> bool {
        self.idf.contains_key(t)
    }

    /// Idf of a token.
    pub fn get(&self, t: &str) -> f64 {
        self.idf.get(t).copied().unwrap_or(self.default_idf)
    }
}

/// Most tokens per name handled without allocating in [`soft_idf_names`].
const MAX_TOK: usize = 16;

/// Soft TF-IDF cosine: tokens match exactly or, when Jaro-Winkler >= 0.9, fuzzily (weighted by
/// that similarity); each match counts with the product of the two idfs. Frequent words such
/// as "group" or "services" therefore add little, distinctive words a lot.
pub fn soft_idf(a: &[String], b: &[String], idf: &IdfTable) -> f64 {
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    soft_idf_tokens(&a, &b, &|t| idf.get(t))
}

/// [`soft_idf`] of two names given as tokens joined by single spaces (`Prepared::name`).
pub fn soft_idf_names(a: &str, b: &str, idf: &IdfTable) -> f64 {
    soft_idf_names_by(a, b, &|t| idf.get(t))
}

/// [`soft_idf_names`] with token weights from `idf` (for example, idfs of the list at hand).
pub fn soft_idf_names_by(a: &str, b: &str, idf: &dyn Fn(&str) -> f64) -> f64 {
    let mut ta = [""; MAX_TOK];
    let mut tb = [""; MAX_TOK];
    let (mut na, mut nb) = (0, 0);
    for t in a.split(' ').filter(|t| !t.is_empty()) {
        if na == MAX_TOK {
            return soft_idf_tokens(&split_tokens(a), &split_tokens(b), idf);
        }
        ta[na] = t;
        na += 1;
    }
    for t in b.split(' ').filter(|t| !t.is_empty()) {
        if nb == MAX_TOK {
            return soft_idf_tokens(&split_tokens(a), &split_tokens(b), idf);
        }
        tb[nb] = t;
        nb += 1;
    }
    let (ra, rb) = (
        resegment(&ta[..na], &tb[..nb]),
        resegment(&tb[..nb], &ta[..na]),
    );
    if ra.is_none() && rb.is_none() {
        return soft_idf_tokens(&ta[..na], &tb[..nb], idf);
    }
    fn view<'s>(merged: &'s Option<Vec<String>>, tokens: &[&'s str]) -> Vec<&'s str> {
        match merged {
            Some(m) => m.iter().map(String::as_str).collect(),
            None => tokens.to_vec(),
        }
    }
    soft_idf_tokens(&view(&ra, &ta[..na]), &view(&rb, &tb[..nb]), idf)
}

/// Longest run of adjacent tokens merged back into one word by [`resegment`].
const MAX_RUN: usize = 4;

/// The tokens of `x` with every run of up to [`MAX_RUN`] adjacent tokens whose concatenation is
/// a token of `y` merged into that token ("maat schappij" against "maatschappij"), or `None`
/// when no run merges. Spacing is noise in keyed-in names; this keeps a broken or joined word
/// from counting as two unmatched tokens.
pub fn resegment(x: &[&str], y: &[&str]) -> Option<Vec<String>> {
    let mut out: Option<Vec<String>> = None;
    let mut i = 0;
    while i < x.len() {
        let mut merged: Option<(usize, &str)> = None;
        for n in 2..=MAX_RUN.min(x.len() - i) {
            if let Some(t) = y.iter().find(|t| spells_run(t, &x[i..i + n])) {
                merged = Some((n, t));
            }
        }
        match merged {
            None => {
                if let Some(o) = out.as_mut() {
                    o.push(x[i].to_string());
                }
                i += 1;
            }
            Some((n, t)) => {
                let o =
                    out.get_or_insert_with(|| x[..i].iter().map(|t| (*t).to_string()).collect());
                o.push(t.to_string());
                i += n;
            }
        }
    }
    out
}

/// Whether `t` is the words of `run` written together, with at most one article or conjunction
/// between two of them that the run's name dropped ("vandebiezenbos" for "van biezenbos": a web
/// address keeps the "de" that names drop).
fn spells_run(t: &str, run: &[&str]) -> bool {
    let len: usize = run.iter().map(|p| p.len()).sum();
    if t.len() < len || t.len() > len + 3 {
        return false;
    }
    let mut rest = t;
    let mut skipped = false;
    for (k, p) in run.iter().enumerate() {
        if let Some(r) = rest.strip_prefix(p) {
            rest = r;
            continue;
        }
        if k == 0 || skipped {
            return false;
        }
        // One stop word between the words, then the word.
        let Some(r) = (2..=3).find_map(|n| {
            rest.get(..n)
                .filter(|w| normalize::is_stop_word(w))
                .and_then(|_| rest[n..].strip_prefix(p))
        }) else {
            return false;
        };
        skipped = true;
        rest = r;
    }
    rest.is_empty()
}

fn split_tokens(s: &str) -> Vec<&str> {
    s.split(' ').filter(|t| !t.is_empty()).collect()
}

/// Similarity of two tokens inside soft-idf: 1 when equal, their Jaro-Winkler when both have
/// four letters or more and it reaches 0.9, else 0.
fn token_sim(x: &str, y: &str) -> f64 {
    if x == y {
        1.0
    } else if x.len() >= 4 && y.len() >= 4 {
        let s = jaro_winkler(x, y);
        if s >= 0.9 { s } else { 0.0 }
    } else {
        0.0
    }
}

fn soft_idf_tokens(a: &[&str], b: &[&str], idf: &dyn Fn(&str) -> f64) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let weights = |x: &[&str]| -> Vec<f64> { x.iter().map(|t| idf(t)).collect() };
    let mut wa_buf = [0.0; MAX_TOK];
    let mut wb_buf = [0.0; MAX_TOK];
    let (wa_vec, wb_vec);
    let wa: &[f64] = if a.len() <= MAX_TOK {
        for (w, t) in wa_buf.iter_mut().zip(a) {
            *w = idf(t);
        }
        &wa_buf[..a.len()]
    } else {
        wa_vec = weights(a);
        &wa_vec
    };
    let wb: &[f64] = if b.len() <= MAX_TOK {
        for (w, t) in wb_buf.iter_mut().zip(b) {
            *w = idf(t);
        }
        &wb_buf[..b.len()]
    } else {
        wb_vec = weights(b);
        &wb_vec
    };
    let na: f64 = wa.iter().map(|w| w * w).sum::<f64>().sqrt();
    let nb: f64 = wb.iter().map(|w| w * w).sum::<f64>().sqrt();
    // Jaro-Winkler is symmetric, so each token pair is compared once, both ways read from one
    // table (names of more than MAX_TOK tokens, rare, compare on the fly).
    let small = a.len() <= MAX_TOK && b.len() <= MAX_TOK;
    let mut table = [[0.0f64; MAX_TOK]; MAX_TOK];
    if small {
        for (i, tx) in a.iter().enumerate() {
            for (j, ty) in b.iter().enumerate() {
                table[i][j] = token_sim(tx, ty);
            }
        }
    }
    let sim = |i: usize, j: usize, flipped: bool| -> f64 {
        let (i, j) = if flipped { (j, i) } else { (i, j) };
        if small {
            table[i][j]
        } else {
            token_sim(a[i], b[j])
        }
    };
    let one_way = |wx: &[f64], wy: &[f64], flipped: bool| -> f64 {
        let mut s = 0.0;
        for (i, w_i) in wx.iter().enumerate() {
            let mut best = 0.0;
            let mut bw = 0.0;
            for (j, w) in wy.iter().enumerate() {
                let v = sim(i, j, flipped);
                if v > best {
                    best = v;
                    bw = *w;
                }
            }
            s += w_i * bw * best;
        }
        s
    };
    let s = 0.5 * (one_way(wa, wb, false) + one_way(wb, wa, true));
    (s / (na * nb)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // The bit-searched window finds the match the scan over it finds, for any two names of
        // up to 64 bytes (a small alphabet, so that repeats and transpositions are common).
        #[test]
        fn jaro_winkler_on_bytes_is_strsims(a in "[abcde 1]{0,64}", b in "[abcde 1]{0,64}") {
            prop_assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
        }
    }

    #[test]
    fn names_equal_once_doubled_letters_are_read_once() {
        assert!(equal_but_doubled_letters("osthhyrorltda", "osthyrorltda"));
        assert!(equal_but_doubled_letters("philips", "phillips"));
        assert!(equal_but_doubled_letters("rrintrelax", "rintrelax"));
        // Equal names are not a doubled letter; neither is another letter nor a doubled digit.
        assert!(!equal_but_doubled_letters("philips", "philips"));
        assert!(!equal_but_doubled_letters("nordex", "nordax"));
        assert!(!equal_but_doubled_letters("nordex", "nordexx1"));
        assert!(!equal_but_doubled_letters("route66", "route6"));
        assert!(!equal_but_doubled_letters("", "a"));
    }

    fn t(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn resegment_merges_broken_and_joined_words() {
        assert_eq!(
            resegment(&["shell", "maat", "schappij"], &["shell", "maatschappij"]),
            Some(vec!["shell".to_string(), "maatschappij".to_string()])
        );
        assert_eq!(
            resegment(
                &["hunter", "douglas", "industries"],
                &["hunterdouglasindustries"]
            ),
            Some(vec!["hunterdouglasindustries".to_string()])
        );
        assert_eq!(resegment(&["acme", "group"], &["acme", "holding"]), None);
        // A web address keeps an article the name dropped; only between two words, and one.
        assert_eq!(
            resegment(&["van", "biezenbos"], &["vandebiezenbos"]),
            Some(vec!["vandebiezenbos".to_string()])
        );
        assert_eq!(
            resegment(&["van", "biezenbos"], &["vandebiezenbosde"]),
            None
        );
        assert_eq!(
            resegment(&["van", "biezen", "bos"], &["vandebiezendebos"]),
            None
        );
        let idf = IdfTable::from_docs(std::iter::empty(), 1);
        let split = soft_idf_names(
            "shell research maat schappij",
            "shell research maatschappij",
            &idf,
        );
        assert!((split - 1.0).abs() < 1e-9, "{split}");
        let joined = soft_idf_names(
            "koninklijke philipselectronics",
            "koninklijke philips electronics",
            &idf,
        );
        assert!((joined - 1.0).abs() < 1e-9, "{joined}");
        assert!(soft_idf_names("acme group", "acme holding", &idf) < 1.0);
    }

    #[test]
    fn token_measures() {
        assert!((token_sort(&t("b a"), &t("a b")) - 1.0).abs() < 1e-9);
        assert!((token_set(&t("acme"), &t("acme holding")) - 1.0).abs() < 1e-9);
        assert!(token_set(&t("acme"), &t("zenith")) < 0.3);
        let idf = IdfTable::from_docs(
            [
                t("acme group"),
                t("zenith group"),
                t("alpha group"),
                t("beta group"),
            ]
            .iter()
            .map(Vec::as_slice),
            1,
        );
        let shared_generic = soft_idf(&t("acme group"), &t("zenith group"), &idf);
        let shared_rare = soft_idf(&t("acme group"), &t("acme"), &idf);
        assert!(shared_rare > shared_generic);
        assert!(soft_idf(&t("unilever"), &t("uniliver"), &idf) > 0.9);
        assert_eq!(
            soft_idf(&t("acme group"), &t("acme"), &idf),
            soft_idf_names("acme group", "acme", &idf)
        );
    }

    /// The byte-level fast paths return exactly what `strsim` returns.
    #[test]
    fn fast_paths_equal_strsim() {
        let words = [
            "",
            "a",
            "ab",
            "acme",
            "acmee",
            "kanimo",
            "kanimofoods",
            "kinamo",
            "unilever",
            "uniliver",
            "gistbrocades",
            "gist brocades",
            "1845 e 79th st",
            "1845 east 79 st",
            "philips gloeilampenfabrieken",
            "koninklijke philips electronics",
            "zzzz",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnoq",
            "müller",
            "muller",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    jaro_winkler(a, b),
                    strsim::jaro_winkler(a, b),
                    "{a:?} {b:?}"
                );
                assert_eq!(
                    levenshtein(a, b),
                    strsim::normalized_levenshtein(a, b),
                    "{a:?} {b:?}"
                );
                assert!(levenshtein(a, b) <= levenshtein_bound(a, b) + 1e-12);
            }
        }
        let toks = [
            "acme",
            "acme group",
            "acme acme group",
            "group zenith",
            "a b c",
            "",
            "b c d",
        ];
        for a in toks {
            for b in toks {
                let ta: Vec<String> = a.split_whitespace().map(str::to_string).collect();
                let tb: Vec<String> = b.split_whitespace().map(str::to_string).collect();
                assert_eq!(
                    token_set(&ta, &tb),
                    token_set_reference(&ta, &tb),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    /// The allocating token-set implementation this module used before (for the test above).
    fn token_set_reference(a: &[String], b: &[String]) -> f64 {
        let mut sa: Vec<&str> = a.iter().map(String::as_str).collect();
        let mut sb: Vec<&str> = b.iter().map(String::as_str).collect();
        sa.sort_unstable();
        sa.dedup();
        sb.sort_unstable();
        sb.dedup();
        let inter: Vec<&str> = sa.iter().filter(|t| sb.contains(t)).copied().collect();
        let only_a: Vec<&str> = sa.iter().filter(|t| !inter.contains(t)).copied().collect();
        let only_b: Vec<&str> = sb.iter().filter(|t| !inter.contains(t)).copied().collect();
        let t0 = inter.join(" ");
        let join = |rest: &[&str]| {
            let mut s = t0.clone();
            for r in rest {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(r);
            }
            s
        };
        let (t1, t2) = (join(&only_a), join(&only_b));
        let mut best = strsim::normalized_levenshtein(&t1, &t2);
        if !t0.is_empty() {
            best = best
                .max(strsim::normalized_levenshtein(&t0, &t1))
                .max(strsim::normalized_levenshtein(&t0, &t2));
        }
        best
    }
}
