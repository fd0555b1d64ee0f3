//! Diagnostics for the matcher on a labelled dedupe set: how each large true entity is split
//! across predicted clusters, and which predicted clusters mix entities. Development aid only.
//!
//! `cargo run --release --example er_diag -- [patstat|chicago] [model.json]`

use std::collections::HashMap;

use ecograph::matching::{Brands, Matcher, devsets, prepare};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let set = args.get(1).map(String::as_str).unwrap_or("patstat");
    let model = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/models/matcher.json").into());
    let m = Matcher::from_json(&std::fs::read_to_string(model).expect("model")).expect("model");
    let er = devsets::er_dir(&devsets::default_shared_dir()).expect("shared data");
    let d = match set {
        "chicago" => devsets::chicago(&er).expect("chicago"),
        _ => devsets::patstat(&er).expect("patstat"),
    };
    let (ids, stats) = m.dedupe(&d.records, m.threshold(), Brands::Join);
    println!("candidate pairs {}", stats.candidate_pairs);
    let mut by_label: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in d.labels.iter().enumerate() {
        by_label.entry(l.as_str()).or_default().push(i);
    }
    let mut labels: Vec<(&str, Vec<usize>)> = by_label.into_iter().collect();
    labels.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (l, members) in labels.iter().take(8) {
        let mut parts: HashMap<usize, Vec<usize>> = HashMap::new();
        for &i in members {
            parts.entry(ids[i]).or_default().push(i);
        }
        let mut parts: Vec<(usize, Vec<usize>)> = parts.into_iter().collect();
        parts.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        println!(
            "== true entity {l}: {} records in {} predicted clusters",
            members.len(),
            parts.len()
        );
        for (c, recs) in parts.iter().take(12) {
            let mut names: HashMap<String, usize> = HashMap::new();
            for &i in recs {
                *names
                    .entry(prepare(&d.records[i]).name().to_string())
                    .or_default() += 1;
            }
            let mut names: Vec<(String, usize)> = names.into_iter().collect();
            names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let top: Vec<String> = names
                .iter()
                .take(5)
                .map(|(n, k)| format!("{n} x{k}"))
                .collect();
            println!("  cluster {c}: {} records: {}", recs.len(), top.join(" | "));
        }
    }
    // Predicted clusters mixing true entities.
    let mut pc: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, c) in ids.iter().enumerate() {
        pc.entry(*c).or_default().push(i);
    }
    let mut mixed = 0;
    for recs in pc.values() {
        let mut ls: Vec<&str> = recs.iter().map(|i| d.labels[*i].as_str()).collect();
        ls.sort_unstable();
        ls.dedup();
        if ls.len() > 1 {
            mixed += 1;
            if mixed <= 25 {
                let names: Vec<String> = recs
                    .iter()
                    .take(6)
                    .map(|i| {
                        let r = &d.records[*i];
                        format!(
                            "{}[{}] {} {} {}",
                            prepare(r).name(),
                            d.labels[*i],
                            r.address.as_deref().unwrap_or("-"),
                            r.postal_code.as_deref().unwrap_or("-"),
                            r.website.as_deref().unwrap_or("-")
                        )
                    })
                    .collect();
                println!("mixed cluster:\n    {}", names.join("\n    "));
            }
        }
    }
    println!("mixed predicted clusters: {mixed}");
}
