//! Properties the matcher's string measures must keep whatever the input.

use ecograph::matching::similarity::IdfTable;
use ecograph::matching::similarity::{jaro_winkler, soft_idf_names};
use ecograph::matching::{Matcher, Record, card, prepare};
use proptest::prelude::*;

/// Words over a small alphabet, so that random pairs share letters, prefixes and transpositions.
fn word() -> impl Strategy<Value = String> {
    "[abcde]{0,12}"
}

fn name() -> impl Strategy<Value = String> {
    proptest::collection::vec("[abcdr]{1,7}", 1..6).prop_map(|w| w.join(" "))
}

/// Company records that often agree in part: names from a few words, cities and streets from
/// short lists, fields sometimes missing.
fn record() -> impl Strategy<Value = Record> {
    let words = proptest::sample::select(vec![
        "corvid", "corvidd", "light", "field", "cleaning", "gmbh", "kestrel", "systems", "data",
        "nordex", "nordax",
    ]);
    (
        proptest::collection::vec(words, 1..5),
        proptest::option::of(proptest::sample::select(vec!["Bremen", "Bremem", "Berlin"])),
        proptest::option::of(proptest::sample::select(vec![
            "1 Main St",
            "1 Main Street",
            "9 Elm Rd",
        ])),
        proptest::option::of(proptest::sample::select(vec!["DE", "US"])),
        proptest::option::of(proptest::sample::select(vec!["corvid.de", "kestrel.com"])),
    )
        .prop_map(|(name, city, address, country, domain)| Record {
            name: name.join(" "),
            city: city.map(str::to_string),
            address: address.map(str::to_string),
            country: country.map(str::to_string),
            domain: domain.map(str::to_string),
            ..Record::default()
        })
}

/// The shipped model, and a copy with another model's weights (signs and sizes changed), so that
/// the bounded evaluation orders the features otherwise. Parsed afresh, as the order is computed
/// on first use.
fn models() -> &'static [Matcher; 2] {
    static M: std::sync::OnceLock<[Matcher; 2]> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let shipped = card::shipped_ref();
        let mut other = Matcher::from_json(&shipped.to_json()).unwrap();
        other.weights = shipped.weights.iter().rev().map(|w| -0.5 * w).collect();
        [shipped.clone(), other]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// The bounded evaluation stops computing features once a pair cannot reach the threshold;
    /// whatever order it computes them in, it must answer as full scoring does.
    #[test]
    fn bounded_evaluation_answers_as_full_scoring(
        a in record(),
        b in record(),
        t in prop_oneof![Just(0.5), 0.01f64..0.99],
        flip in any::<bool>(),
    ) {
        let m = &models()[usize::from(flip)];
        let (pa, pb) = (prepare(&a), prepare(&b));
        prop_assert_eq!(m.reaches(&pa, &pb, t), m.probability(&pa, &pb) >= t, "{:?} {:?}", a, b);
    }

    /// Soft-idf compares each token pair once and reads the result both ways, which is exact only
    /// because Jaro-Winkler is symmetric to the bit.
    #[test]
    fn jaro_winkler_is_symmetric(a in word(), b in word()) {
        prop_assert_eq!(jaro_winkler(&a, &b).to_bits(), jaro_winkler(&b, &a).to_bits());
    }

    #[test]
    fn soft_idf_is_symmetric_and_bounded(a in name(), b in name()) {
        let idf = IdfTable::from_docs(std::iter::empty(), 1);
        let (x, y) = (soft_idf_names(&a, &b, &idf), soft_idf_names(&b, &a, &idf));
        prop_assert!((0.0..=1.0).contains(&x), "{x}");
        prop_assert!((x - y).abs() < 1e-12, "{x} {y}");
        if a == b {
            prop_assert!((x - 1.0).abs() < 1e-9, "{x}");
        }
    }
}
