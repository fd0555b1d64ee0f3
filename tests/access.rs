//! Access control: every route in openapi.yaml against a key of every role, key lifecycle, rate
//! limiting of failed authentication, and the audit log.

mod common;

use common::{TestApp, settings, spawn_with, sqlite_db};
use ecograph::api::auth::FailureLimits;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const MASTER: &str = "test-master-key-0123456789";

async fn secured(url: &str) -> TestApp {
    let mut s = settings(url);
    s.master_key = Some(MASTER.into());
    spawn_with(s).await
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut rb = app.client.request(m, format!("{}{path}", app.base));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn make_key(app: &TestApp, role: &str, partner: Option<&str>) -> String {
    let mut body = json!({"name": format!("{role} key"), "role": role});
    if let Some(p) = partner {
        body["partner_id"] = json!(p);
    }
    let (s, k) = call(app, "POST", "/v1/keys", Some(MASTER), Some(&body)).await;
    assert_eq!(s, 201, "{k}");
    assert!(k.get("secret_hash").is_none());
    k["token"].as_str().unwrap().to_string()
}

/// Who may use each route: the table the implementation must agree with.
fn expected() -> BTreeMap<(&'static str, &'static str), &'static [&'static str]> {
    const W: &[&str] = &["admin", "prm"];
    const ADMIN: &[&str] = &["admin"];
    let mut t: BTreeMap<(&str, &str), &[&str]> = BTreeMap::new();
    for kind in [
        "partners",
        "accounts",
        "deals",
        "touchpoints",
        "plays",
        "ipps",
        "play-runs",
    ] {
        let item: &'static str = Box::leak(format!("/v1/{kind}/{{id}}").into_boxed_str());
        let bulk: &'static str = Box::leak(format!("/v1/{kind}/bulk").into_boxed_str());
        let list: &'static str = Box::leak(format!("/v1/{kind}").into_boxed_str());
        let (get, lst): (&[&str], &[&str]) = match kind {
            "partners" => (
                &["admin", "prm", "recruiter", "deal_desk", "partner"],
                &["admin", "prm", "recruiter", "deal_desk"],
            ),
            "accounts" | "deals" => (
                &["admin", "prm", "deal_desk"],
                &["admin", "prm", "deal_desk"],
            ),
            "ipps" => (
                &["admin", "prm", "recruiter"],
                &["admin", "prm", "recruiter"],
            ),
            _ => (W, W),
        };
        t.insert(("PUT", item), W);
        t.insert(("DELETE", item), W);
        t.insert(("POST", bulk), W);
        t.insert(("GET", item), get);
        t.insert(("GET", list), lst);
    }
    t.insert(
        ("GET", "/v1/partners/{id}/deals"),
        &["admin", "prm", "deal_desk", "partner"],
    );
    t.insert(
        ("GET", "/v1/partners/{id}/touchpoints"),
        &["admin", "prm", "partner"],
    );
    t.insert(
        ("GET", "/v1/partners/{id}/play-runs"),
        &["admin", "prm", "partner"],
    );
    t.insert(
        ("GET", "/v1/partners/{id}/accounts"),
        &["admin", "prm", "partner"],
    );
    t.insert(
        ("GET", "/v1/partners/{id}/accounts/{record_id}"),
        &["admin", "prm", "partner"],
    );
    t.insert(("PUT", "/v1/partners/{id}/accounts"), W);
    t.insert(("DELETE", "/v1/partners/{id}/accounts/{record_id}"), W);
    t.insert(
        ("GET", "/v1/accounts/{id}/partners"),
        &["admin", "prm", "deal_desk"],
    );
    t.insert(
        ("GET", "/v1/accounts/{id}/deals"),
        &["admin", "prm", "deal_desk"],
    );
    t.insert(("GET", "/v1/accounts/{id}/touchpoints"), W);
    t.insert(("GET", "/v1/deals/{id}/touchpoints"), W);
    t.insert(("POST", "/v1/keys"), ADMIN);
    t.insert(("GET", "/v1/keys"), ADMIN);
    t.insert(("GET", "/v1/keys/{id}"), ADMIN);
    t.insert(("DELETE", "/v1/keys/{id}"), ADMIN);
    t.insert(("GET", "/v1/audit"), ADMIN);
    t.insert(("POST", "/v1/match"), W);
    t.insert(
        ("GET", "/v1/mapping/partners/{id}/matrix"),
        &["admin", "prm", "partner"],
    );
    t.insert(
        ("GET", "/v1/mapping/partners/{id}/overlaps"),
        &["admin", "prm", "partner"],
    );
    t.insert(
        ("GET", "/v1/mapping/partners/{id}/partners"),
        &["admin", "prm", "partner"],
    );
    t.insert(
        ("GET", "/v1/mapping/partners/{id}/targets"),
        &["admin", "prm", "partner"],
    );
    t.insert(("POST", "/v1/entities/resolve"), W);
    const DESK: &[&str] = &["admin", "prm", "deal_desk"];
    const RECRUITING: &[&str] = &["admin", "prm", "recruiter"];
    t.insert(("GET", "/v1/accounts/{id}/partner-recommendations"), DESK);
    t.insert(("GET", "/v1/deals/{id}/partner-recommendations"), DESK);
    t.insert(
        ("GET", "/v1/partners/{id}/ipp-fit"),
        &["admin", "prm", "recruiter", "partner"],
    );
    t.insert(("POST", "/v1/ipp-fit"), RECRUITING);
    t.insert(
        ("GET", "/v1/partners/{id}/play-recommendations"),
        &["admin", "prm", "partner"],
    );
    t.insert(("GET", "/v1/recruiting/candidates"), RECRUITING);
    const DESK_AND_PARTNER: &[&str] = &["admin", "prm", "deal_desk", "partner"];
    t.insert(("POST", "/v1/deal-registrations"), DESK_AND_PARTNER);
    t.insert(("POST", "/v1/deal-registrations/assess"), DESK_AND_PARTNER);
    t.insert(("GET", "/v1/deal-registrations"), DESK_AND_PARTNER);
    t.insert(("GET", "/v1/deal-registrations/{id}"), DESK_AND_PARTNER);
    t.insert(("POST", "/v1/deal-registrations/{id}/decisions"), DESK);
    t.insert(("POST", "/v1/deal-registrations/bulk"), W);
    t.insert(("GET", "/v1/rules-of-engagement"), DESK_AND_PARTNER);
    t.insert(("GET", "/v1/models"), DESK);
    t.insert(("GET", "/v1/conflicts/predicted"), DESK);
    t.insert(("POST", "/v1/models/reload"), ADMIN);
    t
}

#[actix_web::test]
async fn every_route_admits_exactly_the_roles_in_the_access_table() {
    let db = sqlite_db();
    let app = secured(&db.url).await;
    for p in ["P-1", "P-2"] {
        assert_eq!(
            call(
                &app,
                "PUT",
                &format!("/v1/partners/{p}"),
                Some(MASTER),
                Some(&common::partner(p))
            )
            .await
            .0,
            201
        );
    }
    let mut tokens: Vec<(&str, String)> = Vec::new();
    for role in ["admin", "prm", "recruiter", "deal_desk"] {
        tokens.push((role, make_key(&app, role, None).await));
    }
    tokens.push(("partner", make_key(&app, "partner", Some("P-1")).await));
    let other_partner = make_key(&app, "partner", Some("P-2")).await;

    let table = expected();
    let spec = serde_json::to_value(ecograph::api::spec()).unwrap();
    let mut walked = 0;
    for (path, ops) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for method in ops.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            let admitted = table
                .get(&(method.as_str(), path.as_str()))
                .unwrap_or_else(|| {
                    panic!("{method} {path} is served but missing from the access table")
                });
            let concrete = path
                .replace(
                    "{id}",
                    if path.starts_with("/v1/partners/")
                        || path.starts_with("/v1/mapping/partners/")
                    {
                        "P-1"
                    } else {
                        "X-1"
                    },
                )
                .replace("{record_id}", "R-1");
            // A body that cannot be written, so that admitted writes change nothing.
            let body = json!({"bogus": true});
            for (role, token) in &tokens {
                let (s, p) = call(&app, &method, &concrete, Some(token), Some(&body)).await;
                if admitted.contains(role) {
                    assert!(
                        s != 401 && s != 403,
                        "{role} should be admitted to {method} {path}, got {s}: {p}"
                    );
                } else {
                    assert_eq!(s, 403, "{role} should be refused {method} {path}: {p}");
                    assert_eq!(p["code"], "forbidden");
                }
            }
            let (s, p) = call(&app, &method, &concrete, Some(&other_partner), Some(&body)).await;
            let self_scoped = ecograph::api::auth::PARTNER_SELF_SCOPED
                .iter()
                .any(|p| path.starts_with(p));
            if admitted.contains(&"partner") && self_scoped {
                // These routes confine a partner key themselves (tests/registrations.rs).
                assert!(
                    s != 401 && s != 403,
                    "other partner on {method} {path}: {s} {p}"
                );
            } else if admitted.contains(&"partner") {
                assert_eq!(
                    (s, p["detail"].as_str()),
                    (404, Some("partner 'P-1' does not exist")),
                    "{method} {path}"
                );
                assert!(
                    ecograph::api::auth::PARTNER_SCOPE_PREFIXES
                        .iter()
                        .any(|p| path.starts_with(p)),
                    "{path} admits partners outside the scoped prefixes"
                );
            } else {
                assert_eq!(s, 403, "other partner on {method} {path}: {p}");
            }
            let (s, p) = call(&app, &method, &concrete, None, Some(&body)).await;
            assert_eq!(
                (s, p["code"].as_str()),
                (401, Some("unauthorized")),
                "{method} {path} without a key"
            );
            walked += 1;
        }
    }
    assert_eq!(
        walked,
        table.len(),
        "the access table lists routes that are not served"
    );
    assert_eq!(call(&app, "GET", "/healthz", None, None).await.0, 200);
    assert_eq!(call(&app, "GET", "/readyz", None, None).await.0, 200);
    app.stop().await;
}

#[actix_web::test]
async fn revoked_and_expired_keys_stop_working_on_the_next_request() {
    let db = sqlite_db();
    let app = secured(&db.url).await;
    let token = make_key(&app, "prm", None).await;
    assert_eq!(
        call(&app, "GET", "/v1/partners", Some(&token), None)
            .await
            .0,
        200
    );
    let key_id = token.split('_').nth(1).unwrap();
    let (s, k) = call(
        &app,
        "DELETE",
        &format!("/v1/keys/{key_id}"),
        Some(MASTER),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert!(k["revoked_at"].is_string());
    assert_eq!(
        call(&app, "GET", "/v1/partners", Some(&token), None)
            .await
            .0,
        401
    );

    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let (_, k) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(MASTER),
        Some(&json!({"name": "short", "role": "prm", "expires_at": soon})),
    )
    .await;
    let short = k["token"].as_str().unwrap().to_string();
    assert_eq!(
        call(&app, "GET", "/v1/partners", Some(&short), None)
            .await
            .0,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    assert_eq!(
        call(&app, "GET", "/v1/partners", Some(&short), None)
            .await
            .0,
        401
    );

    let (_, list) = call(&app, "GET", "/v1/keys", Some(MASTER), None).await;
    let text = list.to_string();
    assert!(
        !text.contains(&token[token.len() - 20..])
            && !text.contains("secret_hash")
            && !text.contains("token")
    );
    let (s, p) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(MASTER),
        Some(&json!({"name": "x", "role": "partner"})),
    )
    .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("partner_id")));
    let (s, p) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(MASTER),
        Some(&json!({"name": "x", "role": "partner", "partner_id": "P-404"})),
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (422, Some("unknown_reference")));
    app.stop().await;
}

/// A partner key must not outlive its partner: a partner created later under the same id would
/// be readable with it.
#[actix_web::test]
async fn a_partner_with_live_keys_is_not_hard_deleted() {
    let db = sqlite_db();
    let app = secured(&db.url).await;
    let partner = json!({"name": "Nordlicht Systems", "type": "SI"});
    let (s, _) = call(
        &app,
        "PUT",
        "/v1/partners/P-1",
        Some(MASTER),
        Some(&partner),
    )
    .await;
    assert_eq!(s, 201);
    let token = make_key(&app, "partner", Some("P-1")).await;
    let key_id = token.split('_').nth(1).unwrap();
    let (s, p) = call(
        &app,
        "DELETE",
        "/v1/partners/P-1?hard=true",
        Some(MASTER),
        None,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("still_referenced")),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains(key_id), "{p}");
    let (s, _) = call(&app, "GET", "/v1/partners/P-1", Some(MASTER), None).await;
    assert_eq!(s, 200, "the partner is still there");

    let (s, _) = call(
        &app,
        "DELETE",
        &format!("/v1/keys/{key_id}"),
        Some(MASTER),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = call(
        &app,
        "DELETE",
        "/v1/partners/P-1?hard=true",
        Some(MASTER),
        None,
    )
    .await;
    assert_eq!(s, 204);
    app.stop().await;
}

#[actix_web::test]
async fn a_credential_that_keeps_failing_is_slowed_down_without_locking_out_others() {
    let db = sqlite_db();
    let app = secured(&db.url).await;
    let admin = make_key(&app, "admin", None).await;
    let mut last = 0;
    for _ in 0..12 {
        last = call(&app, "GET", "/v1/partners", Some("egk_nothing_wrong"), None)
            .await
            .0;
    }
    assert_eq!(last, 429, "the same bad credential is told to back off");
    let (s, _) = call(&app, "GET", "/v1/partners", Some("egk_other_wrong"), None).await;
    assert_eq!(s, 401, "another credential is counted apart");
    let (s, _) = call(&app, "GET", "/v1/partners", Some(MASTER), None).await;
    assert_eq!(s, 200, "the master key from the same address still works");

    // Many different bad credentials from one address (a NAT with a broken integration).
    let mut last = 0;
    for i in 0..110 {
        last = call(
            &app,
            "GET",
            "/v1/partners",
            Some(&format!("guess-{i}")),
            None,
        )
        .await
        .0;
    }
    assert_eq!(last, 429);
    let r = app
        .client
        .get(format!("{}/v1/partners", app.base))
        .bearer_auth(MASTER)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        429,
        "a person-chosen master key is not tried from an address that is guessing"
    );
    assert!(r.headers().get("retry-after").is_some());
    let (s, _) = call(&app, "GET", "/v1/partners", Some(&admin), None).await;
    assert_eq!(
        s, 200,
        "an issued key is never blocked for others' failures"
    );
    app.stop().await;
}

#[actix_web::test]
async fn the_failures_a_credential_and_an_address_may_make_are_settings() {
    let db = sqlite_db();
    let mut s = settings(&db.url);
    s.master_key = Some(MASTER.into());
    s.auth_failures.per_address = 3;
    let app = spawn_with(s).await;
    let admin = make_key(&app, "admin", None).await;
    let mut statuses = Vec::new();
    for i in 0..4 {
        let bad = format!("guess-{i}");
        statuses.push(call(&app, "GET", "/v1/partners", Some(&bad), None).await.0);
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 429],
        "the fourth failure is slowed down"
    );
    let (s, _) = call(&app, "GET", "/v1/partners", Some(&admin), None).await;
    assert_eq!(s, 200, "an issued key still works from that address");
    app.stop().await;

    // One wrong credential sent again and again (a fuzzer's fixed bad token, a stale key in an
    // integration): told to back off after the set number, not the default 10.
    let db = sqlite_db();
    let mut s = settings(&db.url);
    s.master_key = Some(MASTER.into());
    s.auth_failures.per_credential = 2;
    let app = spawn_with(s).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            call(&app, "GET", "/v1/partners", Some("egk_stale"), None)
                .await
                .0,
        );
    }
    assert_eq!(statuses, [401, 401, 429], "the third try of one credential");
    let (s, _) = call(&app, "GET", "/v1/partners", Some("egk_other"), None).await;
    assert_eq!(s, 401, "another credential is counted apart");
    app.stop().await;

    let zero_credential = FailureLimits {
        per_credential: 0,
        ..FailureLimits::default()
    };
    let zero_address = FailureLimits {
        per_address: 0,
        ..FailureLimits::default()
    };
    for (limits, name) in [
        (zero_credential, "auth_failures_per_credential"),
        (zero_address, "auth_failures_per_address"),
    ] {
        let mut s = settings(&db.url);
        s.auth_failures = limits;
        let err = ecograph::startup::build(&s)
            .await
            .err()
            .expect("0 is refused");
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[actix_web::test]
async fn keys_made_and_revoked_by_another_process_take_effect_in_the_running_service() {
    let db = sqlite_db();
    let app = secured(&db.url).await;
    // What `ecograph keys create` and `keys revoke` do: their own connection to the same store.
    let repo = ecograph::store::open_existing(&db.url).await.unwrap();
    let ring = ecograph::service::KeyRing::load(repo).await.unwrap();
    let cli = ecograph::service::Actor::cli("keys create");
    let (key, token) = ring
        .create(
            ecograph::service::NewKey {
                name: "made beside the service".into(),
                role: ecograph::domain::Role::Prm,
                partner_id: None,
                expires_at: None,
            },
            &cli,
        )
        .await
        .unwrap();
    let (s, _) = call(&app, "GET", "/v1/partners", Some(&token), None).await;
    assert_eq!(s, 200, "a key made on the command line works at once");
    let (s, listed) = call(&app, "GET", "/v1/keys", Some(MASTER), None).await;
    assert_eq!(s, 200);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["id"] == key.id.as_str()),
        "{listed}"
    );

    ring.revoke(&key.id, &cli).await.unwrap();
    let started = std::time::Instant::now();
    let limit = ecograph::service::REFRESH_EVERY + std::time::Duration::from_secs(2);
    loop {
        let (s, _) = call(&app, "GET", "/v1/partners", Some(&token), None).await;
        if s == 401 {
            break;
        }
        assert_eq!(s, 200);
        assert!(
            started.elapsed() < limit,
            "a key revoked elsewhere still worked after {limit:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.stop().await;
}

#[actix_web::test]
async fn every_write_is_audited_with_its_key_and_records() {
    let db = sqlite_db();
    let app = secured(&db.url).await;
    let prm = make_key(&app, "prm", None).await;
    let prm_id = prm.split('_').nth(1).unwrap().to_string();
    call(
        &app,
        "PUT",
        "/v1/partners/P-1",
        Some(&prm),
        Some(&common::partner("Alpha")),
    )
    .await;
    call(
        &app,
        "PUT",
        "/v1/accounts/A-1",
        Some(&prm),
        Some(&common::account("Acme", "acme.com")),
    )
    .await;
    call(&app, "DELETE", "/v1/partners/P-1", Some(&prm), None).await;
    let (_, bad) = call(
        &app,
        "PUT",
        "/v1/partners/P-2",
        Some(&prm),
        Some(&json!({"name": ""})),
    )
    .await;
    assert_eq!(bad["status"], 422);

    let (s, page) = call(
        &app,
        "GET",
        &format!("/v1/audit?key_id={prm_id}"),
        Some(MASTER),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let entries = page["items"].as_array().unwrap();
    let routes: Vec<&str> = entries
        .iter()
        .map(|e| e["route"].as_str().unwrap())
        .collect();
    assert_eq!(
        routes,
        vec![
            "PUT /v1/partners/{id}",
            "PUT /v1/accounts/{id}",
            "DELETE /v1/partners/{id}"
        ]
    );
    assert!(entries.iter().all(|e| e["role"] == "prm"));
    let (_, p1) = call(&app, "GET", "/v1/audit?record_id=P-1", Some(MASTER), None).await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    assert_eq!(p1["items"][0]["record_ids"], json!(["partner:P-1"]));
    let (_, keys) = call(&app, "GET", "/v1/audit?key_id=master", Some(MASTER), None).await;
    assert_eq!(keys["items"][0]["route"], "POST /v1/keys");
    let (s, _) = call(&app, "GET", "/v1/audit", Some(&prm), None).await;
    assert_eq!(s, 403);
    app.stop().await;
}

#[actix_web::test]
async fn without_a_master_key_only_loopback_addresses_are_allowed() {
    let db = sqlite_db();
    let mut s = settings(&db.url);
    s.addr = "0.0.0.0:0".parse().unwrap();
    let err = ecograph::startup::build(&s).await.err().expect("refused");
    assert!(err.to_string().contains("without a master key"), "{err}");
}
