//! The durable store: one repository trait, a SQLite and a PostgreSQL implementation.
//!
//! Entities are JSON documents keyed by id, one table per kind; the store knows nothing of the graph.
//! Every write is a batch of operations committed in one transaction.

mod postgres;
pub(crate) mod sql;
mod sqlite;
mod timed;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use timed::timed;

use crate::domain::{ApiKey, AuditEntry, Kind};
use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use std::sync::Arc;

/// A store failure. Always an internal error to callers: user input is validated before it gets here.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL is not one ecograph can use.
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// The SQLite file does not exist and the command may not create one.
    #[error(
        "there is no database at {0}; check --database-url, or create one with `ecograph serve --demo`, `ecograph serve --create-db` or `ecograph import`"
    )]
    Missing(String),
    /// The database server could not be reached or refused the connection.
    #[error("cannot connect to {url}: {cause}")]
    Connect {
        /// The URL without its password.
        url: String,
        /// What the first connection attempt reported.
        cause: String,
    },
}

/// A database URL safe to print or store in a model card: any password replaced by `***`.
pub fn display_url(url: &str) -> String {
    postgres::without_password(url)
}

/// A table of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// One of the entity tables.
    Entity(Kind),
    /// Partner account records.
    Records,
}

impl Table {
    /// The SQL table name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Entity(Kind::Partner) => "partners",
            Table::Entity(Kind::Account) => "accounts",
            Table::Entity(Kind::Deal) => "deals",
            Table::Entity(Kind::Touchpoint) => "touchpoints",
            Table::Entity(Kind::Play) => "plays",
            Table::Entity(Kind::Ipp) => "ipps",
            Table::Entity(Kind::PlayRun) => "play_runs",
            Table::Entity(Kind::Registration) => "registrations",
            Table::Records => "partner_records",
        }
    }

    /// The statement that counts the table's rows.
    pub fn count_rows(self) -> &'static str {
        match self {
            Table::Entity(Kind::Partner) => "SELECT COUNT(*) FROM partners",
            Table::Entity(Kind::Account) => "SELECT COUNT(*) FROM accounts",
            Table::Entity(Kind::Deal) => "SELECT COUNT(*) FROM deals",
            Table::Entity(Kind::Touchpoint) => "SELECT COUNT(*) FROM touchpoints",
            Table::Entity(Kind::Play) => "SELECT COUNT(*) FROM plays",
            Table::Entity(Kind::Ipp) => "SELECT COUNT(*) FROM ipps",
            Table::Entity(Kind::PlayRun) => "SELECT COUNT(*) FROM play_runs",
            Table::Entity(Kind::Registration) => "SELECT COUNT(*) FROM registrations",
            Table::Records => "SELECT COUNT(*) FROM partner_records",
        }
    }

    /// The statement that reads every document of the table as text.
    pub fn select_docs(self) -> &'static str {
        match self {
            Table::Entity(Kind::Partner) => "SELECT CAST(doc AS TEXT) FROM partners",
            Table::Entity(Kind::Account) => "SELECT CAST(doc AS TEXT) FROM accounts",
            Table::Entity(Kind::Deal) => "SELECT CAST(doc AS TEXT) FROM deals",
            Table::Entity(Kind::Touchpoint) => "SELECT CAST(doc AS TEXT) FROM touchpoints",
            Table::Entity(Kind::Play) => "SELECT CAST(doc AS TEXT) FROM plays",
            Table::Entity(Kind::Ipp) => "SELECT CAST(doc AS TEXT) FROM ipps",
            Table::Entity(Kind::PlayRun) => "SELECT CAST(doc AS TEXT) FROM play_runs",
            Table::Entity(Kind::Registration) => "SELECT CAST(doc AS TEXT) FROM registrations",
            Table::Records => "SELECT CAST(doc AS TEXT) FROM partner_records",
        }
    }
}

/// One write.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Insert or replace an entity document.
    Put {
        /// Its kind.
        kind: Kind,
        /// Its id.
        id: String,
        /// The JSON document.
        doc: String,
    },
    /// Delete an entity.
    Delete {
        /// Its kind.
        kind: Kind,
        /// Its id.
        id: String,
    },
    /// Insert or replace a partner account record.
    PutRecord {
        /// The partner.
        partner_id: String,
        /// The partner's row id.
        id: String,
        /// The account it resolved to.
        account_id: String,
        /// The JSON document.
        doc: String,
    },
    /// Delete one partner account record.
    DeleteRecord {
        /// The partner.
        partner_id: String,
        /// The partner's row id.
        id: String,
    },
    /// Delete every record of a partner.
    DeleteRecordsOf {
        /// The partner.
        partner_id: String,
    },
    /// Insert an API key, or update its name, expiry and revocation.
    PutKey(ApiKey),
    /// Insert a trained model version.
    PutModel(StoredModel),
    /// Record who made the write this batch holds.
    Audit(AuditEntry),
}

/// A filter over the audit log, in id (time) order.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries made with this key.
    pub key_id: Option<String>,
    /// Only entries that touched this record id.
    pub record_id: Option<String>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only entries after this id (the page cursor).
    pub after: Option<String>,
    /// At most this many entries.
    pub limit: usize,
}

/// A trained model version as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredModel {
    /// Version id (time-ordered).
    pub id: String,
    /// The model's name, e.g. `conflict`.
    pub name: String,
    /// When it was trained.
    pub created_at: DateTime<Utc>,
    /// The fitted model with its card, as JSON.
    pub doc: String,
}

/// The durable store behind the graph.
pub trait Repository: Send + Sync + 'static {
    /// Which backend this is, for logs and readiness.
    fn backend(&self) -> &'static str;

    /// Commits a batch in one transaction: all of it or none.
    fn apply<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Streams every document of a table, in no particular order.
    fn scan(&self, table: Table) -> BoxStream<'_, Result<String, StoreError>>;

    /// Number of rows in a table.
    fn count(&self, table: Table) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// One entity's stored document, if it exists.
    fn get<'a>(
        &'a self,
        kind: Kind,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>>;

    /// The versions of a model, newest first.
    fn models<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<StoredModel>, StoreError>>;

    /// Checks the database answers.
    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>>;

    /// Every API key, in id order.
    fn keys(&self) -> BoxFuture<'_, Result<Vec<ApiKey>, StoreError>>;

    /// Audit entries matching a filter.
    fn audit<'a>(&'a self, q: &'a AuditQuery)
    -> BoxFuture<'a, Result<Vec<AuditEntry>, StoreError>>;

    /// Moves committed writes from the write-ahead log into the database, without waiting for
    /// or blocking writers, where the backend leaves that to its client (SQLite); a no-op
    /// elsewhere. The service calls it in the background every second, so that no commit is the
    /// one that pays for copying tens of megabytes of log back.
    fn checkpoint(&self) -> BoxFuture<'_, Result<(), StoreError>>;
}

/// What a store connection is tuned for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Workload {
    /// The service: many small reads and writes, memory kept low.
    #[default]
    Service,
    /// A bulk import: millions of rows written into large indexes by one process that ends with
    /// the import. SQLite gets a larger page cache (256 MiB instead of 32 MiB per connection):
    /// at a million accounts the partner-record indexes no longer fit the smaller one, and the
    /// import wrote its account lists 17% faster (30.6 s to 25.3 s) with the larger.
    Bulk,
}

/// Opens the store a URL names and runs its migrations.
///
/// `sqlite://PATH` (created if missing) and `postgres://...` / `postgresql://...` are understood.
pub async fn open(url: &str) -> Result<Arc<dyn Repository>, StoreError> {
    open_for(url, Workload::Service).await
}

/// [`open`], tuned for a [`Workload`].
pub async fn open_for(url: &str, workload: Workload) -> Result<Arc<dyn Repository>, StoreError> {
    open_with(url, workload, true).await
}

/// Opens an existing store: a SQLite URL naming no file is refused rather than created, so that a
/// mistyped `--database-url` is an error, not a new empty database.
pub async fn open_existing(url: &str) -> Result<Arc<dyn Repository>, StoreError> {
    open_with(url, Workload::Service, false).await
}

async fn open_with(
    url: &str,
    workload: Workload,
    create: bool,
) -> Result<Arc<dyn Repository>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url, workload, create).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

/// Rows per multi-row INSERT: well under both backends' bind-parameter limits.
pub(crate) const CHUNK: usize = 500;

/// Groups consecutive operations of the same shape so they can be sent as one statement.
pub(crate) fn runs(ops: &[Op]) -> impl Iterator<Item = &[Op]> {
    ops.chunk_by(|a, b| match (a, b) {
        (Op::Put { kind: x, .. }, Op::Put { kind: y, .. }) => x == y,
        (Op::PutRecord { .. }, Op::PutRecord { .. }) => true,
        _ => false,
    })
    .flat_map(|run| run.chunks(CHUNK))
}

/// The operations of a run with later writes of the same key replacing earlier ones, because one
/// `INSERT ... ON CONFLICT DO UPDATE` may not touch a row twice.
pub(crate) fn last_wins(run: &[Op]) -> Vec<&Op> {
    let key = |op: &Op| match op {
        Op::Put { id, .. } => (String::new(), id.clone()),
        Op::PutRecord { partner_id, id, .. } => (partner_id.clone(), id.clone()),
        _ => (String::new(), String::new()),
    };
    let mut seen = std::collections::HashSet::with_capacity(run.len());
    let mut out: Vec<&Op> = run.iter().rev().filter(|op| seen.insert(key(op))).collect();
    out.reverse();
    out
}
