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

/// A right list is queried in name order (for the cache), but its pairs come back in the list's
/// own order, each record with exactly the pairs it gets when matched alone.
#[test]
fn pairs_come_in_right_list_order_whatever_the_names_order() {
    let m = model();
    let left: Vec<Record> = [
        "Zenith Foods GmbH",
        "Acme Inc",
        "Nordwind Logistik",
        "Baltic Trade",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| rec(&format!("l{i}"), n, None))
    .collect();
    let right: Vec<Record> = [
        "ZENITH FOODS",
        "Nordwind Logistik GmbH",
        "Acme Incorporated",
        "Baltic Trade AB",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| rec(&format!("r{i}"), n, None))
    .collect();
    let key = |p: &ecograph::matching::MatchPair| (p.left, p.right, p.score.to_bits());
    let (pairs, _) = m.match_lists(&left, &right, 0.0);
    assert!(pairs.windows(2).all(|w| w[0].right <= w[1].right));
    let mut alone = Vec::new();
    for (j, r) in right.iter().enumerate() {
        for mut p in m.match_lists(&left, std::slice::from_ref(r), 0.0).0 {
            p.right = j;
            alone.push(key(&p));
        }
    }
    assert!(!alone.is_empty());
    assert_eq!(pairs.iter().map(key).collect::<Vec<_>>(), alone);
}

/// In a list where "Corvid" and "Cleaning" are in a hundred and fifty names, two names that share
/// them but differ in a rare word are two companies, and the evidence names the words that differ
/// and what each cost; a bare rare name opening a longer one is the same company. A city is
/// evidence by how few of the list's records are in it: where every record is in Bremen, the
/// two Veltrix records being there says next to nothing, and the bare name alone does not carry
/// the pair; where the list spreads over eight cities, Bremen among them, it does.
#[test]
fn names_differing_in_a_distinctive_word_show_it_in_the_evidence() {
    use ecograph::matching::{PairSide, Relation};
    let m = model();
    let in_city = |name: &str, id: usize, city: &str| Record {
        id: id.to_string(),
        name: name.into(),
        city: Some(city.into()),
        country: Some("DE".into()),
        ..Default::default()
    };
    let words = ["Harbour", "Quartz", "Ember", "Solace", "Granite", "Willow"];
    let cities = [
        "Bremen", "Kiel", "Bonn", "Essen", "Mainz", "Ulm", "Trier", "Jena",
    ];
    let right = vec![
        in_city("Corvid Light Cleaning GmbH", 0, "Bremen"),
        in_city("Veltrix Information", 1, "Bremen"),
    ];
    let list = |spread: bool| {
        let mut left: Vec<Record> = (0..150)
            .map(|i| {
                let city = if spread { cities[i % 8] } else { "Bremen" };
                in_city(
                    &format!("Corvid {} Cleaning {i} GmbH", words[i % 6]),
                    i,
                    city,
                )
            })
            .collect();
        left.push(in_city("Corvid Field Cleaning GmbH", 150, "Bremen"));
        left.push(in_city("Veltrix", 151, "Bremen"));
        m.match_lists(&left, &right, 0.0).0
    };
    let find = |pairs: &[ecograph::matching::MatchPair], l: usize, r: usize| {
        pairs
            .iter()
            .find(|p| p.left == l && p.right == r)
            .cloned()
            .unwrap()
    };
    let (bremen, spread) = (list(false), list(true));
    let field = find(&bremen, 150, 0);
    assert!(field.score < m.threshold(), "{}", field.score);
    assert!(find(&spread, 150, 0).score < m.threshold());
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
    let (veltrix, spread_veltrix) = (find(&bremen, 151, 1), find(&spread, 151, 1));
    assert_eq!(veltrix.evidence[0].relation, Some(Relation::Same));
    assert_eq!(spread_veltrix.evidence[0].relation, Some(Relation::Same));
    assert!(
        spread_veltrix.score >= m.threshold(),
        "{}",
        spread_veltrix.score
    );
    let city_of = |p: &ecograph::matching::MatchPair| {
        p.evidence
            .iter()
            .find(|e| e.field == "city")
            .unwrap()
            .contribution
    };
    assert!(
        city_of(&spread_veltrix) > city_of(&veltrix) + 1.0,
        "{} {}",
        city_of(&spread_veltrix),
        city_of(&veltrix)
    );
    assert!(veltrix.score < spread_veltrix.score);
}
