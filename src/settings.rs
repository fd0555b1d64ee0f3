//! Typed configuration: command-line flags, `ECOGRAPH_*` environment variables and an optional TOML
//! file, in that order of precedence. Nothing else reads the environment.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The default embedded database, created on first start in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://ecograph.db";
/// The default listen address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Settings the file may give; every field is optional and overridden by flags and environment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// Listen address.
    pub addr: Option<SocketAddr>,
    /// Database URL.
    pub database_url: Option<String>,
    /// Load the demo ecosystem into an empty store.
    pub demo: Option<bool>,
    /// Create the SQLite database when it does not exist.
    pub create_db: Option<bool>,
    /// HTTP worker threads.
    pub workers: Option<usize>,
    /// Largest JSON entity body, bytes.
    pub json_limit: Option<usize>,
    /// Largest bulk body, bytes.
    pub bulk_limit: Option<usize>,
    /// Log filter, e.g. `info` or `ecograph=debug`.
    pub log: Option<String>,
    /// The master key.
    pub master_key: Option<String>,
    /// Log line format, `text` or `json`.
    pub log_format: Option<LogFormat>,
    /// A token that may read `/metrics` only.
    pub metrics_token: Option<String>,
    /// Failed authentications one client address may make in a minute before it is slowed down.
    pub auth_failures_per_address: Option<u32>,
    /// Failed authentications one presented credential may make in a minute before it is slowed
    /// down.
    pub auth_failures_per_credential: Option<u32>,
    /// The rules of engagement deal registrations are assessed by.
    pub rules_of_engagement: Option<crate::conflict::Rules>,
}

impl FileSettings {
    /// Reads a TOML settings file.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read settings file {}: {e}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("invalid settings file {}: {e}", path.display()))
    }
}

/// The service's settings, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// `sqlite://PATH` (embedded, default) or `postgres://...`.
    pub database_url: String,
    /// Load the committed demo ecosystem when the store is empty.
    pub demo: bool,
    /// Create a missing SQLite database (implied by `demo`). Without it a `sqlite://` URL naming
    /// no file is refused, so a mistyped URL does not start a service on a new, empty database.
    pub create_db: bool,
    /// Directory of the demo ecosystem.
    pub demo_dir: PathBuf,
    /// HTTP worker threads.
    pub workers: usize,
    /// Largest JSON entity body, bytes.
    pub json_limit: usize,
    /// Largest bulk body, bytes.
    pub bulk_limit: usize,
    /// Log filter.
    pub log: String,
    /// The master key: with one, every /v1 request needs a key; without one the service runs open
    /// and listens on loopback only.
    pub master_key: Option<String>,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// A bearer token admitted to `/metrics` and nothing else, so a scraper needs no admin key.
    pub metrics_token: Option<String>,
    /// Failed authentications a presented credential and a client address may each make in a
    /// minute; past them the credential is answered 429 unchecked, and the address's failing
    /// attempts and the master key are answered 429, until the minute ends (issued keys still
    /// work from the address).
    pub auth_failures: crate::api::auth::FailureLimits,
    /// The rules of engagement (settings file section `[rules_of_engagement]`; defaults otherwise).
    pub rules: crate::conflict::Rules,
    /// How often registrations whose protection window ended are expired.
    pub expiry_every: std::time::Duration,
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event, coloured only on a terminal.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}
