//! Deal registration: the inline conflict assessment, idempotent ids, decisions, privacy for
//! partner keys, concurrency, history import, expiry and restarts, on both backends.

mod common;

use chrono::{Duration, Utc};
use common::{TestApp, account, all_dbs, deal, partner, settings, spawn, spawn_with};
use serde_json::{Value, json};

/// Two partners, an account each can register and a direct deal on another account.
async fn world(app: &TestApp) {
    for p in ["P-1", "P-2", "P-3"] {
        assert_eq!(
            app.put(&format!("/v1/partners/{p}"), &partner(p)).await.0,
            201
        );
    }
    assert_eq!(
        app.put(
            "/v1/accounts/A-1",
            &account("Acme Health GmbH", "acme-health.de")
        )
        .await
        .0,
        201
    );
    assert_eq!(
        app.put(
            "/v1/accounts/A-2",
            &account("Borealis Clinics", "borealis-clinics.de")
        )
        .await
        .0,
        201
    );
    let mut direct = deal("A-2", &[]);
    direct["direct_owner"] = json!("rep@vendor.example");
    direct["products"] = json!(["analytics-suite"]);
    assert_eq!(app.put("/v1/deals/D-9", &direct).await.0, 201);
}

fn body(id: &str, partner_id: &str, account_id: &str) -> Value {
    json!({"id": id, "partner_id": partner_id, "account_id": account_id,
           "products": ["analytics-suite"], "amount": 120000, "currency": "USD",
           "expected_close_date": (Utc::now() + Duration::days(60)).date_naive().to_string()})
}

fn kinds(reg: &Value) -> Vec<String> {
    reg["assessment"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn registration_of_a_taken_account_warns_of_duplicate_and_names_the_rule() {
    for db in all_dbs().await {
        let app = spawn(&db.url).await;
        world(&app).await;
        let (s, first) = app
            .post("/v1/deal-registrations", &body("R-1", "P-1", "A-1"))
            .await;
        assert_eq!(s, 201, "{first}");
        assert_eq!(first["status"], "pending");
        assert!(
            !kinds(&first).contains(&"duplicate_registration".to_string()),
            "{first}"
        );
        assert_eq!(first["assessment"]["resolution"]["keeps"], "registrant");
        let (s, second) = app
            .post("/v1/deal-registrations", &body("R-2", "P-2", "A-1"))
            .await;
        assert_eq!(s, 201, "{second}");
        let f = &second["assessment"]["findings"][0];
        assert_eq!(f["kind"], "duplicate_registration", "{second}");
        assert_eq!(f["severity"], "high");
        assert_eq!(f["records"], json!(["registration:R-1"]));
        assert!(f["message"].as_str().unwrap().contains("P-1"), "{f}");
        let ruling = &second["assessment"]["resolution"];
        assert_eq!(ruling["keeps"], "other_partner");
        assert_eq!(ruling["partner_id"], "P-1");
        assert_eq!(ruling["rule"], "first_to_register");
        let p1 = first["assessment"]["probability"].as_f64().unwrap();
        let p2 = second["assessment"]["probability"].as_f64().unwrap();
        assert!(
            p2 > p1,
            "the duplicate is likelier to be disputed: {p1} vs {p2}"
        );
        assert!(second["assessment"]["drivers"].as_array().is_some());
        // A registration against the direct team's open opportunity.
        let (s, direct) = app
            .post("/v1/deal-registrations", &body("R-3", "P-3", "A-2"))
            .await;
        assert_eq!(s, 201, "{direct}");
        assert!(
            kinds(&direct).contains(&"direct_opportunity".to_string()),
            "{direct}"
        );
        assert_eq!(direct["assessment"]["resolution"]["keeps"], "direct");
        app.stop().await;
    }
}

#[actix_web::test]
async fn a_retry_returns_the_first_answer_and_another_body_under_the_same_id_is_refused() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let b = body("R-1", "P-1", "A-1");
    let (s, first) = app.post("/v1/deal-registrations", &b).await;
    assert_eq!(s, 201);
    let (s, again) = app.post("/v1/deal-registrations", &b).await;
    assert_eq!(s, 201, "{again}");
    assert_eq!(again, first, "the same request gets the same answer");
    let mut other = b.clone();
    other["amount"] = json!(5);
    let (s, p) = app.post("/v1/deal-registrations", &other).await;
    assert_eq!((s, p["code"].as_str()), (409, Some("id_taken")), "{p}");
    let (_, list) = app.get("/v1/deal-registrations").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[actix_web::test]
async fn assess_writes_nothing_and_bad_input_names_the_field() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let (s, a) = app
        .post("/v1/deal-registrations/assess", &body("R-1", "P-1", "A-1"))
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["account_id"], "A-1");
    assert!(a["assessment"]["probability"].as_f64().is_some());
    assert_eq!(app.get("/v1/deal-registrations/R-1").await.0, 404);
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"partner_id": "P-404"}), 422, "partner_id"),
        (json!({"account_id": "A-404"}), 422, "account_id"),
        (json!({"amount": -5}), 422, "amount"),
        (
            json!({"expected_close_date": "2020-01-01"}),
            422,
            "expected_close_date",
        ),
        (
            json!({"partners": [{"partner_id": "P-2", "role": "kingmaker"}]}),
            422,
            "partners[0].role",
        ),
        (json!({"products": []}), 422, "products"),
        (json!({"account": {"name": ""}}), 422, "account"),
        (json!({"deal_id": "D-9"}), 422, "deal_id"),
    ];
    for (patch, status, field) in cases {
        let mut b = body("R-1", "P-1", "A-1");
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let (s, p) = app.post("/v1/deal-registrations", &b).await;
        assert_eq!(s, status, "{patch}: {p}");
        assert!(
            p["field"].as_str().is_some_and(|f| f.starts_with(field)),
            "{patch}: expected field {field}, got {p}"
        );
    }
    let (_, list) = app.get("/v1/deal-registrations").await;
    assert_eq!(list["items"], json!([]), "nothing was written");
    app.stop().await;
}

#[actix_web::test]
async fn decisions_follow_the_state_machine_and_record_who_when_and_why() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    app.post("/v1/deal-registrations", &body("R-1", "P-1", "A-1"))
        .await;
    let decide = |d: &str| json!({"decision": d, "reason": format!("desk says {d}")});
    let (s, p) = app
        .post("/v1/deal-registrations/R-1/decisions", &decide("win"))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("illegal_transition")),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("approve"), "{p}");
    let (s, r) = app
        .post("/v1/deal-registrations/R-1/decisions", &decide("approve"))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["status"], "approved");
    let (s, r) = app
        .post("/v1/deal-registrations/R-1/decisions", &decide("dispute"))
        .await;
    assert_eq!((s, r["status"].as_str()), (200, Some("disputed")));
    let (s, r) = app
        .post("/v1/deal-registrations/R-1/decisions", &decide("resolve"))
        .await;
    assert_eq!((s, r["status"].as_str()), (200, Some("approved")));
    let (s, r) = app
        .post("/v1/deal-registrations/R-1/decisions", &decide("lose"))
        .await;
    assert_eq!((s, r["status"].as_str()), (200, Some("lost")));
    let (s, p) = app
        .post("/v1/deal-registrations/R-1/decisions", &decide("approve"))
        .await;
    assert_eq!(s, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("final"), "{p}");
    let (s, p) = app
        .post(
            "/v1/deal-registrations/R-1/decisions",
            &json!({"decision": "shrug"}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    let (s, r) = app.get("/v1/deal-registrations/R-1").await;
    assert_eq!(s, 200);
    let history = r["decisions"].as_array().unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(history[0]["from"], "pending");
    assert_eq!(history[0]["to"], "approved");
    assert_eq!(history[0]["by"], "open");
    assert_eq!(history[3]["reason"], "desk says lose");
    assert!(
        r["assessment"]["as_of"].as_str().is_some(),
        "the assessment made at registration is kept"
    );
    let (_, audit) = app.get("/v1/audit?record_id=R-1").await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 5, "{audit}");
    assert_eq!(
        app.post("/v1/deal-registrations/R-404/decisions", &decide("approve"))
            .await
            .0,
        404
    );
    app.stop().await;
}

#[actix_web::test]
async fn a_partner_key_sees_its_own_registrations_and_never_another_partners_name() {
    let db = common::sqlite_db();
    let mut s = settings(&db.url);
    s.master_key = Some("registration-test-master-key".into());
    let admin = spawn_with(s)
        .await
        .with_token("registration-test-master-key");
    world(&admin).await;
    let (_, k) = admin
        .post(
            "/v1/keys",
            &json!({"name": "p2", "role": "partner", "partner_id": "P-2"}),
        )
        .await;
    let p2 = admin.with_token(k["token"].as_str().unwrap());
    assert_eq!(
        admin
            .post("/v1/deal-registrations", &body("R-1", "P-1", "A-1"))
            .await
            .0,
        201
    );
    let (s, p) = p2
        .post("/v1/deal-registrations", &body("R-X", "P-1", "A-1"))
        .await;
    assert_eq!((s, p["code"].as_str()), (403, Some("forbidden")), "{p}");
    let (s, mine) = p2
        .post("/v1/deal-registrations", &body("R-2", "P-2", "A-1"))
        .await;
    assert_eq!(s, 201, "{mine}");
    let text = mine.to_string();
    assert!(
        !text.contains("P-1") && !text.contains("R-1"),
        "another partner is named: {text}"
    );
    assert!(
        text.contains("Another partner registered this opportunity"),
        "{text}"
    );
    assert_eq!(mine["assessment"]["resolution"]["keeps"], "other_partner");
    let (_, list) = p2.get("/v1/deal-registrations").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["R-2"]);
    let (_, list) = p2.get("/v1/deal-registrations?partner_id=P-1").await;
    assert_eq!(list["items"], json!([]));
    assert_eq!(p2.get("/v1/deal-registrations/R-1").await.0, 404);
    let (s, again) = p2.get("/v1/deal-registrations/R-2").await;
    assert_eq!(s, 200);
    assert!(!again.to_string().contains("P-1"), "{again}");
    // The desk sees everything.
    let (_, full) = admin.get("/v1/deal-registrations/R-2").await;
    assert!(full.to_string().contains("P-1"), "{full}");
    // A partner that shares its opportunities may be named.
    let mut p1 = partner("P-1");
    p1["sharing"] =
        json!({"customers": "counts", "prospects": "counts", "opportunities": "records"});
    assert_eq!(admin.put("/v1/partners/P-1", &p1).await.0, 200);
    let (_, named) = p2.get("/v1/deal-registrations/R-2").await;
    assert!(named.to_string().contains("P-1"), "{named}");
    admin.stop().await;
}

#[actix_web::test]
async fn registrations_of_one_account_at_the_same_moment_have_exactly_one_first() {
    for db in all_dbs().await {
        let app = spawn(&db.url).await;
        for i in 0..8 {
            assert_eq!(
                app.put(&format!("/v1/partners/Q-{i}"), &partner("Q"))
                    .await
                    .0,
                201
            );
        }
        assert_eq!(
            app.put("/v1/accounts/A-1", &account("Acme", "acme.example"))
                .await
                .0,
            201
        );
        let calls = (0..8).map(|i| {
            let app = &app;
            async move {
                app.post(
                    "/v1/deal-registrations",
                    &body(&format!("R-{i}"), &format!("Q-{i}"), "A-1"),
                )
                .await
            }
        });
        let answers = futures_util::future::join_all(calls).await;
        let mut firsts = 0;
        for (s, r) in &answers {
            assert_eq!(*s, 201, "{r}");
            let dups = r["assessment"]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["kind"] == "duplicate_registration")
                .count();
            if dups == 0 {
                firsts += 1;
            }
        }
        assert_eq!(firsts, 1, "exactly one registration is first");
        let mut counts: Vec<usize> = answers
            .iter()
            .map(|(_, r)| {
                r["assessment"]["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| f["kind"] == "duplicate_registration")
                    .count()
            })
            .collect();
        counts.sort();
        assert_eq!(
            counts,
            (0..8).collect::<Vec<_>>(),
            "each names every one before it"
        );
        app.stop().await;
    }
}

#[actix_web::test]
async fn an_acknowledged_registration_and_its_decisions_survive_a_restart() {
    for db in all_dbs().await {
        let app = spawn(&db.url).await;
        world(&app).await;
        let (_, r) = app
            .post("/v1/deal-registrations", &body("R-1", "P-1", "A-1"))
            .await;
        app.post(
            "/v1/deal-registrations/R-1/decisions",
            &json!({"decision": "approve"}),
        )
        .await;
        app.stop().await;
        let app = spawn(&db.url).await;
        let (s, again) = app.get("/v1/deal-registrations/R-1").await;
        assert_eq!(s, 200);
        assert_eq!(again["status"], "approved");
        assert_eq!(again["assessment"], r["assessment"]);
        // Deleting what a registration refers to is refused.
        let (s, p) = app.delete("/v1/accounts/A-1").await;
        assert_eq!(s, 409, "{p}");
        assert!(
            p["detail"].as_str().unwrap().contains("registration"),
            "{p}"
        );
        app.stop().await;
    }
}

#[actix_web::test]
async fn protection_ends_without_anyone_calling() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    app.post("/v1/deal-registrations", &body("R-1", "P-1", "A-1"))
        .await;
    app.post("/v1/deal-registrations", &body("R-2", "P-2", "A-2"))
        .await;
    app.post(
        "/v1/deal-registrations/R-2/decisions",
        &json!({"decision": "reject"}),
    )
    .await;
    assert_eq!(
        app.eco.expire_due(Utc::now()).await.unwrap(),
        0,
        "nothing is due yet"
    );
    let later = Utc::now() + Duration::days(91);
    assert_eq!(
        app.eco.expire_due(later).await.unwrap(),
        1,
        "the rejected one is final"
    );
    let (_, r) = app.get("/v1/deal-registrations/R-1").await;
    assert_eq!(r["status"], "expired");
    assert_eq!(r["decisions"][0]["by"], "system");
    app.stop().await;
}

#[actix_web::test]
async fn a_backlog_of_due_registrations_expires_in_batches_and_stays_expired() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    // More than one batch is due at once, as after importing a history with pending ones.
    let n = ecograph::service::EXPIRE_BATCH + 44;
    for i in 0..n {
        let (s, r) = app
            .post(
                "/v1/deal-registrations",
                &body(&format!("R-{i:04}"), "P-1", "A-1"),
            )
            .await;
        assert_eq!(s, 201, "{r}");
    }
    for (id, decision) in [("R-0007", "reject"), ("R-0008", "approve")] {
        let (s, r) = app
            .post(
                &format!("/v1/deal-registrations/{id}/decisions"),
                &json!({ "decision": decision }),
            )
            .await;
        assert_eq!(s, 200, "{r}");
    }
    let later = Utc::now() + Duration::days(91);
    assert_eq!(app.eco.expire_due(later).await.unwrap(), n - 1);
    assert_eq!(app.eco.expire_due(later).await.unwrap(), 0, "all done");
    app.stop().await;
    let app = spawn(&db.url).await;
    for (id, status) in [
        ("R-0000", "expired"),
        ("R-0007", "rejected"),
        ("R-0008", "expired"),
        (&*format!("R-{:04}", n - 1), "expired"),
    ] {
        let (s, r) = app.get(&format!("/v1/deal-registrations/{id}")).await;
        assert_eq!((s, r["status"].as_str()), (200, Some(status)), "{id}: {r}");
    }
    let (_, r) = app.get("/v1/deal-registrations/R-0290").await; // in the second batch
    assert_eq!(r["decisions"][0]["decision"], "expire", "{r}");
    assert_eq!(r["decisions"][0]["by"], "system", "{r}");
    app.stop().await;
}

#[actix_web::test]
async fn a_company_record_is_resolved_to_its_account() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let mut b = body("R-1", "P-1", "A-1");
    b.as_object_mut().unwrap().remove("account_id");
    b["account"] = json!({"name": "ACME Health", "domain": "acme-health.de", "country": "DE"});
    let (s, r) = app.post("/v1/deal-registrations", &b).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["account_id"], "A-1");
    assert_eq!(r["account_resolution"]["account_id"], "A-1");
    assert!(r.get("request_digest").is_none(), "{r}");
    let mut both = body("R-2", "P-1", "A-1");
    both["account"] = json!({"name": "ACME Health"});
    let (s, p) = app.post("/v1/deal-registrations", &both).await;
    assert_eq!((s, p["field"].as_str()), (422, Some("account")), "{p}");
    app.stop().await;
}

#[actix_web::test]
async fn a_history_import_replays_decisions_and_assesses_each_as_of_its_registration() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let lines = [
        json!({"id": "H-1", "partner_id": "P-1", "account_id": "A-1", "products": ["analytics-suite"],
               "registered_at": "2025-01-10T10:00:00Z",
               "decisions": [{"decision": "approve", "at": "2025-01-12T10:00:00Z"}]}),
        json!({"id": "H-2", "partner_id": "P-2", "account_id": "A-1", "products": ["analytics-suite"],
               "registered_at": "2025-02-01T10:00:00Z",
               "decisions": [{"decision": "dispute", "at": "2025-02-03T10:00:00Z", "by": "desk"},
                             {"decision": "reject", "at": "2025-02-10T10:00:00Z"}]}),
        json!({"id": "H-3", "partner_id": "P-2", "account_id": "A-1", "products": ["analytics-suite"],
               "registered_at": "2025-03-01T10:00:00Z",
               "decisions": [{"decision": "win", "at": "2025-03-03T10:00:00Z"}]}),
    ];
    let ndjson: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let (s, report) = app
        .post_raw(
            "/v1/deal-registrations/bulk",
            "application/x-ndjson",
            ndjson.into_bytes(),
        )
        .await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["rejected"][0]["row"], 3);
    assert_eq!(report["rejected"][0]["field"], "decisions[0]");
    let (_, h2) = app.get("/v1/deal-registrations/H-2").await;
    assert_eq!(h2["status"], "rejected");
    assert_eq!(h2["decisions"][0]["by"], "desk");
    assert_eq!(h2["assessment"]["as_of"], "2025-02-01T10:00:00Z");
    assert_eq!(
        h2["assessment"]["findings"][0]["records"],
        json!(["registration:H-1"])
    );
    let (_, h1) = app.get("/v1/deal-registrations/H-1").await;
    assert!(
        !kinds(&h1).contains(&"duplicate_registration".to_string()),
        "H-2 came later: {h1}"
    );
    let (_, list) = app
        .get("/v1/deal-registrations?status=approved&registered_until=2025-01-31T00:00:00Z")
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[actix_web::test]
async fn an_assessment_as_of_an_instant_ignores_everything_dated_after_it() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let at = Utc::now() - Duration::days(30);
    let claim = ecograph::domain::Claim::parse(
        ecograph::domain::ClaimFields {
            partner_id: "P-1".into(),
            account_id: "A-1".into(),
            deal_id: None,
            products: vec!["analytics-suite".into()],
            amount: Some(50_000.0),
            currency: None,
            expected_close_date: None,
            partners: Vec::new(),
        },
        at,
    )
    .unwrap();
    let id = ecograph::domain::Id::parse("id", "R-PIT").unwrap();
    let before = app.eco.assess_claim(&id, &claim, at).unwrap();
    // Later events: another partner's activity, its registration, a new direct deal.
    let t = json!({"partner_id": "P-2", "account_id": "A-1", "kind": "demo", "occurred_at": Utc::now().to_rfc3339()});
    assert_eq!(app.put("/v1/touchpoints/T-1", &t).await.0, 201);
    assert_eq!(
        app.post("/v1/deal-registrations", &body("R-9", "P-2", "A-1"))
            .await
            .0,
        201
    );
    let mut direct = deal("A-1", &[]);
    direct["direct_owner"] = json!("rep");
    direct["created_on"] = json!(Utc::now().date_naive().to_string());
    assert_eq!(app.put("/v1/deals/D-1", &direct).await.0, 201);
    let after = app.eco.assess_claim(&id, &claim, at).unwrap();
    assert_eq!(before, after, "later events changed an earlier assessment");
    let now = app
        .eco
        .assess_claim(&id, &claim, Utc::now() + Duration::seconds(1))
        .unwrap();
    assert_ne!(now, after, "the same events do count for a later instant");
    app.stop().await;
}

#[actix_web::test]
async fn the_rules_and_the_serving_model_are_readable() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    let (s, rules) = app.get("/v1/rules-of-engagement").await;
    assert_eq!(s, 200);
    assert_eq!(rules["protection_days"], 90);
    let (s, models) = app.get("/v1/models").await;
    assert_eq!(s, 200, "{models}");
    let serving: Vec<&Value> = models["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["serving"] == true)
        .collect();
    let mut names: Vec<&str> = serving
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["conflict", "ipp_success", "partners", "plays"],
        "one serving version per model: {models}"
    );
    assert!(serving.iter().all(|m| m["version"] == "default"));
    let conflict = serving.iter().find(|m| m["name"] == "conflict").unwrap();
    assert!(conflict["card"]["metrics"]["roc_auc"].as_f64().unwrap() > 0.5);
    let partners = serving.iter().find(|m| m["name"] == "partners").unwrap();
    assert!(
        partners["card"]["accounts"]["model"]["recall"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let (s, reloaded) = app.post("/v1/models/reload", &json!({})).await;
    assert_eq!(s, 200, "{reloaded}");
    app.stop().await;
}

#[actix_web::test]
async fn the_watchlist_ranks_partners_active_on_one_account_before_they_register() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    for (i, (p, kind)) in [("P-1", "demo"), ("P-2", "intro"), ("P-2", "demo")]
        .iter()
        .enumerate()
    {
        let t = json!({"partner_id": p, "account_id": "A-1", "kind": kind,
                       "occurred_at": (Utc::now() - Duration::days(3 + i as i64)).to_rfc3339()});
        assert_eq!(app.put(&format!("/v1/touchpoints/T-{i}"), &t).await.0, 201);
    }
    let (s, page) = app.get("/v1/conflicts/predicted?min_probability=0").await;
    assert_eq!(s, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["account_id"].as_str().unwrap(),
                i["partner_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 2, "{page}");
    assert!(
        pairs.contains(&("A-1", "P-1")) && pairs.contains(&("A-1", "P-2")),
        "{page}"
    );
    let p: Vec<f64> = items
        .iter()
        .map(|i| i["assessment"]["probability"].as_f64().unwrap())
        .collect();
    assert!(p[0] >= p[1], "ranked by probability: {p:?}");
    assert!(
        items[0]["assessment"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "active_partners")
    );
    let (_, first) = app
        .get("/v1/conflicts/predicted?min_probability=0&limit=1")
        .await;
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let (_, second) = app
        .get(&format!(
            "/v1/conflicts/predicted?min_probability=0&limit=1&cursor={cursor}"
        ))
        .await;
    // The second page comes from the ranking of the first.
    assert_eq!(second["items"][0]["partner_id"], items[1]["partner_id"]);
    assert!(second.get("next_cursor").is_none());
    // Once P-1 registers, it is no longer a prediction.
    assert_eq!(
        app.post("/v1/deal-registrations", &body("R-1", "P-1", "A-1"))
            .await
            .0,
        201
    );
    // The cursor still walks the ranking of its first page, computed before the registration.
    let (_, again) = app
        .get(&format!(
            "/v1/conflicts/predicted?min_probability=0&limit=1&cursor={cursor}"
        ))
        .await;
    assert_eq!(again["items"][0]["partner_id"], items[1]["partner_id"]);
    // A new listing is ranked afresh.
    let (_, after) = app.get("/v1/conflicts/predicted?min_probability=0").await;
    let left: Vec<&str> = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["partner_id"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["P-2"]);
    assert_eq!(
        app.get("/v1/conflicts/predicted?min_probability=2").await.0,
        400
    );
    assert_eq!(
        app.get("/v1/conflicts/predicted?cursor=predicted:7")
            .await
            .0,
        400
    );
    app.stop().await;
}

#[actix_web::test]
async fn training_features_equal_the_features_a_live_assessment_computes() {
    let db = common::sqlite_db();
    let mut s = settings(&db.url);
    s.demo = true;
    let app = spawn_with(s).await;
    let rules = ecograph::conflict::Rules::default();
    let w = rules.windows();
    let (n, mismatched) = app.eco.read(|g| {
        let ex = ecograph::conflict::train::examples(g, &rules);
        let mismatched = ex
            .iter()
            .filter(|e| {
                let r = g.registration(&e.id).unwrap();
                let s = ecograph::features::conflict::subject_of(r);
                ecograph::features::conflict::gather(g, &s, &w).vector(&w) != e.x
            })
            .count();
        (ex.len(), mismatched)
    });
    assert!(n > 400, "the demo has its registrations: {n}");
    assert_eq!(mismatched, 0);
    app.stop().await;
}

#[actix_web::test]
async fn an_ambiguous_company_record_is_refused_with_its_candidates() {
    let db = common::sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let mut lyon = account("Acme Wealth GmbH", "acme-wealth.fr");
    lyon["country"] = json!("FR");
    assert_eq!(app.put("/v1/accounts/A-3", &lyon).await.0, 201);
    // A record a letter away from each: two companies too close to call.
    let mut b = body("R-1", "P-1", "A-1");
    b.as_object_mut().unwrap().remove("account_id");
    b["account"] = json!({"name": "Acme Ealth GmbH"});
    let (s, p) = app.post("/v1/deal-registrations", &b).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("ambiguous_account")),
        "{p}"
    );
    let ids: Vec<&str> = p["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{p}");
    assert!(ids.contains(&"A-1") && ids.contains(&"A-3"), "{p}");
    assert_eq!(
        app.get("/v1/deal-registrations/R-1").await.0,
        404,
        "nothing written"
    );
    app.stop().await;
}
