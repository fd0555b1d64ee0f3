//! Comparison features of a record pair: one fixed-length vector the match model weighs.

use super::blocking;
use super::distinct::{self, Freqs, NameDiff, ValueField};
use super::record::Prepared;
use super::similarity;

/// Names of the features, in vector order, and the record field each belongs to (for evidence).
pub const FEATURES: &[(&str, &str)] = &[
    ("name_jaro_winkler", "name"),
    ("name_levenshtein", "name"),
    ("name_token_set", "name"),
    ("name_token_sort", "name"),
    ("name_soft_idf", "name"),
    ("name_exact", "name"),
    ("domain_equal", "domain"),
    ("domain_missing", "domain"),
    ("phone_equal", "phone"),
    ("phone_missing", "phone"),
    ("postal_equal", "postal_code"),
    ("postal_missing", "postal_code"),
    ("address_similarity", "address"),
    ("address_missing", "address"),
    ("city_similarity", "city"),
    ("city_missing", "city"),
    ("country_mismatch", "country"),
    ("country_missing", "country"),
    ("name_one_side", "name"),
    ("name_chance", "name"),
    ("name_contained", "name"),
    ("address_number_mismatch", "address"),
    ("domain_equal_nats", "domain"),
    ("phone_equal_nats", "phone"),
    ("postal_equal_nats", "postal_code"),
    ("city_equal_nats", "city"),
    ("name_swapped", "name"),
    ("name_place_only", "name"),
    ("name_doubled_letter", "name"),
];

/// Number of features.
pub const N_FEATURES: usize = 29;

/// Index of the one-side disagreement feature (its evidence lists the tokens behind it).
pub const ONE_SIDE: usize = 18;

/// Index of the swapped-word feature (its cost is the one-side tokens' too).
pub const SWAPPED: usize = 26;

/// Index of the place-only feature: one name is the other with a country (and other place
/// words) put in ([`distinct::place_only_extension`]).
pub const PLACE_ONLY: usize = 27;

/// Index of the doubled-letter feature: the names are one once a repeated letter is read once
/// ([`similarity::equal_but_doubled_letters`]).
pub const DOUBLED: usize = 28;

/// Features fitted after the others, each with the logit of those before it as a fixed offset
/// (`Matcher::fit`), so that they can only add what the others leave unexplained.
pub const FITTED_AFTER: [usize; 3] = [SWAPPED, PLACE_ONLY, DOUBLED];

/// Field names in evidence order.
pub const FIELDS: &[&str] = &[
    "name",
    "domain",
    "phone",
    "postal_code",
    "address",
    "city",
    "country",
];

/// Phones match when their phone keys (last 7 digits, [`blocking::phone_key`]) agree: that
/// survives area and country code variants ("+31 20 5551234" vs "020 5551234") while 7 digits
/// rarely collide by chance within one area.
pub(crate) fn phone_equal(a: &str, b: &str) -> bool {
    matches!(
        (blocking::phone_key(a), blocking::phone_key(b)),
        (Some(x), Some(y)) if x == y
    )
}

/// Both-present comparison: `(similarity, missing)`; a missing side gives similarity 0 and lets
/// the missing-indicator weight say how much absence matters.
fn both<T: ?Sized>(a: Option<&T>, b: Option<&T>, f: impl Fn(&T, &T) -> f64) -> (f64, f64) {
    match (a, b) {
        (Some(x), Some(y)) => (f(x, y), 0.0),
        _ => (0.0, 1.0),
    }
}

/// Computes the feature vector for a pair, plus each field's headline similarity.
pub fn compare(a: &Prepared, b: &Prepared, f: &Freqs) -> ([f64; N_FEATURES], [f64; 7]) {
    compare_given(a, b, f, None)
}

/// [`compare`], reusing the pair's name comparison when the caller has made it already.
pub fn compare_given(
    a: &Prepared,
    b: &Prepared,
    f: &Freqs,
    mut diff: Option<NameDiff>,
) -> ([f64; N_FEATURES], [f64; 7]) {
    let mut x = cheap(a, b, f);
    for i in EXPENSIVE {
        x[i] = expensive_one(i, a, b, f, &mut diff);
    }
    let same_country = if x[17] > 0.0 { 0.0 } else { 1.0 - x[16] };
    let headline = [x[4], x[6], x[8], x[10], x[12], x[14], same_country];
    (x, headline)
}

/// Features that cost next to nothing: equalities, missing flags, a doubled letter, and for an
/// equal domain, phone, postal code or city its information in the list (one count looked up,
/// [`Freqs::value_nats`]). The string
/// similarities are filled by [`compare`] (or one at a time by [`expensive_one`]).
pub fn cheap(a: &Prepared, b: &Prepared, f: &Freqs) -> [f64; N_FEATURES] {
    let mut x = [0.0; N_FEATURES];
    x[5] = f64::from(u8::from(
        !a.compact().is_empty() && a.compact() == b.compact(),
    ));
    // A walk over the two compact names, stopping at their first difference.
    x[DOUBLED] = f64::from(u8::from(similarity::equal_but_doubled_letters(
        a.compact(),
        b.compact(),
    )));
    (x[6], x[7]) = both(a.domain(), b.domain(), |p, q| f64::from(u8::from(p == q)));
    (x[8], x[9]) = both(a.phone(), b.phone(), |p, q| {
        f64::from(u8::from(phone_equal(p, q)))
    });
    (x[10], x[11]) = both(a.postal(), b.postal(), |p, q| f64::from(u8::from(p == q)));
    x[13] = f64::from(u8::from(a.address().is_none() || b.address().is_none()));
    x[21] = match (a.address(), b.address()) {
        (Some(p), Some(q)) => f64::from(u8::from(numbers_disjoint(p, q))),
        _ => 0.0,
    };
    x[15] = f64::from(u8::from(a.city().is_none() || b.city().is_none()));
    let (same_country, missing) =
        both(a.country(), b.country(), |p, q| f64::from(u8::from(p == q)));
    x[16] = if missing > 0.0 {
        0.0
    } else {
        1.0 - same_country
    };
    x[17] = missing;
    let nats = |field, p: Option<&str>, equal: bool| match p {
        Some(v) if equal => f.value_nats(field, v),
        _ => 0.0,
    };
    x[22] = nats(ValueField::Domain, a.domain(), x[6] > 0.0);
    x[23] = nats(ValueField::Phone, a.phone(), x[8] > 0.0);
    x[24] = nats(ValueField::Postal, a.postal(), x[10] > 0.0);
    x[25] = nats(
        ValueField::City,
        a.city(),
        a.city().is_some() && a.city() == b.city(),
    );
    x
}

/// The runs of digits in an address ("7146-48 S Ashland" has 7146 and 48).
fn digit_runs(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
}

/// Whether both addresses carry numbers and share none: two sites on one street ("2820 N
/// Leavitt St" / "2905 N Leavitt St") read as near-equal strings, but a house number that
/// differs is another building. An added suite or a number range keeps one number in common.
pub(crate) fn numbers_disjoint(a: &str, b: &str) -> bool {
    let same = |x: &str, y: &str| x.trim_start_matches('0') == y.trim_start_matches('0');
    let mut any_a = false;
    for x in digit_runs(a) {
        any_a = true;
        if digit_runs(b).any(|y| same(x, y)) {
            return false;
        }
    }
    any_a && digit_runs(b).next().is_some()
}

/// String-similarity features, computed after the cheap ones (the bounded evaluation orders
/// them by [`cost_tier`] and weight).
pub const EXPENSIVE: [usize; 12] = [12, 14, 27, 4, 3, 2, 0, 1, 18, 19, 20, 26];

/// How dear an [`EXPENSIVE`] feature is to compute: 0 for the short address and city strings
/// and the place-only walk over the name words, 1 for the name's string measures, 2 for the
/// four list-frequency features (one name comparison that looks up every word's frequency).
pub fn cost_tier(i: usize) -> u8 {
    match i {
        12 | 14 | PLACE_ONLY => 0,
        18..=20 | 26 => 2,
        _ => 1,
    }
}

fn both_or_zero(p: Option<&str>, q: Option<&str>, f: fn(&str, &str) -> f64) -> f64 {
    match (p, q) {
        (Some(p), Some(q)) => f(p, q),
        _ => 0.0,
    }
}

/// One [`EXPENSIVE`] feature of a pair (0 for any other index). The four list-frequency
/// features come from one name comparison, kept in `diff` for the others.
pub fn expensive_one(
    i: usize,
    a: &Prepared,
    b: &Prepared,
    f: &Freqs,
    diff: &mut Option<NameDiff>,
) -> f64 {
    let mut name_diff =
        || *diff.get_or_insert_with(|| distinct::compare_names(a, b, f, |_, _, _| {}));
    match i {
        // Character measures on names without spaces, so "Gist-Brocades" == "Gistbrocades".
        0 => similarity::jaro_winkler(a.compact(), b.compact()),
        1 => similarity::levenshtein(a.compact(), b.compact()),
        2 => similarity::token_set_sorted(a.sorted(), b.sorted()),
        3 => similarity::levenshtein(a.sorted(), b.sorted()),
        4 => similarity::soft_idf_names_by(a.name(), b.name(), &|t| f.idf_of(t)),
        12 => both_or_zero(a.address(), b.address(), similarity::levenshtein),
        14 => both_or_zero(a.city(), b.city(), similarity::jaro_winkler),
        18 => name_diff().cost_feature(),
        19 => name_diff().chance_feature(),
        20 => name_diff().contained,
        // A word put for another parts two companies "unless other fields say otherwise":
        // the more alike the two street addresses, the less it counts (Chicago's labels make
        // one entity of a site, whatever its names).
        26 if name_diff().swapped => {
            1.0 - both_or_zero(a.address(), b.address(), similarity::levenshtein)
        }
        PLACE_ONLY => f64::from(u8::from(distinct::place_only_extension(a, b))),
        _ => 0.0,
    }
}

/// Largest value an [`EXPENSIVE`] feature can take for this pair, from lengths and presence
/// alone (Levenshtein similarity cannot exceed 1 - length difference / longer length).
pub fn expensive_bound(i: usize, a: &Prepared, b: &Prepared) -> f64 {
    match i {
        1 => similarity::levenshtein_bound(a.compact(), b.compact()),
        3 => similarity::levenshtein_bound(a.sorted(), b.sorted()),
        12 => both_or_zero(a.address(), b.address(), similarity::levenshtein_bound),
        14 => both_or_zero(a.city(), b.city(), |_, _| 1.0),
        _ => 1.0,
    }
}

/// Index into [`FIELDS`] of each feature.
pub fn field_of(feature: usize) -> usize {
    let f = FEATURES[feature].1;
    FIELDS.iter().position(|x| *x == f).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::numbers_disjoint;

    #[test]
    fn house_numbers_tell_two_sites_on_one_street_apart() {
        assert!(numbers_disjoint("2820 n leavitt st", "2905 n leavitt st"));
        assert!(!numbers_disjoint("7146-48 s ashland ave", "7146 s ashland"));
        assert!(!numbers_disjoint("12 main st suite 200", "12 main street"));
        assert!(!numbers_disjoint("012 main st", "12 main st"));
        // Without a number on both sides nothing is said.
        assert!(!numbers_disjoint("main st", "12 main st"));
        assert!(!numbers_disjoint("12 main st", "main st"));
        assert!(!numbers_disjoint("", ""));
    }
}
