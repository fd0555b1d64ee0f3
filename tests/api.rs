//! The REST API end to end: a real server on port 0 over a fresh SQLite database.

mod common;

use common::{account, deal, partner, spawn, sqlite_db};
use serde_json::json;

#[actix_web::test]
async fn a_partner_put_twice_is_created_then_replaced_and_reads_back() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let body = json!({"name": "Nordlicht Systems GmbH", "type": "si", "tier": "gold", "regions": ["EMEA"], "industries": ["Healthcare"]});
    let (s, created) = app.put("/v1/partners/P-17", &body).await;
    assert_eq!(s, 201);
    assert_eq!(created["type"], "SI");
    let (s, replaced) = app.put("/v1/partners/P-17", &body).await;
    assert_eq!(s, 200);
    assert_eq!(created, replaced);
    let (s, got) = app.get("/v1/partners/P-17").await;
    assert_eq!(s, 200);
    assert_eq!(got, created);
    app.stop().await;
}

#[actix_web::test]
async fn bad_input_gets_a_4xx_naming_the_field_and_writes_nothing() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let cases: Vec<(serde_json::Value, u16, &str, Option<&str>)> = vec![
        (
            json!({"name": "", "type": "SI"}),
            422,
            "invalid_field",
            Some("name"),
        ),
        (
            json!({"name": "X", "type": "reseller"}),
            422,
            "invalid_field",
            Some("type"),
        ),
        (
            json!({"name": "X", "type": "SI", "colour": "red"}),
            422,
            "invalid_field",
            Some("colour"),
        ),
        (
            json!({"name": "X", "type": "SI", "employees": "ten"}),
            422,
            "invalid_field",
            Some("employees"),
        ),
        (json!({"type": "SI"}), 422, "invalid_field", Some("name")),
        (
            json!({"name": "X", "type": "SI", "annual_program_cost": -1}),
            422,
            "invalid_field",
            Some("annual_program_cost"),
        ),
        (
            json!({"name": "X", "type": "SI", "certifications": [{"name": "A", "earned_on": "2024-13-01"}]}),
            422,
            "invalid_field",
            Some("certifications[0].earned_on"),
        ),
        // PostgreSQL cannot store NUL; a name of invisible characters names nothing.
        (
            json!({"name": "Nord\u{0}licht", "type": "SI"}),
            422,
            "invalid_field",
            Some("name"),
        ),
        (
            json!({"name": "X", "type": "SI", "industries": ["Retail", "Re\u{0}tail"]}),
            422,
            "invalid_field",
            Some("industries[1]"),
        ),
        (
            json!({"name": "\u{200b}\u{200b}", "type": "SI"}),
            422,
            "invalid_field",
            Some("name"),
        ),
        (
            json!({"name": "X", "type": "SI", "employees": 20_000_000}),
            422,
            "invalid_field",
            Some("employees"),
        ),
        (
            json!({"name": "X", "type": "SI", "joined_on": "0024-05-01"}),
            422,
            "invalid_field",
            Some("joined_on"),
        ),
        (
            json!({"name": "X", "type": "SI", "certifications": [{"name": "A", "earned_on": "2024-01-01", "expires_on": "2300-01-01"}]}),
            422,
            "invalid_field",
            Some("certifications[0].expires_on"),
        ),
    ];
    for (body, status, code, field) in cases {
        let (s, p) = app.put("/v1/partners/P-1", &body).await;
        assert_eq!(s, status, "{body}: {p}");
        assert_eq!(p["code"], code, "{body}: {p}");
        assert_eq!(p["field"].as_str(), field, "{body}: {p}");
        assert!(!p["detail"].as_str().unwrap().is_empty());
    }
    let (s, p) = app
        .put_raw("/v1/partners/P-1", "application/json", "{\"name\": ")
        .await;
    assert_eq!((s, p["code"].as_str()), (400, Some("malformed_body")));
    let (s, p) = app.put_raw("/v1/partners/P-1", "text/plain", "hello").await;
    assert_eq!(
        (s, p["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let huge = format!(
        "{{\"name\": \"{}\", \"type\": \"SI\"}}",
        "x".repeat(100 * 1024)
    );
    let (s, p) = app
        .put_raw("/v1/partners/P-1", "application/json", huge)
        .await;
    assert_eq!((s, p["code"].as_str()), (413, Some("payload_too_large")));
    let (s, _) = app.put("/v1/deals/D-1", &json!({"account_id": "A-1", "amount": -5, "stage": "proposal", "created_on": "2025-01-01"})).await;
    assert_eq!(s, 422);
    let (s, p) = app.put("/v1/deals/D-1", &deal("A-404", &[])).await;
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (422, Some("unknown_reference"), Some("account_id"))
    );
    let (s, _) = app.get("/v1/partners/P-1").await;
    assert_eq!(s, 404, "nothing was written");
    let (s, _) = app.get("/v1/deals/D-1").await;
    assert_eq!(s, 404, "nothing was written");
    app.stop().await;
}

#[actix_web::test]
async fn listing_pages_through_every_partner_once_in_id_order() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    for i in 0..25 {
        let mut p = partner(&format!("Partner {i}"));
        if i % 2 == 0 {
            p["type"] = json!("ISV");
        }
        app.put(&format!("/v1/partners/P-{i:02}"), &p).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("/v1/partners?limit=10&cursor={c}"),
            None => "/v1/partners?limit=10".to_string(),
        };
        let (s, page) = app.get(&q).await;
        assert_eq!(s, 200);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let want: Vec<String> = (0..25).map(|i| format!("P-{i:02}")).collect();
    assert_eq!(seen, want);
    let (_, isv) = app.get("/v1/partners?type=isv&limit=1000").await;
    assert_eq!(isv["items"].as_array().unwrap().len(), 13);
    let (s, p) = app.get("/v1/partners?limit=0").await;
    assert_eq!((s, p["field"].as_str()), (400, Some("limit")));
    let (s, p) = app.get("/v1/partners?tyep=SI").await;
    assert_eq!((s, p["field"].as_str()), (400, Some("tyep")));
    // A value that does not parse names its parameter too.
    for (query, field) in [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("type=reseller", "type"),
    ] {
        let (s, p) = app.get(&format!("/v1/partners?{query}")).await;
        assert_eq!((s, p["field"].as_str()), (400, Some(field)), "{query}: {p}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn deleting_a_partner_offboards_it_and_hard_delete_waits_for_its_history() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/partners/P-1", &partner("Alpha")).await;
    app.put("/v1/accounts/A-1", &account("Acme", "acme.com"))
        .await;
    assert_eq!(
        app.put("/v1/deals/D-1", &deal("A-1", &[("P-1", "sourcing")]))
            .await
            .0,
        201
    );
    let (s, p) = app.delete("/v1/partners/P-1").await;
    assert_eq!((s, p["status"].as_str()), (200, Some("offboarded")));
    assert!(p["offboarded_at"].is_string());
    let (s, p) = app.delete("/v1/partners/P-1?hard=true").await;
    assert_eq!((s, p["code"].as_str()), (409, Some("still_referenced")));
    assert_eq!(app.delete("/v1/deals/D-1").await.0, 204);
    assert_eq!(app.delete("/v1/partners/P-1?hard=true").await.0, 204);
    assert_eq!(app.get("/v1/partners/P-1").await.0, 404);
    assert_eq!(app.delete("/v1/partners/P-1").await.0, 404);
    app.stop().await;
}

#[actix_web::test]
async fn bulk_ndjson_writes_good_rows_and_reports_each_bad_one_by_row() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let body = [
        r#"{"id": "P-1", "name": "Alpha", "type": "SI"}"#,
        r#"{"id": "P-2", "name": "", "type": "SI"}"#,
        "",
        r#"{"id": "P-3", "name": "Gamma", "type": "VAR"}"#,
        r#"{"name": "No id", "type": "VAR"}"#,
        r#"{"id": "P-5", "name": "Broken"#,
    ]
    .join("\n");
    let (s, r) = app
        .post_raw("/v1/partners/bulk", "application/x-ndjson", body.clone())
        .await;
    assert_eq!(s, 200);
    assert_eq!(r["rows"], 5);
    assert_eq!(r["accepted"], 2);
    let rejected: Vec<(u64, &str)> = r["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["row"].as_u64().unwrap(), x["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (2, "invalid_field"),
            (5, "invalid_field"),
            (6, "malformed_body")
        ]
    );
    assert_eq!(app.get("/v1/partners/P-3").await.0, 200);

    let (s, p) = app.post_raw("/v1/accounts/bulk?all_or_nothing=true", "application/x-ndjson",
        "{\"id\": \"A-1\", \"name\": \"Acme\"}\n{\"id\": \"A-2\", \"name\": \"Acme\", \"owner\": {\"kind\": \"partner\", \"partner_id\": \"P-404\"}}\n").await;
    assert_eq!((s, p["code"].as_str()), (422, Some("rows_rejected")), "{p}");
    let r = &p["report"];
    assert_eq!(
        (r["committed"].as_bool(), r["accepted"].as_u64()),
        (Some(false), Some(0))
    );
    assert_eq!(r["rejected"][0]["code"], "unknown_reference");
    assert_eq!(
        app.get("/v1/accounts/A-1").await.0,
        404,
        "all_or_nothing wrote nothing"
    );
    app.stop().await;
}

#[actix_web::test]
async fn a_partner_account_list_links_rows_by_domain_and_replaces_the_previous_list() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/partners/P-1", &partner("Alpha")).await;
    app.put("/v1/accounts/A-1", &account("Acme Corporation", "acme.com"))
        .await;
    let csv = "ID,Relation,Name,Website,Ignored\nr1,customer,ACME Corp.,https://www.acme.com/about,x\nr2,prospect,Globex,,y\nr3,partner,Initech,,z\nr4,customer,Globex GmbH,,\n";
    let (s, r) = app
        .put_raw("/v1/partners/P-1/accounts?mode=merge", "text/csv", csv)
        .await;
    assert_eq!(s, 200, "{r}");
    // r1 links to A-1 by its website's domain; "Globex" and "Globex GmbH" are one new company.
    assert_eq!(
        (r["accepted"].as_u64(), r["accounts_created"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(r["rejected"][0]["row"], 4);
    assert_eq!(r["rejected"][0]["field"], "relation");
    let (_, rec) = app.get("/v1/partners/P-1/accounts/r1").await;
    assert_eq!(rec["account_id"], "A-1");
    let (_, r2) = app.get("/v1/partners/P-1/accounts/r2").await;
    let (_, r4) = app.get("/v1/partners/P-1/accounts/r4").await;
    assert_eq!(r2["account_id"], r4["account_id"]);
    assert!(
        r2["account_id"].as_str().unwrap().starts_with("ER-"),
        "{r2}"
    );
    let (_, partners) = app.get("/v1/accounts/A-1/partners").await;
    assert_eq!(partners["items"][0]["partner"]["id"], "P-1");
    assert_eq!(partners["items"][0]["relations"], json!(["customer"]));

    let (_, r) = app
        .put_raw(
            "/v1/partners/P-1/accounts?relation=customer",
            "text/csv",
            "id,name,domain\nr1,Acme,acme.com\n",
        )
        .await;
    assert_eq!(
        (r["accepted"].as_u64(), r["records_removed"].as_u64()),
        (Some(1), Some(2))
    );
    let (_, list) = app.get("/v1/partners/P-1/accounts").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let (s, p) = app
        .put_raw(
            "/v1/partners/P-1/accounts",
            "text/csv",
            "name,relation\nAcme,customer\n",
        )
        .await;
    assert_eq!((s, p["field"].as_str()), (400, Some("id")));
    let (s, _) = app
        .put_raw(
            "/v1/partners/P-404/accounts",
            "text/csv",
            "id,name,relation\n1,A,customer\n",
        )
        .await;
    assert_eq!(s, 404);
    app.stop().await;
}

/// Spreadsheet exports: Windows-1252 with semicolons, a declared charset, and an unknown one.
#[actix_web::test]
async fn account_lists_in_other_encodings_and_separators_are_read() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/partners/P-1", &partner("Alpha")).await;
    // "Müller Präzision GmbH" and "Société Générale" in Windows-1252, separated by semicolons.
    let excel: &[u8] = b"id;relation;name;country\nr1;customer;M\xfcller Pr\xe4zision GmbH;DE\nr2;prospect;\"Soci\xe9t\xe9 G\xe9n\xe9rale; Paris\";FR\n";
    let (s, r) = app
        .put_raw("/v1/partners/P-1/accounts", "text/csv", excel)
        .await;
    assert_eq!((s, r["accepted"].as_u64()), (200, Some(2)), "{r}");
    let (_, r1) = app.get("/v1/partners/P-1/accounts/r1").await;
    assert_eq!(r1["name"], "Müller Präzision GmbH");
    let (_, r2) = app.get("/v1/partners/P-1/accounts/r2").await;
    assert_eq!(r2["name"], "Société Générale; Paris");

    // Cyrillic in Windows-1251, declared in the Content-Type; tab separated.
    let cyr: &[u8] = b"id\trelation\tname\nr3\tcustomer\t\xd0\xf3\xf1\xfc\n";
    let (s, r) = app
        .put_raw(
            "/v1/partners/P-1/accounts?mode=merge",
            "text/csv; charset=windows-1251",
            cyr,
        )
        .await;
    assert_eq!((s, r["accepted"].as_u64()), (200, Some(1)), "{r}");
    let (_, r3) = app.get("/v1/partners/P-1/accounts/r3").await;
    assert_eq!(r3["name"], "Русь");

    let (s, p) = app
        .put_raw(
            "/v1/partners/P-1/accounts?mode=merge",
            "text/csv; charset=klingon",
            "id,relation,name\nr4,customer,Qo'noS\n",
        )
        .await;
    assert_eq!(s, 415, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("klingon"), "{p}");
    let (s, _) = app.get("/v1/partners/P-1/accounts/r4").await;
    assert_eq!(s, 404, "nothing written");

    // An id given to two rows: the second is rejected, and creates no account.
    let (s, r) = app
        .put_raw(
            "/v1/partners/P-1/accounts?mode=merge",
            "text/csv",
            "id,relation,name\nd1,customer,Zyxwv Orphanco Industries\nd1,customer,Qwerty Keepme Holdings\n",
        )
        .await;
    assert_eq!(
        (s, r["accepted"].as_u64(), r["accounts_created"].as_u64()),
        (200, Some(1), Some(1)),
        "{r}"
    );
    assert_eq!(
        (
            r["rejected"][0]["row"].as_u64(),
            r["rejected"][0]["field"].as_str()
        ),
        (Some(3), Some("id")),
        "{r}"
    );
    let (_, d1) = app.get("/v1/partners/P-1/accounts/d1").await;
    assert_eq!(d1["name"], "Zyxwv Orphanco Industries");

    // A quote left open would swallow every later row into one name: the upload is refused.
    let (s, p) = app
        .put_raw(
            "/v1/partners/P-1/accounts?mode=merge",
            "text/csv",
            "id,relation,name\nq1,customer,\"Acme Corp\nq2,customer,Beta\n",
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (400, Some("malformed_body")),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("line 2"), "{p}");
    let (s, _) = app.get("/v1/partners/P-1/accounts/q1").await;
    assert_eq!(s, 404, "nothing written");

    // A NUL byte (which PostgreSQL cannot store) rejects its row, not the upload.
    let (s, r) = app
        .put_raw(
            "/v1/partners/P-1/accounts?mode=merge",
            "text/csv",
            &b"id,relation,name\nr5,customer,Nul\0Corp\nr6,customer,Fine Corp\n"[..],
        )
        .await;
    assert_eq!((s, r["accepted"].as_u64()), (200, Some(1)), "{r}");
    assert_eq!(
        (
            r["rejected"][0]["row"].as_u64(),
            r["rejected"][0]["field"].as_str()
        ),
        (Some(2), Some("name")),
        "{r}"
    );
    app.stop().await;
}

#[actix_web::test]
async fn touchpoints_must_name_a_deal_of_their_own_account_and_read_back_in_time_order() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/partners/P-1", &partner("Alpha")).await;
    app.put("/v1/accounts/A-1", &account("Acme", "acme.com"))
        .await;
    app.put("/v1/accounts/A-2", &account("Globex", "globex.com"))
        .await;
    app.put("/v1/deals/D-1", &deal("A-1", &[("P-1", "influencing")]))
        .await;
    let tp = |at: &str, acct: &str| json!({"partner_id": "P-1", "account_id": acct, "deal_id": "D-1", "kind": "demo", "occurred_at": at});
    let (s, p) = app
        .put("/v1/touchpoints/T-0", &tp("2025-03-02T10:00:00Z", "A-2"))
        .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("deal_id")));
    assert_eq!(
        app.put("/v1/touchpoints/T-2", &tp("2025-03-05T10:00:00Z", "A-1"))
            .await
            .0,
        201
    );
    assert_eq!(
        app.put("/v1/touchpoints/T-1", &tp("2025-03-03T10:00:00Z", "A-1"))
            .await
            .0,
        201
    );
    let (_, page) = app.get("/v1/deals/D-1/touchpoints").await;
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["T-1", "T-2"]);
    let (_, deals) = app.get("/v1/accounts/A-1/deals").await;
    assert_eq!(deals["items"][0]["outcome"], "open");
    // The deal cannot move to A-2 while its touchpoints are on A-1.
    let (s, p) = app
        .put("/v1/deals/D-1", &deal("A-2", &[("P-1", "influencing")]))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("still_referenced")),
        "{p}"
    );
    let (_, d) = app.get("/v1/deals/D-1").await;
    assert_eq!(d["account_id"], "A-1", "nothing written");
    app.stop().await;
}

#[actix_web::test]
async fn health_and_readiness_answer_and_unknown_routes_are_problems() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    assert_eq!(app.get("/healthz").await.0, 200);
    let (s, r) = app.get("/readyz").await;
    assert_eq!(
        (s, r["status"].as_str(), r["store"].as_str()),
        (200, Some("ready"), Some("sqlite"))
    );
    assert_eq!(app.get("/v1/nothing").await.1["code"], "route_not_found");
    let r = app
        .client
        .patch(format!("{}/v1/partners/P-1", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    app.stop().await;
}

#[actix_web::test]
async fn the_committed_demo_ecosystem_imports_without_rejections() {
    let db = sqlite_db();
    let repo = ecograph::store::open(&db.url).await.unwrap();
    let (eco, _) = ecograph::service::Ecosystem::load(repo).await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let report = ecograph::import::import_dir(&eco, &dir, false)
        .await
        .unwrap();
    let rejected: Vec<_> = report
        .files
        .iter()
        .flat_map(|f| {
            f.report
                .rejected
                .iter()
                .map(move |x| (f.name.clone(), x.clone()))
        })
        .take(5)
        .collect();
    assert!(rejected.is_empty(), "{rejected:?}");
    assert!(report.accepted() > 5000);
    assert_eq!(eco.read(|g| g.count(ecograph::domain::Kind::Partner)), 40);
    assert_eq!(eco.read(|g| g.record_count()), 2373);
}

#[actix_web::test]
async fn an_uploaded_record_without_a_domain_is_linked_by_the_matcher() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/partners/P-1", &partner("Alpha")).await;
    app.put(
        "/v1/accounts/A-1",
        &json!({"name": "Nordlicht Systems GmbH", "domain": "nordlicht.de", "country": "DE"}),
    )
    .await;
    app.put(
        "/v1/accounts/A-2",
        &json!({"name": "Globex Corporation", "domain": "globex.com", "country": "US"}),
    )
    .await;
    let csv = "id,relation,name,country\nr1,customer,NORDLICHT SYSTEMS,Germany\nr2,prospect,Initech Ltd,GB\n";
    let (_, r) = app
        .put_raw("/v1/partners/P-1/accounts", "text/csv", csv)
        .await;
    assert_eq!(
        (r["accepted"].as_u64(), r["accounts_created"].as_u64()),
        (Some(2), Some(1)),
        "{r}"
    );
    assert_eq!(
        app.get("/v1/partners/P-1/accounts/r1").await.1["account_id"],
        "A-1"
    );
    assert_ne!(
        app.get("/v1/partners/P-1/accounts/r2").await.1["account_id"],
        "A-2"
    );
    app.stop().await;
}

#[actix_web::test]
async fn account_lists_written_together_share_new_accounts_and_fail_together() {
    use ecograph::api::records::parse_csv;
    use ecograph::domain::Kind;
    use ecograph::service::{Actor, Ecosystem};
    let db = sqlite_db();
    let repo = ecograph::store::open(&db.url).await.unwrap();
    let (eco, _) = Ecosystem::load(repo).await.unwrap();
    let cli = Actor::cli("test");
    for id in ["P-1", "P-2"] {
        let node = ecograph::graph::Node::Partner(Box::new(
            ecograph::domain::Partner::from_input(
                ecograph::domain::Id::parse("id", id).unwrap(),
                serde_json::from_value(partner(id)).unwrap(),
            )
            .unwrap(),
        ));
        eco.upsert(node, &cli).await.unwrap();
    }
    let csv = |body: &str| parse_csv(body.as_bytes(), None, None).unwrap();
    let write = |replace, all_or_nothing| ecograph::service::ListWrite {
        replace,
        all_or_nothing,
        linking: ecograph::service::Linking::Fuzzy,
    };
    let lists = vec![
        (
            "P-1".to_string(),
            csv("id,relation,name,domain\nr1,customer,Brand New Co,brandnew.example\n"),
        ),
        (
            "P-2".to_string(),
            csv(
                "id,relation,name,website\nx1,prospect,Brand New Company Ltd,https://www.brandnew.example/\n",
            ),
        ),
    ];
    let reports = eco
        .put_lists(lists, write(true, false), &cli)
        .await
        .unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(
        (reports[0].accounts_created, reports[1].accounts_created),
        (Some(1), Some(0)),
        "the second list links to the account the first created: {reports:?}"
    );
    assert!(reports.iter().all(|r| r.committed && r.accepted == 1));
    let (a1, a2) = eco.read(|g| {
        (
            g.record("P-1", "r1").unwrap().account_id.clone(),
            g.record("P-2", "x1").unwrap().account_id.clone(),
        )
    });
    assert_eq!(a1, a2);
    assert_eq!(eco.read(|g| g.count(Kind::Account)), 1);

    // With all_or_nothing, a bad row in one list keeps every list of the group unwritten.
    let lists = vec![
        (
            "P-1".to_string(),
            csv("id,relation,name\nr2,customer,Another Firm\n"),
        ),
        ("P-2".to_string(), csv("id,relation,name\nx2,customer,\n")),
    ];
    let reports = eco
        .put_lists(lists, write(false, true), &cli)
        .await
        .unwrap();
    assert!(reports.iter().all(|r| !r.committed), "{reports:?}");
    assert_eq!(reports[1].rejected.len(), 1);
    assert!(eco.read(|g| g.record("P-1", "r2").is_none()));
    assert_eq!(eco.read(|g| g.count(Kind::Account)), 1);

    // Rows of one upload that spell one new company differently, with no domain to key it by,
    // create one account; a different company in the same upload gets its own.
    let lists = vec![
        (
            "P-1".to_string(),
            csv("id,relation,name,country
n1,customer,Nordwind Logistik GmbH,DE
s1,prospect,Southwind Bakery Ltd,GB
"),
        ),
        (
            "P-2".to_string(),
            csv("id,relation,name,country
n2,prospect,NORDWIND LOGISTIK,Germany
"),
        ),
    ];
    let reports = eco
        .put_lists(lists, write(false, false), &cli)
        .await
        .unwrap();
    assert!(reports.iter().all(|r| r.committed), "{reports:?}");
    assert_eq!(
        (reports[0].accounts_created, reports[1].accounts_created),
        (Some(2), Some(0)),
        "{reports:?}"
    );
    let account = |p: &str, r: &str| eco.read(|g| g.record(p, r).unwrap().account_id.clone());
    assert_eq!(account("P-1", "n1"), account("P-2", "n2"));
    assert_ne!(account("P-1", "n1"), account("P-1", "s1"));
    assert_eq!(eco.read(|g| g.count(Kind::Account)), 3);
}

#[actix_web::test]
async fn the_resolution_index_is_built_at_start_up_without_a_request() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/accounts/A-1", &account("Acme Corporation", "acme.com"))
        .await;
    app.stop().await;
    // A restart over a store with accounts: the index is built without anyone resolving.
    let app = spawn(&db.url).await;
    let (s, r) = app.get("/readyz").await;
    assert_eq!(
        (s, r["resolution_index"].as_str()),
        (200, Some("ready")),
        "{r}"
    );
    assert_eq!(app.eco.resolution_index_len(), 1);
    app.stop().await;
}
