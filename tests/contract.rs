//! What the spec promises of every operation, held by the server: query strings, paging and methods.

mod common;

use common::{partner, spawn, sqlite_db};
use serde_json::json;

#[actix_web::test]
async fn a_limit_too_large_for_any_integer_is_refused_naming_limit_and_its_bounds() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    for path in [
        "/v1/partners?limit=99999999999999999999999",
        "/v1/partners?limit=0",
        "/v1/keys?limit=1001",
        "/v1/audit?limit=abc",
    ] {
        let (s, body) = app.get(path).await;
        assert_eq!(s, 400, "{path}: {body}");
        assert_eq!(body["field"], "limit", "{path}: {body}");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("from 1 to 1000"), "{path}: {detail}");
        assert!(!detail.contains("too large to fit"), "{path}: {detail}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn an_unknown_query_parameter_is_refused_on_writes_as_on_reads() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let (s, body) = app
        .put("/v1/partners/P-1?dry_run=true", &partner("Nordlicht"))
        .await;
    assert_eq!(
        (s, body["field"].as_str()),
        (400, Some("dry_run")),
        "{body}"
    );
    assert_eq!(app.get("/v1/partners/P-1").await.0, 404, "nothing written");

    let (s, body) = app
        .post_raw(
            "/v1/partners/bulk?all_or_nothin=true",
            "application/x-ndjson",
            "{\"id\": \"P-2\", \"name\": \"Kestrel\", \"type\": \"SI\"}\n",
        )
        .await;
    assert_eq!(
        (s, body["field"].as_str()),
        (400, Some("all_or_nothin")),
        "{body}"
    );
    assert_eq!(app.get("/v1/partners/P-2").await.0, 404, "nothing written");

    app.put("/v1/partners/P-3", &partner("Osprey")).await;
    let (s, body) = app.delete("/v1/partners/P-3?hrad=true").await;
    assert_eq!((s, body["field"].as_str()), (400, Some("hrad")), "{body}");
    let (s, body) = app.get("/v1/partners/P-3?fields=name").await;
    assert_eq!((s, body["field"].as_str()), (400, Some("fields")), "{body}");
    let (_, kept) = app.get("/v1/partners/P-3").await;
    assert_eq!(kept["status"], "active", "the delete was not carried out");
    app.stop().await;
}

#[actix_web::test]
async fn a_cursor_no_listing_returned_is_refused_naming_cursor() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    for id in ["P-1", "P-2", "P-3"] {
        app.put(&format!("/v1/partners/{id}"), &partner(id)).await;
    }
    app.put(
        "/v1/accounts/A-1",
        &json!({"name": "Acme", "domain": "acme.example"}),
    )
    .await;
    let (s, first) = app.get("/v1/partners?limit=2").await;
    assert_eq!(s, 200);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let (s, second) = app
        .get(&format!("/v1/partners?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(second["items"][0]["id"], "P-3");

    for path in [
        "/v1/partners?cursor=garbage".to_string(),
        "/v1/accounts/A-1/partners?cursor=garbage".to_string(),
        "/v1/partners/P-1/touchpoints?cursor=garbage".to_string(),
        "/v1/keys?cursor=garbage".to_string(),
        "/v1/audit?cursor=garbage".to_string(),
        // A cursor of one listing is not a position in another.
        format!("/v1/accounts?cursor={cursor}"),
    ] {
        let (s, body) = app.get(&path).await;
        assert_eq!(
            (s, body["field"].as_str()),
            (400, Some("cursor")),
            "{path}: {body}"
        );
    }
    app.stop().await;
}

#[actix_web::test]
async fn a_method_a_path_lacks_is_answered_405_naming_the_methods_it_has() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let r = app
        .client
        .patch(format!("{}/v1/partners/P-1", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    let allow = r.headers().get("allow").expect("an Allow header");
    assert_eq!(allow.to_str().unwrap(), "DELETE, GET, PUT");
    let r = app
        .client
        .get(format!("{}/v1/partners/bulk", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers().get("allow").unwrap().to_str().unwrap(), "POST");
    app.stop().await;
}

#[actix_web::test]
async fn an_invalid_record_id_filter_of_the_audit_log_is_a_query_error() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    let (s, body) = app.get("/v1/audit?record_id=").await;
    assert_eq!(
        (s, body["code"].as_str(), body["field"].as_str()),
        (400, Some("invalid_query"), Some("record_id")),
        "{body}"
    );
    app.stop().await;
}

#[actix_web::test]
async fn a_whole_number_written_with_a_decimal_point_is_a_count_as_json_schema_says() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put(
        "/v1/accounts/A-1",
        &json!({"name": "Acme", "domain": "acme.example"}),
    )
    .await;
    let (s, body) = app
        .post(
            "/v1/entities/resolve",
            &json!({"record": {"name": "Acme"}, "limit": 3.0}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app
        .post(
            "/v1/entities/resolve",
            &json!({"record": {"name": "Acme"}, "limit": 2.5}),
        )
        .await;
    assert_eq!((s, body["field"].as_str()), (422, Some("limit")), "{body}");

    let mut p = partner("Nordlicht");
    p["employees"] = json!(687.0);
    let (s, body) = app.put("/v1/partners/P-1", &p).await;
    assert_eq!((s, &body["employees"]), (201, &json!(687)), "{body}");
    p["employees"] = json!(2.5);
    let (s, body) = app.put("/v1/partners/P-1", &p).await;
    assert_eq!(
        (s, body["field"].as_str()),
        (422, Some("employees")),
        "{body}"
    );
    app.stop().await;
}

#[test]
fn every_v1_operation_documents_its_problem_responses_and_bounded_limits() {
    let spec = serde_json::to_value(ecograph::api::spec()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "401", "403", "429"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path} lacks 404");
            }
            if op.get("requestBody").is_some() {
                for status in ["413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["name"] == "limit" {
                    assert_eq!(
                        (&p["schema"]["minimum"], &p["schema"]["maximum"]),
                        (&json!(1), &json!(1000)),
                        "{method} {path}"
                    );
                }
            }
        }
    }
}
