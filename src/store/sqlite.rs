//! The embedded default: SQLite through sqlx, in WAL mode with full fsync on commit.

use super::sql::sql_repository;
use super::{StoreError, Workload};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// A SQLite-backed repository.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens the database at a `sqlite:` URL (creating it when missing if `create`) and migrates it.
    pub async fn connect(url: &str, workload: Workload, create: bool) -> Result<Self, StoreError> {
        let cache_kib = match workload {
            Workload::Service => 32 * 1024,
            Workload::Bulk => 256 * 1024,
        };
        let base = SqliteConnectOptions::from_str(url)?;
        let path = base.get_filename().to_path_buf();
        let in_memory = path.as_os_str().is_empty() || path.as_os_str() == ":memory:";
        if !in_memory {
            if !create && !path.exists() {
                return Err(StoreError::Missing(path.display().to_string()));
            }
            // SQLite's own message for this is "unable to open database file", naming nothing.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                && !dir.is_dir()
            {
                return Err(StoreError::Connect {
                    url: url.to_string(),
                    cause: format!("the directory {} does not exist", dir.display()),
                });
            }
        }
        let opts = base
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives power loss, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 32 MiB of page cache per connection (256 MiB for a bulk import) instead of SQLite's
            // 2 MiB default: writes into million-row tables otherwise spill and re-read index
            // pages constantly. A negative size is in KiB.
            .pragma("cache_size", format!("-{cache_kib}"))
            // Statement journals (every multi-row upsert opens one) in memory, not temp files.
            .pragma("temp_store", "memory")
            // Checkpoint every ~64 MiB of WAL rather than every 4 MiB: index pages touched by many
            // commits are copied back once instead of many times. Durability is unchanged.
            .pragma("wal_autocheckpoint", "16384");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    /// A passive checkpoint: copies what it can of the log without waiting for readers or
    /// writers.
    async fn checkpoint_log(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

sql_repository!(SqliteStore, sqlx::Sqlite, "sqlite", "");
