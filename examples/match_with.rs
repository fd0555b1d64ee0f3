//! `ecograph match` with a model read from a file instead of the shipped one, so that two model
//! versions can be compared on one pair of lists without rebuilding. Development aid only.
//!
//! `cargo run --release --example match_with -- MODEL.json LEFT.csv RIGHT.csv OUT.csv`
//! (writes `left_id,right_id,score,status`, decided as `ecograph match` decides).

use ecograph::matching::Matcher;
use ecograph::matching::csvio::{read_records_path, write_pairs};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, model, left, right, out] = args.as_slice() else {
        eprintln!("usage: match_with MODEL.json LEFT.csv RIGHT.csv OUT.csv");
        std::process::exit(2);
    };
    let m = Matcher::from_json(&std::fs::read_to_string(model).expect("model")).expect("model");
    let left = read_records_path(left.as_ref()).expect("left").records;
    let right = read_records_path(right.as_ref()).expect("right").records;
    let pb = indicatif::ProgressBar::hidden();
    let (decided, _, _) = m.match_and_decide(&left, &right, m.threshold(), false, &pb);
    write_pairs(out.as_ref(), &left, &right, &decided).expect("write pairs");
}
