//! openapi.yaml is the document generated from the routes the server actually serves.

mod common;

#[test]
fn the_committed_openapi_document_is_current() {
    let generated = ecograph::api::openapi_yaml();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml"))
        .expect("openapi.yaml exists");
    assert!(
        generated == committed,
        "openapi.yaml is stale: run `cargo run -- openapi > openapi.yaml` and commit it"
    );
}

#[actix_web::test]
async fn every_operation_in_the_document_is_routed() {
    let db = common::sqlite_db();
    let app = common::spawn(&db.url).await;
    // The first test proves openapi.yaml is this document.
    let spec = serde_json::to_value(ecograph::api::spec()).unwrap();
    let paths = spec["paths"].as_object().expect("paths");
    let mut checked = 0;
    for (path, ops) in paths {
        let concrete = path.replace("{id}", "X-1").replace("{record_id}", "R-1");
        for method in ops.as_object().unwrap().keys() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app
                .client
                .request(m, format!("{}{concrete}", app.base))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or(serde_json::Value::Null);
            assert!(
                !(status == 404 && body["code"] == "route_not_found") && status != 405,
                "{method} {path} is in openapi.yaml but not served ({status})"
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} operations found");
    app.stop().await;
}
