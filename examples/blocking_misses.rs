//! Lists true pairs that blocking does not propose, on a labelled development set: which keys
//! a pair of the same company fails to share. Development aid only.
//!
//! `cargo run --release --example blocking_misses -- [chicago|patstat|febrl4|synthetic SEED]`
//! (60 pairs spread over the list; `ALL=1` lists every one).

use std::collections::HashMap;

use ecograph::matching::{Matcher, Record, devsets, index, prepare, train};

fn show(r: &Record) -> String {
    format!(
        "{:?} | {:?} | {:?} | {:?} | {:?} | {:?}",
        r.name, r.address, r.city, r.postal_code, r.phone, r.domain
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let set = args.get(1).map(String::as_str).unwrap_or("chicago");
    let m = Matcher::from_json(include_str!("../models/matcher.json")).expect("model");
    let er = devsets::er_dir(&devsets::default_shared_dir()).expect("shared data");
    let (pairs_missed, shown): (Vec<(Record, Record)>, usize) = if set == "febrl4" {
        let l = devsets::febrl4(&er).expect("febrl4");
        let lp: Vec<_> = l.left.iter().map(prepare).collect();
        let rp: Vec<_> = l.right.iter().map(prepare).collect();
        let cands: std::collections::HashSet<(u32, u32)> =
            index::link_candidates(&lp, &rp, &m.blocking)
                .into_iter()
                .collect();
        let mut by: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, x) in l.left_labels.iter().enumerate() {
            by.entry(x.as_str()).or_default().push(i);
        }
        let mut out = Vec::new();
        for (j, x) in l.right_labels.iter().enumerate() {
            for &i in by.get(x.as_str()).map(|v| v.as_slice()).unwrap_or(&[]) {
                if !cands.contains(&(i as u32, j as u32)) {
                    out.push((l.left[i].clone(), l.right[j].clone()));
                }
            }
        }
        (out, 60)
    } else {
        let d = match set {
            "synthetic" => {
                let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(13);
                train::synthetic_set(seed, 1500)
            }
            "patstat" => devsets::patstat(&er).expect("patstat").without_largest().0,
            _ => devsets::chicago(&er).expect("chicago"),
        };
        let preps: Vec<_> = d.records.iter().map(prepare).collect();
        let cands: std::collections::HashSet<(u32, u32)> =
            index::dedupe_candidates(&preps, &m.blocking)
                .into_iter()
                .collect();
        let mut out = Vec::new();
        for i in 0..d.records.len() {
            for j in i + 1..d.records.len() {
                if d.labels[i] == d.labels[j]
                    && !cands.contains(&(i as u32, j as u32))
                    && !cands.contains(&(j as u32, i as u32))
                {
                    out.push((d.records[i].clone(), d.records[j].clone()));
                }
            }
        }
        (out, 60)
    };
    println!("missed true pairs: {}", pairs_missed.len());
    let shown = if std::env::var_os("ALL").is_some() {
        pairs_missed.len().max(1)
    } else {
        shown
    };
    let step = (pairs_missed.len() / shown).max(1);
    for (a, b) in pairs_missed.iter().step_by(step).take(shown) {
        println!("{}\n  {}", show(a), show(b));
    }
}
