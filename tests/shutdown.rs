//! Stopping the service: `serve_until` stops the server when its shutdown signal fires and
//! returns, with committed writes still in the store.

mod common;

use common::{settings, sqlite_db, within};
use std::time::Duration;

#[actix_web::test]
async fn the_server_stops_on_its_signal_and_keeps_what_it_acknowledged() {
    let db = sqlite_db();
    let s = settings(&db.url);
    ecograph::telemetry::init(&s.log, s.log_format);
    let running = within("start-up", ecograph::startup::build(&s))
        .await
        .expect("server starts");
    let base = format!("http://{}", running.addr);
    let (fire, fired) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(ecograph::startup::serve_until(
        running.server,
        async {
            let _ = fired.await;
        },
        Duration::from_secs(2),
    ));
    let client = reqwest::Client::new();
    let r = client
        .put(format!("{base}/v1/partners/P-1"))
        .json(&serde_json::json!({"name": "Nordlicht Systems GmbH", "type": "SI"}))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(r.status().as_u16(), 201);
    drop(client);
    fire.send(()).expect("the server is still serving");
    within("stop", serving)
        .await
        .expect("the serving task ends")
        .expect("a clean stop");
    assert!(
        reqwest::get(format!("{base}/healthz")).await.is_err(),
        "nothing answers after the stop"
    );
    let store = ecograph::store::open(&db.url)
        .await
        .expect("the store opens");
    let (eco, _) = ecograph::service::Ecosystem::load(store)
        .await
        .expect("the graph loads");
    assert!(eco.read(|g| g.partner("P-1").is_some()));
}
