//! The embedded default: SQLite through sqlx, in WAL mode with full fsync on commit.

use super::{Op, Repository, StoreError, Table, last_wins, runs};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// A SQLite-backed repository.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite:` URL and migrates it.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives power loss, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The underlying pool, for the other stores sharing this database.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

impl Repository for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn apply<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let mut tx = self.pool.begin().await?;
            for run in runs(ops) {
                match &run[0] {
                    Op::Put { kind, .. } => {
                        let table = Table::Entity(*kind).name();
                        let mut qb: QueryBuilder<Sqlite> =
                            QueryBuilder::new(format!("INSERT INTO {table} (id, doc) "));
                        qb.push_values(last_wins(run), |mut b, op| {
                            if let Op::Put { id, doc, .. } = op {
                                b.push_bind(id.as_str()).push_bind(doc.as_str());
                            }
                        });
                        qb.push(" ON CONFLICT (id) DO UPDATE SET doc = excluded.doc");
                        qb.build().execute(&mut *tx).await?;
                    }
                    Op::PutRecord { .. } => {
                        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                            "INSERT INTO partner_records (partner_id, id, account_id, doc) ",
                        );
                        qb.push_values(last_wins(run), |mut b, op| {
                            if let Op::PutRecord { partner_id, id, account_id, doc } = op {
                                b.push_bind(partner_id.as_str())
                                    .push_bind(id.as_str())
                                    .push_bind(account_id.as_str())
                                    .push_bind(doc.as_str());
                            }
                        });
                        qb.push(
                            " ON CONFLICT (partner_id, id) DO UPDATE SET account_id = excluded.account_id, doc = excluded.doc",
                        );
                        qb.build().execute(&mut *tx).await?;
                    }
                    Op::Delete { kind, id } => {
                        let sql = format!("DELETE FROM {} WHERE id = ?", Table::Entity(*kind).name());
                        sqlx::query(&sql).bind(id.as_str()).execute(&mut *tx).await?;
                    }
                    Op::DeleteRecord { partner_id, id } => {
                        sqlx::query("DELETE FROM partner_records WHERE partner_id = ? AND id = ?")
                            .bind(partner_id.as_str())
                            .bind(id.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                    Op::DeleteRecordsOf { partner_id } => {
                        sqlx::query("DELETE FROM partner_records WHERE partner_id = ?")
                            .bind(partner_id.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                }
            }
            tx.commit().await?;
            Ok(())
        }
        .boxed()
    }

    fn scan(&self, table: Table) -> BoxStream<'_, Result<String, StoreError>> {
        sqlx::query(table.select_docs())
            .fetch(&self.pool)
            .map_ok(|row| row.get::<String, _>(0))
            .map_err(StoreError::from)
            .boxed()
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        async move {
            sqlx::query("SELECT 1").execute(&self.pool).await?;
            Ok(())
        }
        .boxed()
    }
}
