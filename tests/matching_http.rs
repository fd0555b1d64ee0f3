//! Entity resolution over HTTP.

mod common;

use common::{account, spawn, sqlite_db};
use serde_json::json;

#[actix_web::test]
async fn matching_two_lists_returns_pairs_with_their_evidence() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let body = json!({
        "left": [
            {"id": "v1", "name": "ACME Corporation, Inc.", "domain": "acme.com", "country": "US"},
            {"id": "v2", "name": "Nordlicht Systems GmbH", "website": "https://nordlicht.de"}
        ],
        "right": [
            {"id": "p1", "name": "Acme Corp.", "website": "www.acme.com/contact"},
            {"id": "p2", "name": "Globex Ltd"}
        ]
    });
    let (s, r) = app
        .post_raw("/v1/match", "application/json", body.to_string())
        .await;
    assert_eq!(s, 200, "{r}");
    let pairs = r["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{r}");
    assert_eq!(
        (pairs[0]["left_id"].as_str(), pairs[0]["right_id"].as_str()),
        (Some("v1"), Some("p1"))
    );
    let fields: Vec<&str> = pairs[0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"name") && fields.contains(&"domain"),
        "{fields:?}"
    );
    let domain = pairs[0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "domain")
        .unwrap();
    assert_eq!(
        (domain["state"].as_str(), domain["similarity"].as_f64()),
        (Some("compared"), Some(1.0))
    );
    // Neither record has a phone: the evidence says so instead of a similarity of 0.
    let phone = pairs[0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "phone")
        .unwrap();
    assert_eq!(phone["state"], "missing", "{phone}");
    assert!(phone.get("similarity").is_none(), "{phone}");

    let (s, p) = app
        .post_raw(
            "/v1/match",
            "application/json",
            json!({"left": [{"name": "A"}], "right": []}).to_string(),
        )
        .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("left[0].id")));
    let (s, p) = app
        .post_raw(
            "/v1/match",
            "application/json",
            json!({"left": [], "right": [], "threshold": 2}).to_string(),
        )
        .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("threshold")));
    // Names that name nothing, and names long enough to stall the string comparisons.
    for (name, detail) in [
        ("\u{200d}\u{200d}", "letter or a digit"),
        ("---", "letter or a digit"),
        (&*"x".repeat(100_000), "at most 300"),
    ] {
        let body =
            json!({"left": [{"id": "l", "name": "Acme"}], "right": [{"id": "r", "name": name}]});
        let (s, p) = app
            .post_raw("/v1/match", "application/json", body.to_string())
            .await;
        assert_eq!(
            (s, p["field"].as_str()),
            (422, Some("right[0].name")),
            "{p}"
        );
        assert!(p["detail"].as_str().unwrap().contains(detail), "{p}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn resolving_a_record_ranks_accounts_and_follows_later_writes() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/accounts/A-1", &account("Acme Corporation", "acme.com"))
        .await;
    app.put("/v1/accounts/A-2", &account("Globex GmbH", "globex.de"))
        .await;
    let ask = json!({"record": {"name": "ACME Corp.", "website": "https://www.acme.com/about"}});
    let (s, r) = app
        .post_raw("/v1/entities/resolve", "application/json", ask.to_string())
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["candidates"][0]["account"]["id"], "A-1");
    assert_eq!(r["candidates"][0]["is_match"], true);

    // Written after the index was built: must be found, and a deleted account must not be.
    app.put(
        "/v1/accounts/A-3",
        &account("Initech Solutions Inc", "initech.io"),
    )
    .await;
    let (_, r) = app
        .post_raw(
            "/v1/entities/resolve",
            "application/json",
            json!({"record": {"name": "Initech Solutions", "domain": "initech.io"}}).to_string(),
        )
        .await;
    assert_eq!(r["candidates"][0]["account"]["id"], "A-3", "{r}");
    assert_eq!(app.delete("/v1/accounts/A-3").await.0, 204);
    let (_, r) = app
        .post_raw(
            "/v1/entities/resolve",
            "application/json",
            json!({"record": {"name": "Initech Solutions", "domain": "initech.io"}}).to_string(),
        )
        .await;
    assert!(
        r["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["account"]["id"] != "A-3"),
        "{r}"
    );

    let (s, p) = app
        .post_raw(
            "/v1/entities/resolve",
            "application/json",
            json!({"record": {"name": " "}}).to_string(),
        )
        .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("record.name")));
    app.stop().await;
}

#[actix_web::test]
async fn a_crowd_of_identical_names_is_reported_when_blocking_cuts_it() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let crowd = |n: usize| -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| json!({"id": format!("l{i}"), "name": "Acme Trading"}))
            .collect()
    };
    let right = json!([{"id": "r", "name": "Acme Trading"}]);
    let (s, few) = app
        .post_raw(
            "/v1/match",
            "application/json",
            json!({"left": crowd(5), "right": right}).to_string(),
        )
        .await;
    assert_eq!(
        (s, few["windowed_records"].as_u64()),
        (200, Some(0)),
        "{few}"
    );
    let (s, many) = app
        .post_raw(
            "/v1/match",
            "application/json",
            json!({"left": crowd(400), "right": right}).to_string(),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(many["windowed_records"], 1, "the cut is said, not silent");
    assert!(
        many["candidate_pairs"].as_u64().unwrap() < 400,
        "{}",
        many["candidate_pairs"]
    );
    app.stop().await;
}

#[actix_web::test]
async fn matching_decides_one_company_per_record_and_resolution_says_which() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let left = json!([
        {"id": "l1", "name": "Acme Trading", "domain": "acme-trading.com"},
        {"id": "l2", "name": "ACME Trading", "domain": "acme-trading.com"},
        {"id": "l3", "name": "Zephyr Quantum Logistics"}
    ]);
    let right = json!([{"id": "r1", "name": "Acme Trading Co", "domain": "acme-trading.com"}]);
    let (s, r) = app
        .post_raw(
            "/v1/match",
            "application/json",
            json!({"left": left, "right": right}).to_string(),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let got: Vec<(&str, &str)> = r["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["left_id"].as_str().unwrap(),
                p["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got.len(),
        2,
        "two left records that are one company both match: {r}"
    );
    assert!(got.iter().all(|(_, s)| *s == "match"), "{got:?}");

    let (_, resolved) = app
        .post(
            "/v1/entities/resolve",
            &json!({"record": {"name": "Nothing Like Any Account"}}),
        )
        .await;
    assert_eq!(resolved["decision"]["status"], "none", "{resolved}");
    app.put(
        "/v1/accounts/A-1",
        &account("Acme Trading", "acme-trading.com"),
    )
    .await;
    let (_, resolved) = app
        .post(
            "/v1/entities/resolve",
            &json!({"record": {"name": "Acme Trading Co", "website": "https://acme-trading.com"}}),
        )
        .await;
    assert_eq!(
        (
            resolved["decision"]["status"].as_str(),
            resolved["decision"]["account_id"].as_str()
        ),
        (Some("match"), Some("A-1")),
        "{resolved}"
    );
    app.stop().await;
}
