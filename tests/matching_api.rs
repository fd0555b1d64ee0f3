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

/// In a list where "Corvid" and "Cleaning" are in a hundred and fifty names, two names that share
/// them but differ in a rare word are two companies, and the evidence names the words that differ
/// and what each cost; a bare rare name opening a longer one is the same company.
#[test]
fn names_differing_in_a_distinctive_word_show_it_in_the_evidence() {
    use ecograph::matching::{PairSide, Relation};
    let m = model();
    let city = |name: &str, id: usize| Record {
        id: id.to_string(),
        name: name.into(),
        city: Some("Bremen".into()),
        country: Some("DE".into()),
        ..Default::default()
    };
    let words = ["Harbour", "Quartz", "Ember", "Solace", "Granite", "Willow"];
    let mut left: Vec<Record> = (0..150)
        .map(|i| city(&format!("Corvid {} Cleaning {i} GmbH", words[i % 6]), i))
        .collect();
    left.push(city("Corvid Field Cleaning GmbH", 150));
    left.push(city("Veltrix", 151));
    let right = vec![
        city("Corvid Light Cleaning GmbH", 0),
        city("Veltrix Information", 1),
    ];
    let (pairs, _) = m.match_lists(&left, &right, 0.0);
    let find = |l: usize, r: usize| pairs.iter().find(|p| p.left == l && p.right == r).unwrap();
    let field = find(150, 0);
    assert!(field.score < m.threshold(), "{}", field.score);
    let name = &field.evidence[0];
    assert_eq!(name.field, "name");
    let words: Vec<(&str, PairSide)> = name
        .one_side
        .iter()
        .map(|o| (o.token.as_str(), o.side))
        .collect();
    assert_eq!(
        words,
        vec![("field", PairSide::First), ("light", PairSide::Second)]
    );
    assert!(name.one_side.iter().all(|o| o.cost < 0.0));
    let veltrix = find(151, 1);
    assert_eq!(veltrix.evidence[0].relation, Some(Relation::Same));
    assert!(veltrix.score >= m.threshold(), "{}", veltrix.score);
}
