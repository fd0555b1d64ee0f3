//! Reliability of a model's probabilities on a held-out set's blocked candidate pairs: per tenth
//! of probability, the pairs, their mean probability and the share that are true matches, and the
//! expected calibration error. Development aid only.
//!
//! `cargo run --release --example reliability -- MODEL.json [patstat|chicago|febrl4|stress|families|synthetic]`

use ecograph::matching::train::{self, Source};
use ecograph::matching::{Matcher, devsets, eval};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let model = std::fs::read_to_string(args.get(1).expect("model path")).expect("model");
    let m = Matcher::from_json(&model).expect("model");
    let set = args.get(2).map(String::as_str).unwrap_or("patstat");
    let er = || devsets::er_dir(&devsets::default_shared_dir()).expect("shared data");
    let (p, y) = match set {
        "patstat" => {
            let d = devsets::patstat(&er()).expect("patstat");
            train::held_out_probabilities(&m, &Source::Dedupe(&d))
        }
        "chicago" => {
            let d = devsets::chicago(&er()).expect("chicago");
            train::held_out_probabilities(&m, &Source::Dedupe(&d))
        }
        "febrl4" => {
            let l = devsets::febrl4(&er()).expect("febrl4");
            train::held_out_probabilities(&m, &Source::Link(&l))
        }
        "stress" => {
            let l = train::stress_set(train::STRESS_TEST);
            train::held_out_probabilities(&m, &Source::Generated(&l))
        }
        "families" => {
            let l = train::families_set(train::FAMILIES_TEST);
            train::held_out_probabilities(&m, &Source::Generated(&l))
        }
        _ => {
            let d = train::synthetic_set(7, 1500);
            train::held_out_probabilities(&m, &Source::Synthetic(&d))
        }
    };
    println!("{set}: {} pairs, ECE {:.4}", p.len(), eval::ece(&p, &y));
    println!("bin        pairs   mean p   share true");
    for b in 0..10 {
        let in_bin: Vec<(f64, bool)> = p
            .iter()
            .zip(&y)
            .filter(|(q, _)| ((*q * 10.0) as usize).min(9) == b)
            .map(|(q, t)| (*q, *t))
            .collect();
        if in_bin.is_empty() {
            continue;
        }
        let n = in_bin.len() as f64;
        let mean = in_bin.iter().map(|x| x.0).sum::<f64>() / n;
        let share = in_bin.iter().filter(|x| x.1).count() as f64 / n;
        println!(
            "{:.1}-{:.1} {:>9} {:>8.3} {:>12.3}",
            b as f64 / 10.0,
            (b + 1) as f64 / 10.0,
            in_bin.len(),
            mean,
            share
        );
    }
}
