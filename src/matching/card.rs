//! Training and evaluating the matcher from the command line: `ecograph matcher train|eval`.

use super::{Matcher, devsets, eval, features::FEATURES, train};
use std::fmt::Write as _;
use std::path::Path;

/// Trains the matcher with leave-one-dataset-out evaluation on the development sets under `shared`
/// and writes `matcher.json` and the model card `matcher.md` into `models`. Returns the printed
/// per-fold tables.
///
/// The shipped model is the fold that held out PATSTAT, so its recorded PATSTAT F1 is a genuine
/// held-out number that a test re-checks.
pub fn train_and_write(shared: &Path, models: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    let (patstat, chicago, febrl) = devsets::load_all(shared)?;
    let t0 = std::time::Instant::now();
    let folds = train::leave_one_out(&patstat, &chicago, &febrl)?;
    let mut card = String::new();
    writeln!(card, "# ecograph company matcher — model card\n")?;
    writeln!(card, "- Date: {}", chrono::Utc::now().date_naive())?;
    writeln!(
        card,
        "- Model: L2 logistic regression (linfa-logistic, alpha {}), {} features",
        train::ALPHA,
        FEATURES.len()
    )?;
    writeln!(
        card,
        "- Threshold: {} (probability; fixed before any evaluation, never tuned on an evaluation set)",
        train::THRESHOLD
    )?;
    writeln!(
        card,
        "- Clustering (dedupe): average linkage over all cross pairs at the same threshold, then brand joining (`cluster::bridge_brands`: a bare rare brand name such as \"PHILIPS N.V.\" joins the clusters of two or more records nearly all of whose names carry it, unless domain, phone, postal code or country contradict); `ecograph dedupe --brands separate` turns it off. The evaluations below use it. Partner-list uploads group new companies without it (see Linking)."
    )?;
    writeln!(
        card,
        "- Token frequencies: three name features (tokens on one side only, the expected number of other records sharing the shared tokens, containment) and the soft-idf name similarity weigh words by their frequency in the list at hand, counted once per distinct name (the left list of a match, the records of a dedupe, the account base of a resolution), with the training corpus (stress and families worlds left out: their made-up words would pass for common ones) as a prior worth {} records (`matching::distinct`). An equal domain, phone, postal code or city also counts by its information in that list (`*_equal_nats`: minus the log of the share of the list's other records holding the value, with the same prior), as Fellegi–Sunter linkers adjust agreements for term frequency.",
        super::distinct::PRIOR_RECORDS
    )?;
    writeln!(
        card,
        "- Sets read while building: PATSTAT, Chicago and Febrl 4 (development sets, also training sources of the folds that do not hold them out), stress worlds of seeds 1 and 3 (seed 3 chose between model versions), seed 11 (run after each version, not used to choose) and the synthetic set of seed 7. No constant was set by reading an evaluation set: the feature scales, the prior and the descriptor share were fixed before the first training run, the threshold and decision margin are unchanged. Seed 23 was generated and matched once, at the end; see the section on distinctive disagreement below. Session of 2026-11-27 (afternoon): the errors of stress seed 3 (the stress fold's test world) were read to find the causes behind the changes in the section \"Records taken together, whole-name keys, typo or second word\" below; no constant was swept or tuned on it (the typo ratio 0.1 was fixed before its first run). Evening of 2026-11-27: speed only, no result changed; stress seed 41 at 1M x 100k was generated and matched once to report speed and quality at that size. Session of 2026-11-28: the wrong clusters of the Chicago fold (the model trained without Chicago) were read to find the cause behind `address_number_mismatch` (see \"House numbers\" below); the feature has no constant, and nothing was swept on Chicago. Then the missed pairs of the Febrl 4 fold were read to find the cause behind the address blocking key (see \"Address key\" below); its cap is the phone key's, not swept. The wrong matches of a 1M stress world of seed 43 were read (a development world; seed 41 stays the report world at that size). Session 18 (2026-11-28): the true pairs that blocking missed on Chicago, Febrl 4, PATSTAT without its largest cluster and a synthetic set of seed 13 (a development seed; 7 stays the report set) were read to find the causes behind the postal-code blocking key, the whole-name key in written order and initials split from a trailing legal form (see \"Postal-code key\" and \"Compounds and initials\" below); the postal key's cap is the phone key's, nothing was swept. Session 19: the value-frequency features (see \"Equal values weighed by their frequency in the list\" below) were measured in two forms on the leave-one-source-out folds and the better kept; then the stress fold's wrong best matches on seed 3 were read to explain its fall; nothing was changed on them. Session 20: a third generated shape, company families (`matching::families`), joined the training sources and the folds; the best matches of a families world of seed 17 (a development seed; seed 5 is the families fold's test world, 202 the training world) were read with the previous model to check the world's truth, which led to one company per name in a country and sparser street addresses (see \"Company families\" below); nothing was read of seed 5's errors. Then the wrong match rows of a 1M stress world of seed 43 (development) were read, which found the duplicate judgement made with the corpus's word frequencies (see \"Duplicates judged in the list\"); seed 41 was matched once after that change. Session 21: an alias world written with another generator (Faker 40.63.0; `tools/aliases_world.py`, names only) of seed 1 (development) was read with the previous model to find the causes behind more legal forms, group and family words in other languages and names written as web addresses; then the names-only training copies (see \"Names alone; another generator's aliases\" below) were measured in two sizes (a third and a sixth of the per-source caps) on the leave-one-source-out folds and seed 1, and the smaller kept; then name words were counted once per distinct name (change 4 in that section), one form, decided before its first run. Seed 2 of that world was matched once with each of the two models committed this session. Session 22: the wrong best matches of a stress world of seed 19 (a development seed) were read with the stress fold's model, which found that a word put for another (\"Lumdor Security\" / \"Lumdor Services\") cost little; a swapped-word feature was measured on the folds in a plain form, then, after Chicago's fold fell (its missed pairs were read), in the form the issue's rule gives (discounted by the likeness of the street addresses); fitted jointly with the other features it was matched once on stress seed 41 at 1M and aliases seed 2, fell on both and was not kept; fitted after the others, their logit a fixed offset (a change decided from the weights, not from any set's rows), it was measured on the folds and matched once on the same two worlds, against bounds fixed before that run (neither report world more than 0.002 below the shipped model, PATSTAT's fold at least 0.97 with ECE at most 0.05), and kept (see \"One word put for another\" below). Session 23: the wrong best matches of stress seed 19 (development) were read again with the stress fold's model; two changes found there (a word put into a name counted as a swap; a short name's place word required in the long name for an opening) were measured on the folds against bars fixed before each run, missed them and were not kept; a third, the word put in as a feature of its own fitted after the others, took a positive weight in the stress fold and was not kept either; no report world was matched (see \"A word put into a name\" below). Session 24: the second of those, a correction of what wholly opening means, was re-proposed knowing its fold figures, against bars fixed before this session's runs, and kept: the folds were rerun, stress seed 41 at 1M and aliases seed 2 matched once, import linking of seed 42 measured; the Chicago fold's wrong pairs were read and found to be label artifacts (see \"A place the short name names, re-proposed and kept\" below). Then the misses of the alias world of seed 1 (development) were read with that model, which found names written as web addresses never compared; two blocking spellings and two reading rules were measured once on the folds, seed 1 and the report worlds (aliases seed 2, stress seed 41 at 1M, import linking of seed 42) against bars written before the run, and kept (see \"Names written as web addresses\" below). Session 25: the errors of a 1M stress world of seed 43 (development) were read with the shipped model, which found divisions named after their country never compared; a whole-name key without place words was measured on seed 43, the folds and the report worlds (stress seed 41 at 1M, aliases seed 2, import linking of seed 42) against bars written before the run, and kept (see \"Divisions named after their country\" below). A second change (names that differ only by a country read as one name) was measured the same way against bars written before its run, missed the alias world's by 0.001 and was not kept; the true pairs it lost on the alias world of seed 1 (development) were read to find why (see \"Tried and not kept\" in that section). Session 26: the second change was re-proposed in another form decided from its weights, not from any set's rows: a feature of its own (one name is the other with a country put in) fitted after the others with their logit as a fixed offset, as the swap is, so that no other weight can move; it was measured on the folds, on stress seed 43 at 1M (development) and matched once on the report worlds (stress seed 41 at 1M, aliases seed 2, import linking of seed 42) against bars written before its run, and kept (see \"Kept in another form\" in that section). Then the errors of stress seed 43 at 1M (development) were read with the new model to find what is left (doubled letters in one-word roots below the threshold, siblings with a word put in above it); nothing was changed on them. Session 27: the doubled-letter lead of session 26 became a feature of its own (the two names are one once a repeated letter is read once), fitted after the others as the country feature is, so that no other weight can move; it was measured on the folds and on stress seed 43 at 1M (development) and matched once on the report worlds (stress seed 41 at 1M, aliases seed 2, import linking of seed 42) against bars written before its run, and kept (see \"A letter typed twice\" below); then the right records of seed 43 that the previous model called ambiguous and the new one matched were read to explain the gain; nothing was changed on them. Then the counterparts of the alias world of seed 1 (development) that the new model scored below the threshold were read with `examples/pair_errors` (its `csv` mode, added for this); a foundation as general partner (\"Löffler Stiftung & Co. KGaA\" / \"Löffler\") was found costing as a distinctive word, read as a legal form as \"GmbH & Co. KG\" is, measured on seed 1, the folds and stress seed 43 and matched once on the report worlds against bars written before its run, and kept (see \"A foundation as general partner\" below). Then \"eG\", the German registered cooperative, was read as a legal form at the end of a name only (one of the misses of the same reading), measured the same way against bars written before its run, and kept (see \"A foundation as general partner\" below)."
    )?;
    writeln!(
        card,
        "- Shipped artifact: the fold that held out PATSTAT; trained on {:?}\n",
        folds[0].matcher.info.trained_on
    )?;
    writeln!(
        card,
        "## Leave-one-source-out results (each fold: model trained WITHOUT that source)\n"
    )?;
    writeln!(
        card,
        "Synthetic test set uses seed 7 (training synthetic uses seed {}).\n",
        train::SYNTH_SEED
    )?;
    writeln!(
        card,
        "Stress worlds: trained on seed {} ({} x {}); the stress fold is measured on seed {} ({} x {}). Families worlds: trained on seed {} ({} x {}); the families fold is measured on seed {} ({} x {}). P/R/F1 of linkage sets count every pair above the threshold; \"decided\" counts the matches the decision step keeps. ECE: expected calibration error (10 bins) over the held-out set's blocked candidate pairs.\n",
        train::STRESS_TRAIN.0,
        train::STRESS_TRAIN.1,
        train::STRESS_TRAIN.2,
        train::STRESS_TEST.0,
        train::STRESS_TEST.1,
        train::STRESS_TEST.2,
        train::FAMILIES_TRAIN.0,
        train::FAMILIES_TRAIN.1,
        train::FAMILIES_TRAIN.2,
        train::FAMILIES_TEST.0,
        train::FAMILIES_TEST.1,
        train::FAMILIES_TEST.2
    )?;
    writeln!(
        card,
        "| fold (held out) | set | n | P | R | F1 | B-cubed F1 | decided P / R / F1 | ECE | pair completeness | reduction ratio |"
    )?;
    writeln!(card, "|---|---|---|---|---|---|---|---|---|---|---|")?;
    for f in &folds {
        writeln!(
            out,
            "== fold: held out {} (train pairs pos/neg per source: {:?})",
            f.held_out, f.counts
        )?;
        out.push_str(&eval::table(&f.rows));
        for r in &f.rows {
            writeln!(
                card,
                "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {:.4} | {:.5} |",
                f.held_out,
                r.set,
                r.records,
                r.pairwise.precision,
                r.pairwise.recall,
                r.pairwise.f1,
                r.bcubed
                    .map(|b| format!("{:.3}", b.f1))
                    .unwrap_or_else(|| "-".into()),
                r.decided
                    .map(|d| format!("{:.3} / {:.3} / {:.3}", d.precision, d.recall, d.f1))
                    .unwrap_or_else(|| "-".into()),
                r.ece
                    .map(|e| format!("{e:.3}"))
                    .unwrap_or_else(|| "-".into()),
                r.pair_completeness,
                r.reduction_ratio
            )?;
        }
    }
    let mut shipped = folds[0].matcher.clone();
    shipped.info.date = chrono::Utc::now().date_naive().to_string();
    writeln!(
        card,
        "\n## Training data of the shipped model (blocked candidate pairs, capped per source)\n"
    )?;
    for (s, p, n) in &folds[0].counts {
        writeln!(card, "- {s}: {p} matching, {n} non-matching pairs")?;
    }
    writeln!(
        card,
        "\n## Weights (contribution to the logit = weight x feature)\n"
    )?;
    writeln!(card, "| feature | weight |\n|---|---|")?;
    writeln!(card, "| (intercept) | {:.3} |", shipped.bias)?;
    for (n, w) in shipped.feature_names.iter().zip(&shipped.weights) {
        writeln!(card, "| {n} | {w:.3} |")?;
    }
    writeln!(card, "\n## Caveats\n")?;
    writeln!(
        card,
        "- Chicago labels identify a site (street number + ZIP), so address features look better there than in general."
    )?;
    writeln!(
        card,
        "- Febrl4 is synthetic person data; it checks the pipeline and blocking, not company-name rules."
    )?;
    writeln!(
        card,
        "- PATSTAT is dominated by one cluster (Philips); the table reports it with and without that cluster."
    )?;
    writeln!(
        card,
        "- Brand joining cannot tell a renamed company from a subsidiary that keeps the brand: on PATSTAT it joins \"Philips Gloeilampenfabrieken\" to \"Koninklijke Philips Electronics\" (one entity in the labels) and \"DSM IP Assets B.V.\" to \"DSM N.V.\" (two). See the PATSTAT section."
    )?;
    // The linking section (measured by importing generated ecosystems) and the performance
    // section (measured by the criterion benches) are not produced here: carry them over.
    if let Ok(old) = std::fs::read_to_string(models.join("matcher.md"))
        && let Some(i) = ["\n## Linking", "\n## Performance"]
            .iter()
            .filter_map(|h| old.find(h))
            .min()
    {
        card.push_str(&old[i..]);
    }
    std::fs::create_dir_all(models)?;
    std::fs::write(models.join("matcher.json"), shipped.to_json())?;
    // Each fold's model, for reading its errors on a development set (`examples/`).
    if let Some(dir) = std::env::var_os("ECOGRAPH_MATCHER_FOLDS") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir)?;
        for f in &folds {
            std::fs::write(
                dir.join(format!("fold-{}.json", f.held_out)),
                f.matcher.to_json(),
            )?;
        }
    }
    std::fs::write(models.join("matcher.md"), card)?;
    writeln!(
        out,
        "wrote {0}/matcher.json and {0}/matcher.md in {1:.1}s",
        models.display(),
        t0.elapsed().as_secs_f64()
    )?;
    Ok(out)
}

/// The model shipped with this build (`models/matcher.json`, embedded at compile time).
pub fn shipped() -> Matcher {
    shipped_ref().clone()
}

/// The shipped model, parsed once.
pub fn shipped_ref() -> &'static Matcher {
    static MODEL: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        Matcher::from_json(include_str!("../../models/matcher.json"))
            .expect("the shipped model is valid")
    })
}

/// The metrics table of a model on every development set under `shared`. Only the sets the model
/// was not trained on are held-out figures; its card says which.
pub fn eval_report(m: &Matcher, shared: &Path) -> Result<String, String> {
    let (patstat, chicago, febrl) = devsets::load_all(shared)?;
    let (wo, big) = patstat.without_largest();
    let mut out = format!(
        "model trained on {:?}; threshold {}\n(largest PATSTAT cluster removed in the second row: leuven_id {big})\n",
        m.info.trained_on,
        m.threshold()
    );
    let rows = vec![
        eval::eval_dedupe(m, &patstat),
        eval::eval_dedupe(m, &wo),
        eval::eval_dedupe(m, &chicago),
        eval::eval_link(m, &febrl),
        eval::eval_link(m, &train::stress_set(train::STRESS_TEST)),
        eval::eval_link(m, &train::families_set(train::FAMILIES_TEST)),
    ];
    out.push_str(&eval::table(&rows));
    Ok(out)
}
