//! Starting the service: open the store, rebuild the graph, bind, serve.

use crate::api;
use crate::api::auth::AccessControl;
use crate::api::extract::Limits;
use crate::domain::Kind;
use crate::service::{Ecosystem, KeyRing};
use crate::settings::Settings;
use crate::store;
use actix_web::HttpServer;
use actix_web::web::Data;
use std::net::TcpListener;
use std::sync::Arc;

/// A running server.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: std::net::SocketAddr,
    /// The server future; await it to serve until shutdown.
    pub server: actix_web::dev::Server,
    /// The service, for tests and tools.
    pub eco: Data<Ecosystem>,
}

/// Opens the store, loads the graph (and the demo data when asked and the store is empty) and binds.
pub async fn build(settings: &Settings) -> anyhow::Result<Running> {
    match &settings.master_key {
        None if !settings.addr.ip().is_loopback() => anyhow::bail!(
            "refusing to listen on {} without a master key: set --master-key or ECOGRAPH_MASTER_KEY, or listen on a loopback address",
            settings.addr
        ),
        None => tracing::warn!(
            "NO MASTER KEY: the API is open to anyone who can reach {} (local development only); set ECOGRAPH_MASTER_KEY to require API keys",
            settings.addr
        ),
        Some(k) if k.len() < 16 => anyhow::bail!("the master key must be at least 16 characters"),
        Some(_) => {}
    }
    let repo = store::open(&settings.database_url).await?;
    let keys = Arc::new(KeyRing::load(repo.clone()).await?);
    let (eco, summary) = Ecosystem::load(repo).await?;
    tracing::info!(
        backend = eco.store().backend(),
        partners = summary.entities[Kind::Partner as usize],
        accounts = summary.entities[Kind::Account as usize],
        deals = summary.entities[Kind::Deal as usize],
        touchpoints = summary.entities[Kind::Touchpoint as usize],
        plays = summary.entities[Kind::Play as usize],
        ipps = summary.entities[Kind::Ipp as usize],
        partner_records = summary.records,
        seconds = format!("{:.3}", summary.seconds),
        resident_mib = crate::telemetry::resident_bytes().map(|b| b >> 20),
        "graph loaded from the store"
    );
    let eco = Data::from(Arc::new(eco));
    if settings.demo {
        let empty = eco.read(|g| Kind::ALL.iter().all(|k| g.count(*k) == 0));
        if empty {
            let report = crate::import::import_dir(&eco, &settings.demo_dir, false).await?;
            tracing::info!(dir = %settings.demo_dir.display(), rows = report.rows(), rejected = report.rejected(), "demo ecosystem loaded");
        } else {
            tracing::info!("store is not empty; demo data not loaded");
        }
    }
    let listener = TcpListener::bind(settings.addr)?;
    let addr = listener.local_addr()?;
    let limits = Limits {
        json: settings.json_limit,
        bulk: settings.bulk_limit,
    };
    let data = eco.clone();
    let access = Data::new(AccessControl::new(
        settings.master_key.clone(),
        keys,
        &api::spec(),
    ));
    let server = HttpServer::new(move || {
        let (app, _) = api::app(limits);
        app.app_data(data.clone())
            .app_data(access.clone())
            .wrap(tracing_actix_web::TracingLogger::default())
    })
    .workers(settings.workers)
    .listen(listener)?
    .run();
    tracing::info!(%addr, "listening");
    Ok(Running { addr, server, eco })
}
