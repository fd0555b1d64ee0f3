//! End-to-end checks of the public API on small inputs.

use ecograph::matching::{Brands, Index, Matcher, Record, prepare};

fn model() -> Matcher {
    let s = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/matcher.json"))
        .unwrap();
    Matcher::from_json(&s).unwrap()
}

fn rec(id: &str, name: &str, web: Option<&str>) -> Record {
    Record {
        id: id.into(),
        name: name.into(),
        website: web.map(str::to_string),
        ..Default::default()
    }
}

#[test]
fn acme_variants_match_with_evidence() {
    let m = model();
    let a = prepare(&rec(
        "1",
        "ACME Corporation, Inc.",
        Some("https://www.acme.com/x"),
    ));
    let b = prepare(&rec("2", "Acme Corp.", Some("acme.com")));
    let c = prepare(&rec("3", "Zenith Foods GmbH", Some("zenith.de")));
    let (s, ev) = m.score_pair(&a, &b);
    assert!(s >= m.threshold(), "{s}");
    assert!(
        ev.iter()
            .any(|e| e.field == "domain" && e.contribution > 0.0)
    );
    let (s2, _) = m.score_pair(&a, &c);
    assert!(s2 < m.threshold(), "{s2}");
}

#[test]
fn nutricia_word_order() {
    let m = model();
    let a = prepare(&rec("1", "N.V. Nutricia", None));
    let b = prepare(&rec("2", "Nutricia N.V.", None));
    assert!(m.score_pair(&a, &b).0 >= m.threshold());
}

#[test]
fn lists_dedupe_and_index() {
    let m = model();
    let left = vec![
        rec("a", "Acme Inc", Some("acme.com")),
        rec("b", "Zenith GmbH", Some("zenith.de")),
    ];
    let right = vec![
        rec("x", "ACME Incorporated", Some("www.acme.com")),
        rec("y", "Other Ltd", None),
    ];
    let (pairs, stats) = m.match_lists(&left, &right, m.threshold());
    assert_eq!(pairs.len(), 1);
    assert_eq!((pairs[0].left, pairs[0].right), (0, 0));
    assert_eq!(stats.total_pairs, 4);
    let all: Vec<Record> = left.iter().chain(&right).cloned().collect();
    let (ids, _) = m.dedupe(&all, m.threshold(), Brands::Join);
    assert_eq!(ids[0], ids[2]);
    assert_ne!(ids[0], ids[1]);
    let mut idx = Index::new();
    for (k, r) in left.iter().enumerate() {
        idx.insert(k as u64, r);
    }
    let got = idx.resolve(&right[0], 3, &m);
    assert_eq!(got[0].key, 0);
    assert!(idx.remove(0));
    assert!(idx.resolve(&right[0], 3, &m).iter().all(|c| c.key != 0));
    assert!(m.match_lists(&[], &right, 0.5).0.is_empty());
}
