//! The errors of a model on a labelled dedupe set, pair by pair: true pairs among the blocked
//! candidates that score below the threshold, and false pairs that score above it, each with the
//! fields' contributions, scored with the set's own word frequencies as the dedupe scores them
//! (before clustering, which can still join or part a pair). Development aid only.
//!
//! `cargo run --release --example pair_errors -- MODEL.json [chicago|patstat|synthetic SEED|stress SEED|families SEED] [N] [LEFT RIGHT]`
//! (LEFT RIGHT: the sizes of a generated world, by default the fold's test world's), or
//! `... MODEL.json csv N LEFT.csv RIGHT.csv TRUTH.csv` for two lists on disk
//! (fold models come from `ECOGRAPH_MATCHER_FOLDS=DIR ecograph matcher train`).

use ecograph::matching::distinct::Freqs;
use ecograph::matching::{Index, Matcher, Record, devsets, index, prepare, train};

fn show(r: &Record) -> String {
    format!(
        "{:?} | {:?} | {:?} | {:?} | {:?} | {:?} | {:?}",
        r.name, r.address, r.city, r.postal_code, r.phone, r.domain, r.country
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let model = std::fs::read_to_string(args.get(1).expect("model path")).expect("model");
    let m = Matcher::from_json(&model).expect("model");
    let set = args.get(2).map(String::as_str).unwrap_or("synthetic");
    // A generated world: the fold's test world by default, or another seed of its size.
    let generated: Option<(_, fn(_) -> _)> = match set {
        "stress" => Some((train::STRESS_TEST, train::stress_set)),
        "families" => Some((train::FAMILIES_TEST, train::families_set)),
        _ => None,
    };
    if let Some(((test_seed, left, right), world)) = generated {
        let seed = args
            .get(3)
            .and_then(|s| s.parse().ok())
            .unwrap_or(test_seed);
        let n = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(30);
        // Optional sizes after N: another size of the same shape (a development world).
        let left = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(left);
        let right = args.get(6).and_then(|s| s.parse().ok()).unwrap_or(right);
        return link_errors(&m, &world((seed, left, right)), n);
    }
    if set == "csv" {
        // Two record files and a truth file (left_id,right_id), as `tools/aliases_world.py` and
        // `ecograph matcher stress-world` write them.
        let [left, right, truth] = [4, 5, 6].map(|i| args.get(i).expect("LEFT RIGHT TRUTH"));
        let n = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(30);
        return link_errors(&m, &csv_set(left, right, truth), n);
    }
    let er = || devsets::er_dir(&devsets::default_shared_dir()).expect("shared data");
    let (d, shown) = match set {
        "chicago" => (devsets::chicago(&er()).expect("chicago"), 3),
        "patstat" => (devsets::patstat(&er()).expect("patstat"), 3),
        _ => {
            let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(13);
            (train::synthetic_set(seed, 1500), 4)
        }
    };
    let n: usize = args.get(shown).and_then(|s| s.parse().ok()).unwrap_or(30);
    let preps: Vec<_> = d.records.iter().map(prepare).collect();
    let list = Index::from_prepared(preps.clone());
    let freqs = Freqs::list(&m.idf, &list, true, true);
    let mut missed = Vec::new();
    let mut wrong = Vec::new();
    for (i, j) in index::dedupe_candidates(&preps, &m.blocking) {
        let (i, j) = (i as usize, j as usize);
        let (p, ev) = m.score_pair_in(&preps[i], &preps[j], &freqs);
        let same = d.labels[i] == d.labels[j];
        if same && p < m.threshold() {
            missed.push((p, i, j, ev));
        } else if !same && p >= m.threshold() {
            wrong.push((p, i, j, ev));
        }
    }
    for (title, list) in [
        ("true pairs below the threshold", &missed),
        ("false pairs above the threshold", &wrong),
    ] {
        print_errors(title, list, n, &d.records, &d.records);
    }
}

type Error = (f64, usize, usize, Vec<ecograph::matching::Evidence>);

fn print_errors(title: &str, list: &[Error], n: usize, left: &[Record], right: &[Record]) {
    println!("== {} {title}", list.len());
    let step = (list.len() / n.max(1)).max(1);
    for (p, i, j, ev) in list.iter().step_by(step).take(n) {
        let parts: Vec<String> = ev
            .iter()
            .filter(|e| e.contribution.abs() >= 0.5)
            .map(|e| format!("{} {:+.1}", e.field, e.contribution))
            .collect();
        println!(
            "{p:.3} [{}]\n  {}\n  {}",
            parts.join(", "),
            show(&left[*i]),
            show(&right[*j])
        );
    }
}

/// Two record files and their truth (`left_id,right_id`) as a labelled two-list set.
fn csv_set(left: &str, right: &str, truth: &str) -> ecograph::matching::devsets::LinkSet {
    use ecograph::matching::csvio::read_records_path;
    let left = read_records_path(left.as_ref()).expect("left").records;
    let right = read_records_path(right.as_ref()).expect("right").records;
    #[derive(serde::Deserialize)]
    struct Pair {
        left_id: String,
        right_id: String,
    }
    let of: std::collections::HashMap<String, String> = csv::Reader::from_path(truth)
        .expect("truth")
        .deserialize()
        .map(|p: Result<Pair, _>| p.expect("truth row"))
        .map(|p| (p.right_id, p.left_id))
        .collect();
    ecograph::matching::devsets::LinkSet {
        name: "csv".into(),
        left_labels: left.iter().map(|r| r.id.clone()).collect(),
        right_labels: right
            .iter()
            .map(|r| of.get(&r.id).unwrap_or(&r.id).clone())
            .collect(),
        left,
        right,
    }
}

/// A two-list set's errors of the best candidate per right record (as the decision step sees
/// them before ties are set aside): a right record whose best candidate at the threshold is not
/// its counterpart, and a right record with a counterpart none of whose candidates reaches it,
/// split by whether the counterpart was compared (shown with its own score) or never was.
fn link_errors(m: &Matcher, l: &ecograph::matching::devsets::LinkSet, n: usize) {
    let lp: Vec<_> = l.left.iter().map(prepare).collect();
    let index = Index::from_prepared(lp.clone());
    let freqs = Freqs::list(&m.idf, &index, true, false);
    let mut missed = Vec::new();
    let mut wrong = Vec::new();
    let mut unblocked = Vec::new();
    // The left records of each entity (one in a deduplicated left list, possibly more).
    let mut of_label: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, x) in l.left_labels.iter().enumerate() {
        of_label.entry(x.as_str()).or_default().push(i);
    }
    for (j, r) in l.right.iter().enumerate() {
        let q = prepare(r);
        let cands = index.candidates(&q, &m.blocking);
        let best = cands
            .iter()
            .map(|&i| {
                let (p, ev) = m.score_pair_in(&lp[i as usize], &q, &freqs);
                (p, i as usize, j, ev)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let counterparts = of_label.get(l.right_labels[j].as_str());
        if let Some(ts) = counterparts
            && best.as_ref().is_none_or(|b| b.0 < m.threshold())
        {
            // Why the counterpart was missed: compared and scored below (its best-scoring
            // record shown), or never compared.
            let compared = ts
                .iter()
                .filter(|&&t| cands.contains(&(t as u32)))
                .map(|&t| {
                    let (p, ev) = m.score_pair_in(&lp[t], &q, &freqs);
                    (p, t, j, ev)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            match compared {
                Some(c) => missed.push(c),
                None => unblocked.push((0.0, ts[0], j, Vec::new())),
            }
        }
        if let Some(b) = best
            && b.0 >= m.threshold()
            && l.left_labels[b.1] != l.right_labels[j]
        {
            wrong.push(b);
        }
    }
    print_errors(
        "counterparts compared and scored below the threshold",
        &missed,
        n,
        &l.left,
        &l.right,
    );
    print_errors(
        "wrong best above the threshold",
        &wrong,
        n,
        &l.left,
        &l.right,
    );
    print_errors(
        "counterparts never compared (no candidate reaches the threshold)",
        &unblocked,
        n,
        &l.left,
        &l.right,
    );
}
