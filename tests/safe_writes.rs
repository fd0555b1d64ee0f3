//! Writes that cannot destroy data: a body of the wrong type, shape or content never removes
//! what it was not asked to remove.

mod common;

use common::{TestApp, account, partner, spawn, sqlite_db};
use serde_json::{Value, json};

const LIST: &str = "/v1/partners/P-1/accounts";

/// A partner with a three-record account list.
async fn partner_with_three_records(app: &TestApp) {
    app.put("/v1/partners/P-1", &partner("Alpha")).await;
    app.put("/v1/accounts/A-1", &account("Acme Corporation", "acme.com"))
        .await;
    let csv = "id,relation,name,domain\nr1,customer,Acme,acme.com\nr2,prospect,Globex,globex.com\nr3,customer,Initech,initech.com\n";
    let (s, r) = app.put_raw(LIST, "text/csv", csv).await;
    assert_eq!((s, r["accepted"].as_u64()), (200, Some(3)), "{r}");
}

async fn record_ids(app: &TestApp) -> Vec<String> {
    let (s, list) = app.get(LIST).await;
    assert_eq!(s, 200, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn an_account_list_sent_with_the_wrong_content_type_is_refused_and_removes_nothing() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    partner_with_three_records(&app).await;
    let csv_as_json = "id,relation,name\nr9,customer,Hooli\n";
    for (ct, body) in [
        ("application/json", r#"{"oops": true}"#),
        ("application/json", csv_as_json),
        ("text/plain", csv_as_json),
        ("application/x-www-form-urlencoded", "id=r9"),
    ] {
        let (s, p) = app.put_raw(LIST, ct, body).await;
        assert_eq!(
            (s, p["code"].as_str()),
            (415, Some("unsupported_media_type")),
            "{ct}: {p}"
        );
    }
    let (s, p) = app
        .send_untyped(reqwest::Method::PUT, LIST, csv_as_json)
        .await;
    assert_eq!(
        s, 415,
        "a body without a Content-Type is not guessed at: {p}"
    );
    assert!(
        p["detail"].as_str().unwrap().contains("no Content-Type"),
        "{p}"
    );
    assert_eq!(record_ids(&app).await, ["r1", "r2", "r3"]);
    app.stop().await;
}

#[actix_web::test]
async fn a_replacing_upload_with_a_rejected_row_writes_nothing_and_removes_nothing() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    partner_with_three_records(&app).await;

    // The object that once emptied a list, now as NDJSON: its one row is rejected.
    let (s, p) = app
        .put_raw(LIST, "application/x-ndjson", r#"{"oops": true}"#)
        .await;
    assert_eq!((s, p["code"].as_str()), (422, Some("rows_rejected")), "{p}");
    assert_eq!(p["report"]["committed"], false);
    assert_eq!(p["report"]["rejected_count"], 1);

    // One good row and one bad one: neither the good row is added nor the others removed.
    let csv = "id,relation,name\nr4,customer,Hooli\nr5,partner,Pied Piper\n";
    let (s, p) = app.put_raw(LIST, "text/csv", csv).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("rows_rejected")), "{p}");
    assert_eq!(p["report"]["rejected"][0]["row"], 3);
    assert_eq!(p["report"]["rejected"][0]["field"], "relation");
    assert_eq!(record_ids(&app).await, ["r1", "r2", "r3"]);

    // The same rows merged: the good one is added, nothing is removed.
    let (s, r) = app
        .put_raw(&format!("{LIST}?mode=merge"), "text/csv", csv)
        .await;
    assert_eq!(
        (s, r["accepted"].as_u64(), r["records_removed"].as_u64()),
        (200, Some(1), Some(0)),
        "{r}"
    );
    assert_eq!(record_ids(&app).await, ["r1", "r2", "r3", "r4"]);
    app.stop().await;
}

#[actix_web::test]
async fn an_empty_upload_or_a_json_array_is_refused_and_removes_nothing() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    partner_with_three_records(&app).await;
    let array = r#"[{"id": "r1", "relation": "customer", "name": "Acme"}]"#;
    for (ct, body, why) in [
        ("text/csv", "id,relation,name\n", "a header without rows"),
        ("text/csv", "", "an empty CSV"),
        ("application/x-ndjson", "\n \n", "blank lines"),
        ("application/x-ndjson", array, "a JSON array"),
    ] {
        let (s, p) = app.put_raw(LIST, ct, body).await;
        assert_eq!(s, 400, "{why}: {p}");
    }
    let (s, p) = app
        .post_raw("/v1/partners/bulk", "application/x-ndjson", array)
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (400, Some("malformed_body")),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("JSON array"), "{p}");
    assert_eq!(record_ids(&app).await, ["r1", "r2", "r3"]);
    app.stop().await;
}

#[actix_web::test]
async fn bulk_routes_refuse_json_and_untyped_bodies() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let line = r#"{"id": "P-1", "name": "Alpha", "type": "SI"}"#;
    let (s, p) = app
        .post_raw("/v1/partners/bulk", "application/json", line)
        .await;
    assert_eq!(s, 415, "{p}");
    let (s, p) = app
        .send_untyped(reqwest::Method::POST, "/v1/partners/bulk", line)
        .await;
    assert_eq!(s, 415, "{p}");
    let (s, p) = app
        .send_untyped(
            reqwest::Method::PUT,
            "/v1/partners/P-1",
            r#"{"name": "Alpha", "type": "SI"}"#,
        )
        .await;
    assert_eq!(s, 415, "a JSON route needs its Content-Type too: {p}");
    assert_eq!(app.get("/v1/partners/P-1").await.0, 404);
    app.stop().await;
}

#[actix_web::test]
async fn a_bulk_body_of_bad_rows_lists_the_first_hundred_and_counts_them_all() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let body: String = (0..2_500)
        .map(|i| format!("{{\"id\": \"P-{i}\", \"name\": \"\", \"type\": \"SI\"}}\n"))
        .collect();
    let (s, p) = app
        .post_raw("/v1/partners/bulk", "application/x-ndjson", body)
        .await;
    assert_eq!((s, p["code"].as_str()), (422, Some("rows_rejected")), "{p}");
    let report: &Value = &p["report"];
    assert_eq!(report["rows"], 2_500);
    assert_eq!(report["rejected_count"], 2_500);
    assert_eq!(report["rejected"].as_array().unwrap().len(), 100);
    assert_eq!(report["rejected"][99]["row"], 100);

    // Partly good: written, with the same cap on the list.
    let mut body: String = (0..150)
        .map(|i| format!("{{\"id\": \"P-{i}\", \"name\": \"\", \"type\": \"SI\"}}\n"))
        .collect();
    body.push_str(&json!({"id": "P-ok", "name": "Fine", "type": "SI"}).to_string());
    let (s, r) = app
        .post_raw("/v1/partners/bulk", "application/x-ndjson", body)
        .await;
    assert_eq!(
        (s, r["accepted"].as_u64(), r["rejected_count"].as_u64()),
        (200, Some(1), Some(150)),
        "{r}"
    );
    assert_eq!(r["rejected"].as_array().unwrap().len(), 100);
    app.stop().await;
}

#[actix_web::test]
async fn a_document_read_with_get_can_be_put_back_unchanged() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/partners/P-1", &partner("Alpha")).await;
    app.put("/v1/accounts/A-1", &account("Acme Corporation", "acme.com"))
        .await;
    app.put(
        "/v1/deals/D-1",
        &common::deal("A-1", &[("P-1", "sourcing")]),
    )
    .await;
    app.delete("/v1/partners/P-1").await;
    for path in ["/v1/partners/P-1", "/v1/accounts/A-1", "/v1/deals/D-1"] {
        let (s, doc) = app.get(path).await;
        assert_eq!(s, 200, "{doc}");
        let (s, again) = app.put(path, &doc).await;
        assert_eq!(
            (s, &again),
            (200, &doc),
            "{path} reads back as it was written"
        );
    }
    let (_, partner_doc) = app.get("/v1/partners/P-1").await;
    assert!(partner_doc["offboarded_at"].is_string(), "{partner_doc}");

    let mut other = partner("Beta");
    other["id"] = json!("P-2");
    let (s, p) = app.put("/v1/partners/P-1", &other).await;
    assert_eq!((s, p["field"].as_str()), (422, Some("id")), "{p}");
    assert_eq!(app.get("/v1/partners/P-1").await.1["name"], "Alpha");
    app.stop().await;
}
