//! Tests of the generator's contract: determinism, parseability through the API's own parsers,
//! referential integrity, and noise that is really there.

use super::*;
use crate::api::extract::parse_ndjson_with_id;
use crate::api::records::parse_csv;
use crate::domain::{
    Account, AccountInput, Deal, DealInput, DomainName, Id, Ipp, IppInput, Partner, PartnerInput,
    PartnerRecord, Play, PlayInput, Touchpoint, TouchpointInput,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

fn config(seed: u64, partners: usize, accounts: usize) -> GenConfig {
    GenConfig {
        seed,
        partners,
        accounts,
        ..GenConfig::default()
    }
}

fn generated(cfg: &GenConfig) -> (tempfile::TempDir, GenSummary) {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = generate(cfg, dir.path(), false).expect("generate");
    (dir, summary)
}

/// Every file under `root` by relative path, in sorted order.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").to_path_buf();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

fn lines(dir: &Path, file: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join(file))
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

/// Parses an entity file exactly as `ecograph import` does and builds each domain value.
fn parse_entities<I: DeserializeOwned, T>(
    dir: &Path,
    file: &str,
    build: impl Fn(Id, I) -> Result<T, crate::domain::Invalid>,
) -> Vec<T> {
    let bytes = std::fs::read(dir.join(file)).expect("read");
    parse_ndjson_with_id::<I>(&bytes)
        .into_iter()
        .map(|(row, parsed)| {
            let (id, input) = parsed.unwrap_or_else(|e| panic!("{file} row {row}: {e:?}"));
            let id = Id::parse("id", &id).unwrap_or_else(|e| panic!("{file} row {row}: {e}"));
            build(id, input).unwrap_or_else(|e| panic!("{file} row {row}: {e}"))
        })
        .collect()
}

/// Each partner's CSV rows, parsed by the upload parser, by partner id.
fn partner_records(dir: &Path) -> BTreeMap<String, Vec<PartnerRecord>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir.join("partner_accounts")).expect("read_dir") {
        let path = e.expect("entry").path();
        let pid = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem")
            .to_string();
        let bytes = std::fs::read(&path).expect("read");
        let rows = parse_csv(&bytes, None, None).unwrap_or_else(|e| panic!("{pid}: {e:?}"));
        let records = rows
            .into_iter()
            .map(|(row, r)| {
                let input = r.unwrap_or_else(|e| panic!("{pid} row {row}: {e:?}"));
                assert!(
                    input.account_id.is_none(),
                    "exports must not name the account"
                );
                PartnerRecord::from_input(
                    Id::parse("p", &pid).expect("id"),
                    Id::parse("a", "A-unresolved").expect("id"),
                    input,
                )
                .unwrap_or_else(|e| panic!("{pid} row {row}: {e}"))
            })
            .collect();
        out.insert(pid, records);
    }
    out
}

#[test]
fn the_same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let cfg = config(11, 30, 2000);
    let (a, sa) = generated(&cfg);
    let (b, sb) = generated(&cfg);
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between runs",
            path.display()
        );
    }
    assert_eq!(
        GenSummary { seconds: 0.0, ..sa },
        GenSummary { seconds: 0.0, ..sb }
    );

    let (c, _) = generated(&config(12, 30, 2000));
    let fc = files(c.path());
    assert_ne!(
        fa[Path::new("accounts.ndjson")],
        fc[Path::new("accounts.ndjson")]
    );
}

#[test]
fn every_line_parses_into_the_domain_types_through_the_import_parsers() {
    let (dir, s) = generated(&config(3, 60, 4000));
    let d = dir.path();
    assert_eq!(
        parse_entities::<PartnerInput, _>(d, "partners.ndjson", Partner::from_input).len(),
        s.partners
    );
    assert_eq!(
        parse_entities::<AccountInput, _>(d, "accounts.ndjson", Account::from_input).len(),
        s.accounts
    );
    assert_eq!(
        parse_entities::<DealInput, _>(d, "deals.ndjson", Deal::from_input).len(),
        s.deals
    );
    assert_eq!(
        parse_entities::<TouchpointInput, _>(d, "touchpoints.ndjson", Touchpoint::from_input).len(),
        s.touchpoints
    );
    assert_eq!(
        parse_entities::<PlayInput, _>(d, "plays.ndjson", Play::from_input).len(),
        s.plays
    );
    assert_eq!(
        parse_entities::<IppInput, _>(d, "ipps.ndjson", Ipp::from_input).len(),
        s.ipps
    );
    let records: usize = partner_records(d).values().map(Vec::len).sum();
    assert_eq!(records, s.partner_records);
    assert_eq!(s.accounts, 4000);
    assert_eq!(s.partners, 60);
    assert!(s.plays >= 12 && s.ipps >= 5);

    let manifest: Value =
        serde_json::from_slice(&std::fs::read(d.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["seed"], 3);
    assert_eq!(manifest["counts"]["deals"], s.deals);
    assert_eq!(manifest["counts"]["partner_records"], s.partner_records);
}

#[test]
fn every_reference_resolves() {
    let (dir, s) = generated(&config(5, 80, 6000));
    let d = dir.path();
    let partners: HashSet<String> = lines(d, "partners.ndjson")
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let accounts = lines(d, "accounts.ndjson");
    let account_ids: HashSet<String> = accounts
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    for a in &accounts {
        if let Some(p) = a["owner"]["partner_id"].as_str() {
            assert!(partners.contains(p), "owner {p}");
        }
    }
    let mut deal_account: HashMap<String, String> = HashMap::new();
    for deal in lines(d, "deals.ndjson") {
        let acc = deal["account_id"].as_str().unwrap();
        assert!(account_ids.contains(acc), "deal account {acc}");
        let ps = deal["partners"].as_array().unwrap();
        assert!(ps.len() <= 7);
        let mut seen = HashSet::new();
        for p in ps {
            let pid = p["partner_id"].as_str().unwrap();
            assert!(partners.contains(pid), "deal partner {pid}");
            assert!(
                seen.insert(pid.to_string()),
                "a partner appears twice in {}",
                deal["id"]
            );
        }
        deal_account.insert(deal["id"].as_str().unwrap().to_string(), acc.to_string());
    }
    for t in lines(d, "touchpoints.ndjson") {
        assert!(partners.contains(t["partner_id"].as_str().unwrap()));
        let acc = t["account_id"].as_str().unwrap();
        assert!(account_ids.contains(acc));
        if let Some(deal) = t["deal_id"].as_str() {
            assert_eq!(
                deal_account.get(deal).map(String::as_str),
                Some(acc),
                "touchpoint {} on {deal}",
                t["id"]
            );
        }
    }
    let registrations = lines(d, "registrations.ndjson");
    assert_eq!(registrations.len(), s.registrations);
    let mut registration_ids = HashSet::new();
    for r in &registrations {
        let deal = r["deal_id"].as_str().unwrap();
        assert_eq!(
            deal_account.get(deal),
            r["account_id"].as_str().map(str::to_string).as_ref()
        );
        assert!(partners.contains(r["partner_id"].as_str().unwrap()));
        for p in r["partners"].as_array().into_iter().flatten() {
            assert!(partners.contains(p["partner_id"].as_str().unwrap()));
        }
        assert!(registration_ids.insert(r["id"].as_str().unwrap().to_string()));
    }
    let disputes = lines(d, "truth/disputes.ndjson");
    assert_eq!(disputes.len(), s.disputes);
    for x in &disputes {
        assert!(registration_ids.contains(x["registration_id"].as_str().unwrap()));
        assert!(deal_account.contains_key(x["deal_id"].as_str().unwrap()));
        if let Some(other) = x["other_party"].as_str() {
            assert!(other == "direct" || partners.contains(other), "{other}");
        }
    }

    let records = partner_records(d);
    assert_eq!(records.len(), partners.len(), "one export per partner");
    assert!(records.keys().all(|p| partners.contains(p)));
    let truth = std::fs::read_to_string(d.join("truth/account_identity.csv")).unwrap();
    let mut truth_lines = truth.lines();
    assert_eq!(
        truth_lines.next(),
        Some("partner_id,record_id,account_id,true_entity")
    );
    let mut truth_keys = HashSet::new();
    for l in truth_lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 4, "{l}");
        assert!(f[2].is_empty() || account_ids.contains(f[2]), "{l}");
        assert!(f[2].is_empty() || f[2] == f[3], "{l}");
        assert!(!f[3].is_empty());
        assert!(
            truth_keys.insert((f[0].to_string(), f[1].to_string())),
            "duplicate record id {l}"
        );
    }
    let record_keys: HashSet<(String, String)> = records
        .iter()
        .flat_map(|(p, rs)| {
            rs.iter()
                .map(move |r| (p.clone(), r.id.as_str().to_string()))
        })
        .collect();
    assert_eq!(
        record_keys, truth_keys,
        "truth covers exactly the exported rows"
    );
    for f in lines(d, "truth/factors.ndjson") {
        assert!(partners.contains(f["partner_id"].as_str().unwrap()));
    }
}

#[test]
fn partner_records_are_noisy_spellings_of_their_true_accounts() {
    let (dir, _) = generated(&config(8, 80, 6000));
    let d = dir.path();
    let accounts: HashMap<String, Value> = lines(d, "accounts.ndjson")
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_string(), v))
        .collect();
    let records = partner_records(d);
    let by_key: HashMap<(String, String), &PartnerRecord> = records
        .iter()
        .flat_map(|(p, rs)| {
            rs.iter()
                .map(move |r| ((p.clone(), r.id.as_str().to_string()), r))
        })
        .collect();
    let truth = std::fs::read_to_string(d.join("truth/account_identity.csv")).unwrap();
    let (
        mut known,
        mut differs,
        mut same_first_word,
        mut no_domain,
        mut domain_given,
        mut domain_matches,
    ) = (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let mut unknown_partners: HashMap<String, HashSet<String>> = HashMap::new();
    for l in truth.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let rec = by_key[&(f[0].to_string(), f[1].to_string())];
        if f[2].is_empty() {
            unknown_partners
                .entry(f[3].to_string())
                .or_default()
                .insert(f[0].to_string());
            continue;
        }
        known += 1;
        let acc = &accounts[f[2]];
        let true_name = acc["name"].as_str().unwrap();
        if rec.name.as_str() != true_name {
            differs += 1;
            let first = |s: &str| {
                super::names::fold_ascii(
                    s.trim_start_matches("The ").split(' ').next().unwrap_or(""),
                )
                .to_lowercase()
            };
            if first(rec.name.as_str()) == first(true_name) {
                same_first_word += 1;
            }
        }
        match &rec.domain {
            None => no_domain += 1,
            Some(dom) => {
                if let (Ok(given), Some(truth)) =
                    (DomainName::parse("d", dom), acc["domain"].as_str())
                {
                    domain_given += 1;
                    if given.as_str() == truth {
                        domain_matches += 1;
                    }
                }
            }
        }
    }
    let rate = |n: usize, of: usize| n as f64 / of.max(1) as f64;
    assert!(known > 1000, "{known}");
    assert!(
        (0.3..0.9).contains(&rate(differs, known)),
        "names differing: {}",
        rate(differs, known)
    );
    assert!(
        rate(same_first_word, differs) > 0.5,
        "differing names still look alike: {}",
        rate(same_first_word, differs)
    );
    assert!(
        rate(no_domain, known) > 0.3,
        "domain missing often: {}",
        rate(no_domain, known)
    );
    assert!(
        rate(domain_matches, domain_given) > 0.8,
        "given domains mostly reduce to the true one"
    );
    assert!(
        unknown_partners.values().any(|ps| ps.len() >= 2),
        "some companies unknown to the vendor are listed by several partners"
    );

    let all: Vec<&PartnerRecord> = records.values().flatten().collect();
    let any = |f: &dyn Fn(&PartnerRecord) -> bool| all.iter().any(|r| f(r));
    assert!(any(&|r| r
        .name
        .as_str()
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)));
    assert!(any(&|r| [" Intl", " Mfg", " Svcs", " Tech", " Sys"]
        .iter()
        .any(|a| r.name.as_str().contains(a))));
    assert!(
        any(&|r| r.name.as_str().contains(" (") || r.name.as_str().contains(" - ")),
        "divisions"
    );
    assert!(any(&|r| r
        .website
        .as_deref()
        .is_some_and(|w| w.starts_with("http"))));
    assert!(any(&|r| r
        .domain
        .as_deref()
        .is_some_and(|w| w.starts_with("www."))));
    assert!(any(&|r| r.country.as_deref().is_some_and(|c| c.len() > 3)));
    assert!(any(&|r| r.country.as_deref().is_some_and(|c| c.len() == 2)));
    assert!(any(&|r| r
        .email
        .as_deref()
        .is_some_and(|e| e.contains('@'))));
}

#[test]
fn deals_disputes_and_outcomes_follow_the_hidden_model() {
    let (dir, s) = generated(&config(21, 150, 16_000));
    let d = dir.path();
    let disputes = lines(d, "truth/disputes.ndjson");
    let causes: HashSet<&str> = disputes
        .iter()
        .map(|x| x["cause"].as_str().unwrap())
        .collect();
    for cause in [
        "duplicate_registration",
        "direct_conflict",
        "incumbent",
        "unauthorised_region",
        "unauthorised_product",
    ] {
        assert!(
            causes.contains(cause),
            "no {cause} among {} disputes",
            disputes.len()
        );
    }
    assert!(
        s.registrations > s.disputes * 3,
        "most registrations go through"
    );

    let deals = lines(d, "deals.ndjson");
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let (mut old_open, mut closed, mut won, mut usd) = (0, 0, 0, 0);
    for deal in &deals {
        let stage = deal["stage"].as_str().unwrap();
        let close: NaiveDate = deal["close_date"].as_str().unwrap().parse().unwrap();
        if stage.starts_with("closed") {
            closed += 1;
            assert!(close <= as_of);
            won += usize::from(stage == "closed_won");
        } else if close < as_of {
            old_open += 1;
        }
        usd += usize::from(deal["currency"] == "USD");
        let registered = deal["partners"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p.get("registered_at").is_some())
            .count();
        assert!(registered <= 1);
    }
    assert_eq!(old_open, 0, "deals past their close date are closed");
    assert!(closed > deals.len() / 2);
    let win_rate = won as f64 / closed as f64;
    assert!((0.2..0.7).contains(&win_rate), "win rate {win_rate}");
    assert!(usd * 10 > deals.len() * 7, "mostly USD");

    // Enterprises bring more partners than small companies.
    let sizes: HashMap<String, u64> = lines(d, "accounts.ndjson")
        .into_iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["employees"].as_u64().unwrap(),
            )
        })
        .collect();
    let mean_partners = |big: bool| {
        let xs: Vec<usize> = deals
            .iter()
            .filter(|x| (sizes[x["account_id"].as_str().unwrap()] >= 5000) == big)
            .map(|x| x["partners"].as_array().unwrap().len())
            .filter(|n| *n > 0)
            .collect();
        xs.iter().sum::<usize>() as f64 / xs.len().max(1) as f64
    };
    assert!(
        mean_partners(true) >= 3.0,
        "enterprise deals: {}",
        mean_partners(true)
    );
    assert!(
        mean_partners(false) < 2.5,
        "others: {}",
        mean_partners(false)
    );

    // Better partners win more: the hidden quality shows in the results.
    let factors = lines(d, "truth/factors.ndjson");
    let rate = |hi: bool| {
        let (w, n) = factors
            .iter()
            .filter(|f| {
                f["deals"].as_u64().unwrap() >= 5 && (f["quality"].as_f64().unwrap() > 0.5) == hi
            })
            .fold((0u64, 0u64), |(w, n), f| {
                (
                    w + f["won"].as_u64().unwrap(),
                    n + f["deals"].as_u64().unwrap(),
                )
            });
        w as f64 / n.max(1) as f64
    };
    assert!(
        rate(true) > rate(false),
        "quality drives wins: {} vs {}",
        rate(true),
        rate(false)
    );
}

/// The state a registration reaches by `decision`, under the rules the importer enforces; `None`
/// when the decision is not allowed there.
fn next_state(state: &str, decision: &str) -> Option<&'static str> {
    Some(match (state, decision) {
        ("pending", "approve") | ("approved", "extend") | ("disputed", "resolve") => "approved",
        ("pending" | "disputed", "reject") => "rejected",
        ("pending" | "approved", "dispute") => "disputed",
        ("pending", "extend") => "pending",
        ("pending" | "approved", "expire") => "expired",
        ("approved", "win") => "won",
        ("approved", "lose") => "lost",
        _ => return None,
    })
}

#[test]
fn registrations_carry_their_deal_and_a_legal_decision_history_that_matches_the_truth() {
    let (dir, s) = generated(&config(21, 150, 16_000));
    let d = dir.path();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(d.join("manifest.json")).expect("manifest"))
            .expect("json");
    let as_of: NaiveDate = manifest["as_of"].as_str().unwrap().parse().unwrap();
    let as_of = as_of.and_time(chrono::NaiveTime::MIN).and_utc();
    let deals: HashMap<String, Value> = lines(d, "deals.ndjson")
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_string(), v))
        .collect();
    let truth: HashMap<String, String> = lines(d, "truth/disputes.ndjson")
        .into_iter()
        .map(|v| {
            (
                v["registration_id"].as_str().unwrap().to_string(),
                v["cause"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let keys: HashSet<&str> = [
        "id",
        "partner_id",
        "account_id",
        "deal_id",
        "products",
        "amount",
        "currency",
        "expected_close_date",
        "partners",
        "registered_at",
        "decisions",
    ]
    .into();
    let at = |v: &Value| -> chrono::DateTime<chrono::Utc> {
        v.as_str().unwrap().parse().expect("a UTC timestamp")
    };

    let registrations = lines(d, "registrations.ndjson");
    assert_eq!(registrations.len(), s.registrations);
    let mut with_dispute = HashSet::new();
    let mut finals: HashMap<&str, usize> = HashMap::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in &registrations {
        let id = r["id"].as_str().unwrap();
        let fields = r.as_object().unwrap();
        assert!(fields.keys().all(|k| keys.contains(k.as_str())), "{r}");
        assert!(
            keys.iter().all(|k| *k == "partners"
                || *k == "expected_close_date"
                || fields.contains_key(*k)),
            "{r}"
        );
        let deal = &deals[r["deal_id"].as_str().unwrap()];
        assert!(r["amount"].as_f64().unwrap() > 0.0, "{id}");
        assert_eq!(r["amount"], deal["amount"], "{id}");
        assert_eq!(r["currency"], deal["currency"], "{id}");
        assert_eq!(r["products"], deal["products"], "{id}");
        let filed = at(&r["registered_at"]).date_naive().to_string();
        match r.get("expected_close_date") {
            Some(d) => {
                assert_eq!(d, &deal["close_date"], "{id}");
                assert!(d.as_str().unwrap() >= filed.as_str(), "{id}");
            }
            None => assert!(
                deal["close_date"].as_str().unwrap() < filed.as_str(),
                "{id}"
            ),
        }
        let registrant = r["partner_id"].as_str().unwrap();
        let others: Vec<&Value> = deal["partners"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["partner_id"] != registrant)
            .collect();
        let named = r["partners"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        assert!(
            r.get("partners").is_none() || !named.is_empty(),
            "{id}: omitted when empty"
        );
        assert_eq!(named.len(), others.len(), "{id}");
        for (n, o) in named.iter().zip(&others) {
            assert_eq!(n["partner_id"], o["partner_id"], "{id}");
            assert_eq!(n["role"], o["role"], "{id}");
        }

        let registered = at(&r["registered_at"]);
        assert!(registered < as_of, "{id}");
        let (mut state, mut last, mut extends) = ("pending", registered, 0);
        for x in r["decisions"].as_array().unwrap() {
            let obj = x.as_object().unwrap();
            assert!(
                obj.keys()
                    .all(|k| ["decision", "at", "reason"].contains(&k.as_str())),
                "{x}"
            );
            let decision = x["decision"].as_str().unwrap();
            let when = at(&x["at"]);
            assert!(when > last, "{id}: {decision} out of order");
            assert!(when < as_of, "{id}: {decision} at or after as_of");
            if let Some(reason) = x.get("reason") {
                let reason = reason.as_str().unwrap();
                assert!(!reason.is_empty() && reason.len() < 120, "{reason}");
            }
            state = next_state(state, decision)
                .unwrap_or_else(|| panic!("{id}: {decision} is not allowed when {state}"));
            match decision {
                "dispute" => {
                    with_dispute.insert(id.to_string());
                }
                "extend" => {
                    assert!(when < registrations::protection_end(registered, extends));
                    extends += 1;
                }
                "expire" => assert_eq!(
                    when,
                    registrations::protection_end(registered, extends),
                    "{id}: expires when its protection ends"
                ),
                "win" => assert_eq!(deal["stage"], "closed_won", "{id}"),
                "lose" => assert_eq!(deal["stage"], "closed_lost", "{id}"),
                _ => {}
            }
            *seen.entry(decision).or_default() += 1;
            last = when;
        }
        *finals.entry(state).or_default() += 1;
        if let Some(cause) = truth.get(id)
            && cause.starts_with("unauthorised_")
        {
            assert!(["pending", "rejected"].contains(&state), "{id}: {state}");
        }
    }

    let disputed: HashSet<String> = truth
        .iter()
        .filter(|(_, cause)| !cause.starts_with("unauthorised_"))
        .map(|(id, _)| id.clone())
        .collect();
    assert!(!disputed.is_empty());
    assert_eq!(
        with_dispute, disputed,
        "a dispute decision exactly on the registrations the truth calls disputed"
    );
    for decision in [
        "approve", "reject", "dispute", "resolve", "extend", "expire", "win", "lose",
    ] {
        assert!(seen.contains_key(decision), "no {decision} in {seen:?}");
    }
    assert!(
        finals["won"] + finals["lost"] > registrations.len() / 2,
        "most registrations end with their deal: {finals:?}"
    );
}

/// Partner id → (status, joined_on, offboarded_on), from the partners and the truth.
fn partner_lifecycles(d: &Path) -> HashMap<String, (String, Option<NaiveDate>, Option<NaiveDate>)> {
    let offboarded: HashMap<String, NaiveDate> = lines(d, "truth/factors.ndjson")
        .into_iter()
        .filter_map(|f| {
            let day = f["offboarded_on"].as_str()?.parse().ok()?;
            Some((f["partner_id"].as_str()?.to_string(), day))
        })
        .collect();
    lines(d, "partners.ndjson")
        .into_iter()
        .map(|p| {
            let id = p["id"].as_str().unwrap().to_string();
            let joined = p["joined_on"].as_str().map(|s| s.parse().unwrap());
            let left = offboarded.get(&id).copied();
            (
                id,
                (p["status"].as_str().unwrap().to_string(), joined, left),
            )
        })
        .collect()
}

/// Partner id → the accounts its list names, by the identity truth.
fn listed_accounts(d: &Path) -> HashMap<String, HashSet<String>> {
    let truth = std::fs::read_to_string(d.join("truth/account_identity.csv")).unwrap();
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for l in truth.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if !f[2].is_empty() {
            out.entry(f[0].to_string())
                .or_default()
                .insert(f[2].to_string());
        }
    }
    out
}

#[test]
fn prospects_have_profiles_and_account_lists_but_no_part_in_the_program() {
    let (dir, _) = generated(&config(21, 150, 16_000));
    let d = dir.path();
    let lifecycles = partner_lifecycles(d);
    let outside: HashSet<&str> = lifecycles
        .iter()
        .filter(|(_, (status, _, _))| status == "prospect" || status == "applicant")
        .map(|(id, _)| id.as_str())
        .collect();
    let prospects: Vec<Value> = lines(d, "partners.ndjson")
        .into_iter()
        .filter(|p| p["status"] == "prospect")
        .collect();
    assert!(prospects.len() >= 5, "{} prospects", prospects.len());
    let listed = listed_accounts(d);
    for p in &prospects {
        let id = p["id"].as_str().unwrap();
        assert!(p.get("joined_on").is_none(), "{id} has not joined");
        assert!(p.get("annual_program_cost").is_none(), "{id} costs nothing");
        assert_eq!(p["tier"], "registered", "{id}");
        assert!(!p["industries"].as_array().unwrap().is_empty(), "{id}");
        assert!(p["employees"].as_u64().unwrap() > 0, "{id}");
        assert!(
            d.join("partner_accounts")
                .join(format!("{id}.csv"))
                .exists(),
            "{id} has an account list"
        );
    }
    assert!(
        prospects
            .iter()
            .any(|p| listed.contains_key(p["id"].as_str().unwrap())),
        "some prospect's list names the vendor's accounts"
    );

    let mut seen = Vec::new();
    for deal in lines(d, "deals.ndjson") {
        for p in deal["partners"].as_array().unwrap() {
            seen.push(("deal", p["partner_id"].as_str().unwrap().to_string()));
        }
    }
    for t in lines(d, "touchpoints.ndjson") {
        seen.push(("touchpoint", t["partner_id"].as_str().unwrap().to_string()));
    }
    for r in lines(d, "registrations.ndjson") {
        seen.push((
            "registration",
            r["partner_id"].as_str().unwrap().to_string(),
        ));
        for p in r["partners"].as_array().into_iter().flatten() {
            seen.push((
                "registration",
                p["partner_id"].as_str().unwrap().to_string(),
            ));
        }
    }
    for r in lines(d, "play_runs.ndjson") {
        seen.push(("play run", r["partner_id"].as_str().unwrap().to_string()));
    }
    for a in lines(d, "accounts.ndjson") {
        if let Some(p) = a["owner"]["partner_id"].as_str() {
            seen.push(("account owner", p.to_string()));
        }
    }
    for (what, p) in &seen {
        assert!(
            !outside.contains(p.as_str()),
            "{p} outside the program in a {what}"
        );
    }
}

#[test]
fn play_runs_have_the_import_shape_and_resolve_within_each_partner_s_time_in_the_program() {
    let cfg = config(21, 150, 16_000);
    let (dir, s) = generated(&cfg);
    let d = dir.path();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(d.join("manifest.json")).unwrap()).unwrap();
    let as_of: NaiveDate = manifest["as_of"].as_str().unwrap().parse().unwrap();
    assert_eq!(manifest["counts"]["play_runs"], s.play_runs);
    let lifecycles = partner_lifecycles(d);
    let listed = listed_accounts(d);
    let accounts: HashSet<String> = lines(d, "accounts.ndjson")
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let motions: HashMap<String, String> = lines(d, "plays.ndjson")
        .into_iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["motion"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let keys: HashSet<&str> = [
        "id",
        "partner_id",
        "play_id",
        "started_on",
        "account_id",
        "ended_on",
        "pipeline_amount",
        "currency",
        "succeeded",
    ]
    .into();
    let outcome = ["ended_on", "pipeline_amount", "currency", "succeeded"];
    let day = |v: &Value| -> NaiveDate { v.as_str().unwrap().parse().expect("a date") };

    let runs = lines(d, "play_runs.ndjson");
    assert_eq!(runs.len(), s.play_runs);
    let running_partners: HashSet<&str> = runs
        .iter()
        .map(|r| r["partner_id"].as_str().unwrap())
        .collect();
    assert!(runs.len() > 2 * running_partners.len(), "a few runs each");
    let (mut open, mut with_account, mut previous) = (0, 0, String::new());
    for (k, r) in runs.iter().enumerate() {
        let id = r["id"].as_str().unwrap();
        assert_eq!(id, format!("RUN-{:06}", k + 1));
        assert!(id > previous.as_str(), "sorted by id");
        previous = id.to_string();
        let fields = r.as_object().unwrap();
        assert!(fields.keys().all(|k| keys.contains(k.as_str())), "{r}");
        let pid = r["partner_id"].as_str().unwrap();
        let (status, joined, left) = &lifecycles[pid];
        assert!(
            ["active", "offboarded"].contains(&status.as_str()),
            "{id}: {status}"
        );
        let motion = &motions[r["play_id"].as_str().unwrap()];
        let started = day(&r["started_on"]);
        assert!(started >= cfg.start && started < as_of, "{id}");
        assert!(joined.is_some_and(|j| j <= started), "{id} before joining");
        if let Some(a) = r.get("account_id") {
            let a = a.as_str().unwrap();
            assert!(accounts.contains(a), "{id}: {a}");
            assert!(listed[pid].contains(a), "{id}: {pid} does not list {a}");
            with_account += 1;
        } else {
            assert_ne!(motion, "co_sell_account_plan", "{id} plans for an account");
        }
        if ["joint_webinar", "mdf_campaign", "integration_bundle"].contains(&motion.as_str()) {
            assert!(r.get("account_id").is_none(), "{id}: {motion}");
        }
        let present = outcome.iter().filter(|k| fields.contains_key(**k)).count();
        assert!(present == 0 || present == outcome.len(), "{id}: {r}");
        match r.get("ended_on") {
            None => {
                open += 1;
                assert!(left.is_none(), "{id}: runs of partners who left have ended");
            }
            Some(e) => {
                let ended = day(e);
                assert!(started < ended && ended < as_of, "{id}");
                assert!(left.is_none_or(|l| ended < l), "{id} after leaving");
                assert!(r["pipeline_amount"].as_f64().unwrap() > 0.0, "{id}");
                assert_eq!(r["currency"], "USD");
                assert!(r["succeeded"].is_boolean());
            }
        }
    }
    assert!(open > 0 && open < runs.len() / 3, "{open} in progress");
    assert!(with_account > 0);

    let fits = lines(d, "truth/play_fit.ndjson");
    assert_eq!(fits.len(), runs.len());
    for (f, r) in fits.iter().zip(&runs) {
        assert_eq!(f["run_id"], r["id"]);
        assert_eq!(f["partner_id"], r["partner_id"]);
        assert_eq!(f["play_id"], r["play_id"]);
        let p = f["success_probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
}

#[test]
fn play_runs_change_no_other_file() {
    let cfg = config(11, 30, 2000);
    let (a, _) = generated(&cfg);
    let b = tempfile::tempdir().unwrap();
    generate_with_play_seed(&cfg, cfg.seed + 1, b.path(), false).unwrap();
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    let runs = [
        Path::new("play_runs.ndjson"),
        Path::new("truth/play_fit.ndjson"),
    ];
    for (path, bytes) in &fa {
        if runs.contains(&path.as_path()) {
            assert_ne!(bytes, &fb[path], "{} follows the play seed", path.display());
        } else if path == Path::new("manifest.json") {
            let counts_aside = |b: &[u8]| {
                let mut m: Value = serde_json::from_slice(b).unwrap();
                m["counts"]
                    .as_object_mut()
                    .unwrap()
                    .remove("play_runs")
                    .expect("a play-run count");
                m
            };
            assert_eq!(counts_aside(bytes), counts_aside(&fb[path]));
        } else {
            assert!(
                bytes == &fb[path],
                "{} depends on play runs",
                path.display()
            );
        }
    }
}

#[test]
fn play_success_rises_with_the_hidden_fit() {
    let (dir, _) = generated(&config(31, 400, 20_000));
    let d = dir.path();
    let runs = lines(d, "play_runs.ndjson");
    let fits = lines(d, "truth/play_fit.ndjson");
    let mut ended: Vec<(f64, bool)> = runs
        .iter()
        .zip(&fits)
        .filter_map(|(r, f)| Some((f["hidden_fit"].as_f64()?, r["succeeded"].as_bool()?)))
        .collect();
    assert!(ended.len() > 800, "{} ended runs", ended.len());
    let overall = ended.iter().filter(|(_, ok)| *ok).count() as f64 / ended.len() as f64;
    assert!((0.28..0.47).contains(&overall), "success rate {overall}");
    ended.sort_by(|x, y| x.0.total_cmp(&y.0));
    let q = ended.len() / 4;
    let rate =
        |xs: &[(f64, bool)]| xs.iter().filter(|(_, ok)| *ok).count() as f64 / xs.len() as f64;
    let (bottom, top) = (rate(&ended[..q]), rate(&ended[ended.len() - q..]));
    assert!(
        top - bottom > 0.2,
        "success by hidden-fit quartile: bottom {bottom:.3}, top {top:.3}"
    );
}

/// Pearson correlation of `xs` and `ys` after removing each group's means.
fn correlation_within(rows: &[(&str, f64, f64)]) -> f64 {
    let mut groups: HashMap<&str, (f64, f64, f64)> = HashMap::new();
    for (g, x, y) in rows {
        let e = groups.entry(g).or_default();
        *e = (e.0 + x, e.1 + y, e.2 + 1.0);
    }
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (g, x, y) in rows {
        let (sx, sy, n) = groups[g];
        let (dx, dy) = (x - sx / n, y - sy / n);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    sxy / (sxx * syy).sqrt().max(1e-12)
}

#[test]
fn the_profile_and_account_list_carry_noisy_traces_of_quality() {
    let (dir, _) = generated(&config(17, 600, 12_000));
    let d = dir.path();
    let quality: HashMap<String, f64> = lines(d, "truth/factors.ndjson")
        .into_iter()
        .map(|f| {
            (
                f["partner_id"].as_str().unwrap().to_string(),
                f["quality"].as_f64().unwrap(),
            )
        })
        .collect();
    let records = partner_records(d);
    let partners = lines(d, "partners.ndjson");
    let trace = |f: &dyn Fn(&Value) -> f64| {
        let rows: Vec<(&str, f64, f64)> = partners
            .iter()
            .map(|p| {
                (
                    p["type"].as_str().unwrap(),
                    f(p),
                    quality[p["id"].as_str().unwrap()],
                )
            })
            .collect();
        correlation_within(&rows)
    };
    let count = |key: &'static str| move |p: &Value| p[key].as_array().unwrap().len() as f64;
    let traces = [
        ("certifications", trace(&count("certifications"))),
        ("capabilities", trace(&count("capabilities"))),
        (
            "log employees",
            trace(&|p| p["employees"].as_f64().unwrap().ln()),
        ),
        (
            "customer share",
            trace(&|p| {
                let rs = &records[p["id"].as_str().unwrap()];
                let customers = rs
                    .iter()
                    .filter(|r| r.relation == Population::Customer)
                    .count();
                customers as f64 / rs.len().max(1) as f64
            }),
        ),
    ];
    for (name, r) in traces {
        assert!(
            (0.1..0.7).contains(&r),
            "{name} within a type correlates {r:.2} with quality: {traces:?}"
        );
    }
}
