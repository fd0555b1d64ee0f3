//! Starting the service: open the store, rebuild the graph, bind, serve.

use crate::api;
use crate::api::auth::AccessControl;
use crate::api::extract::Limits;
use crate::api::metrics::ScrapeToken;
use crate::api::observe::{self, RequestSpan};
use crate::domain::Kind;
use crate::service::{Ecosystem, KeyRing, REFRESH_EVERY};
use crate::settings::Settings;
use crate::store;
use crate::telemetry::Metrics;
use actix_web::HttpServer;
use actix_web::web::Data;
use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tracing_actix_web::TracingLogger;

/// How long a stop waits for requests in flight before it closes their connections.
pub const GRACE: Duration = Duration::from_secs(30);

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
    if settings
        .metrics_token
        .as_ref()
        .is_some_and(|t| t.len() < 16)
    {
        anyhow::bail!("the metrics token must be at least 16 characters");
    }
    for (name, n) in [
        (
            "auth_failures_per_address",
            settings.auth_failures.per_address,
        ),
        (
            "auth_failures_per_credential",
            settings.auth_failures.per_credential,
        ),
    ] {
        if n == 0 {
            anyhow::bail!(
                "{name} must be at least 1 (0 would answer every failing client 429 at once)"
            );
        }
    }
    // Bound before the store is opened, so that a taken port fails before a database is made.
    let listener = TcpListener::bind(settings.addr)
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.addr))?;
    let repo = if settings.demo || settings.create_db {
        store::open(&settings.database_url).await?
    } else {
        store::open_existing(&settings.database_url).await?
    };
    let metrics = Data::new(Metrics::new());
    let repo = store::timed(repo, metrics.store_seconds());
    let keys = Arc::new(KeyRing::load(repo.clone()).await?);
    refresh_keys_periodically(Arc::downgrade(&keys));
    let (eco, summary) = Ecosystem::load(repo).await?;
    tracing::info!(
        backend = eco.store().backend(),
        partners = summary.entities[Kind::Partner as usize],
        accounts = summary.entities[Kind::Account as usize],
        deals = summary.entities[Kind::Deal as usize],
        touchpoints = summary.entities[Kind::Touchpoint as usize],
        plays = summary.entities[Kind::Play as usize],
        ipps = summary.entities[Kind::Ipp as usize],
        play_runs = summary.entities[Kind::PlayRun as usize],
        registrations = summary.entities[Kind::Registration as usize],
        partner_records = summary.records,
        seconds = format!("{:.3}", summary.seconds),
        resident_mib = crate::telemetry::resident_bytes().map(|b| b >> 20),
        "graph loaded from the store"
    );
    let eco = Data::from(Arc::new(eco));
    settings.rules.validate().map_err(anyhow::Error::msg)?;
    let serving = crate::registry::serving_conflict(&**eco.store()).await?;
    tracing::info!(
        conflict_model = serving
            .as_ref()
            .map_or("none (rules only)", |s| s.version.as_str()),
        "conflict assessment ready"
    );
    eco.set_engine(crate::conflict::Engine {
        rules: settings.rules.clone(),
        model: serving,
    });
    let intel = crate::registry::serving_intel_models(&**eco.store()).await?;
    intel.log("partner-intelligence models ready");
    eco.set_intel_models(intel);
    // Registrations whose protection window has ended expire without anyone calling for it.
    run_periodically(
        Arc::downgrade(&eco.clone().into_inner()),
        settings.expiry_every,
        "could not expire registrations",
        |eco| async move { eco.expire_due(chrono::Utc::now()).await.map(|_| ()) },
    );
    if settings.demo {
        let empty = eco.read(|g| Kind::ALL.iter().all(|k| g.count(*k) == 0));
        if empty {
            if !settings.demo_dir.is_dir() {
                anyhow::bail!(
                    "the demo ecosystem is not at {}: run from the project root or pass --demo-dir",
                    settings.demo_dir.display()
                );
            }
            let report = crate::import::import_dir(&eco, &settings.demo_dir, false).await?;
            tracing::info!(dir = %settings.demo_dir.display(), rows = report.rows(), rejected = report.rejected(), "demo ecosystem loaded");
        } else {
            tracing::info!("store is not empty; demo data not loaded");
        }
    }
    // The resolution index is built now, in the background, so that no request that resolves a
    // record waits seconds for it; /readyz answers 503 until it is built.
    let warming = eco.clone();
    tokio::spawn(async move {
        if let Err(e) = warming.warm_resolution().await {
            tracing::error!(error = %e, "could not build the resolution index");
        }
    });
    refresh_picture_periodically(Arc::downgrade(&eco.clone().into_inner()), PICTURE_REFRESH);
    run_periodically(
        Arc::downgrade(&eco.clone().into_inner()),
        WATCH_REFRESH,
        "could not rank the watchlist",
        |eco| async move { eco.refresh_watchlist().await.map(|_| ()) },
    );
    run_periodically(
        Arc::downgrade(&eco.clone().into_inner()),
        CHECKPOINT_EVERY,
        "could not checkpoint the store's log",
        |eco| async move { eco.store().checkpoint().await },
    );
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
        settings.auth_failures,
    ));
    let scrape = Data::new(ScrapeToken::new(settings.metrics_token.clone()));
    let server = HttpServer::new(move || {
        let (app, _) = api::app(limits);
        app.app_data(data.clone())
            .app_data(access.clone())
            .app_data(metrics.clone())
            .app_data(scrape.clone())
            .wrap(actix_web::middleware::from_fn(observe::record))
            .wrap(TracingLogger::<RequestSpan>::new())
    })
    .workers(settings.workers)
    // Signals are handled by `serve`, which bounds the graceful stop.
    .disable_signals()
    .shutdown_timeout(GRACE.as_secs())
    .listen(listener)?
    .run();
    tracing::info!(%addr, "listening");
    Ok(Running { addr, server, eco })
}

/// Re-reads the API keys every [`REFRESH_EVERY`], so that a key revoked by another process on the
/// same store (`ecograph keys revoke`) stops working here too; ends when the service is dropped.
fn refresh_keys_periodically(keys: std::sync::Weak<KeyRing>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(keys) = keys.upgrade() else { return };
            if let Err(e) = keys.refresh().await {
                tracing::warn!(error = %e, "could not re-read the API keys from the store");
            }
        }
    });
}

/// How often the snapshot that recommendations read is rebuilt when the graph has changed (on a
/// small graph a request rebuilds it at once; see `service::intel`).
const PICTURE_REFRESH: Duration = Duration::from_secs(30);

/// A background rebuild of the snapshot takes at most one part in this many of the time (a
/// judgement, not a measurement: the 29 s paced rebuild at a million accounts then runs at most
/// every 290 s).
const PICTURE_DUTY: u32 = 10;

/// Builds the recommendation snapshot now, then rebuilds it every `every` when the graph has
/// changed; ends when the service is dropped.
fn refresh_picture_periodically(eco: std::sync::Weak<Ecosystem>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut first = true;
        loop {
            tick.tick().await;
            let Some(eco) = eco.upgrade() else { return };
            match eco.refresh_picture().await {
                Ok(_) if first => {
                    if let Ok(p) = eco.picture().await {
                        tracing::info!(
                            partners = p.snapshot.partners.len(),
                            accounts = p.snapshot.accounts.len(),
                            links = p.snapshot.links(),
                            seconds = format!("{:.3}", p.seconds),
                            "recommendation snapshot built"
                        );
                    }
                }
                Ok(built) => {
                    // While writes keep arriving, rebuilding every tick would spend a core on it
                    // on a large graph; rest so that rebuilds take at most a tenth of the time.
                    if let Some(took) = built {
                        tokio::time::sleep((took * (PICTURE_DUTY - 1)).saturating_sub(every)).await;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not rebuild the recommendation snapshot")
                }
            }
            first = false;
        }
    });
}

/// How often the background checks whether the watchlist's ranking is stale (see
/// `service::watch`; scans are paced, so at a million accounts one takes minutes).
const WATCH_REFRESH: Duration = Duration::from_secs(60);

/// How often the store's write-ahead log is checkpointed in the background (see
/// `Repository::checkpoint`).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Runs `job` on the service every `every` (the first time at once), logging `failed` with the
/// error when it fails; ends when the service is dropped.
fn run_periodically<F, Fut, E>(
    eco: std::sync::Weak<Ecosystem>,
    every: Duration,
    failed: &'static str,
    job: F,
) where
    F: Fn(Arc<Ecosystem>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: std::fmt::Display,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(eco) = eco.upgrade() else { return };
            if let Err(e) = job(eco).await {
                tracing::warn!(error = %e, "{failed}");
            }
        }
    });
}

/// Serves until SIGTERM or Ctrl-C, then stops (see [`serve_until`]).
pub async fn serve(running: Running) -> anyhow::Result<()> {
    serve_until(running.server, shutdown_signal(), GRACE).await
}

/// Serves until `shutdown` completes, then stops gracefully: no new connections, requests in
/// flight may finish for up to `grace`. A write is acknowledged only once committed, so stopping
/// never loses an acknowledged write.
///
/// The graceful stop is bounded here rather than trusted to the server: in a test loop a graceful
/// stop once never completed (1 run in about 320). If it has not completed `grace` plus five
/// seconds after it began, the server is stopped at once, and if even that hangs, `serve_until`
/// returns anyway so the process can exit.
pub async fn serve_until(
    mut server: actix_web::dev::Server,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> anyhow::Result<()> {
    tokio::select! {
        done = &mut server => return Ok(done?),
        () = shutdown => {}
    }
    let handle = server.handle();
    tracing::info!(
        grace_seconds = grace.as_secs(),
        "stopping: requests in flight may finish"
    );
    // The server future carries out the stop, so it is polled alongside the stop's completion.
    let graceful = async { tokio::join!(handle.stop(true), &mut server).1 };
    match tokio::time::timeout(grace + Duration::from_secs(5), graceful).await {
        Ok(done) => {
            tracing::info!("stopped");
            return Ok(done?);
        }
        Err(_) => tracing::warn!("graceful stop did not finish in time; stopping at once"),
    }
    let forced = async { tokio::join!(handle.stop(false), &mut server).1 };
    match tokio::time::timeout(Duration::from_secs(5), forced).await {
        Ok(done) => Ok(done?),
        Err(_) => {
            tracing::warn!("the server did not stop; exiting without it");
            Ok(())
        }
    }
}

/// Completes on SIGTERM or Ctrl-C (SIGINT).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM received"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C received"),
                }
                return;
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops"),
        }
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => tracing::info!("Ctrl-C received"),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C either; serving until killed");
            std::future::pending::<()>().await;
        }
    }
}
