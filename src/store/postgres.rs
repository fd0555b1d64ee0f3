//! The production backend: PostgreSQL through sqlx, documents as JSONB.

use super::{Op, Repository, StoreError, Table, last_wins, runs};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, QueryBuilder, Row};
use std::time::Duration;

/// A PostgreSQL-backed repository.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to a `postgres://` URL and migrates the database.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The underlying pool, for the other stores sharing this database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl Repository for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn apply<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let mut tx = self.pool.begin().await?;
            for run in runs(ops) {
                match &run[0] {
                    Op::Put { kind, .. } => {
                        let table = Table::Entity(*kind).name();
                        let mut qb: QueryBuilder<Postgres> =
                            QueryBuilder::new(format!("INSERT INTO {table} (id, doc) "));
                        qb.push_values(last_wins(run), |mut b, op| {
                            if let Op::Put { id, doc, .. } = op {
                                b.push_bind(id.as_str())
                                    .push_bind(doc.as_str())
                                    .push_unseparated("::jsonb");
                            }
                        });
                        qb.push(" ON CONFLICT (id) DO UPDATE SET doc = excluded.doc");
                        qb.build().execute(&mut *tx).await?;
                    }
                    Op::PutRecord { .. } => {
                        let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
                            "INSERT INTO partner_records (partner_id, id, account_id, doc) ",
                        );
                        qb.push_values(last_wins(run), |mut b, op| {
                            if let Op::PutRecord { partner_id, id, account_id, doc } = op {
                                b.push_bind(partner_id.as_str())
                                    .push_bind(id.as_str())
                                    .push_bind(account_id.as_str())
                                    .push_bind(doc.as_str())
                                    .push_unseparated("::jsonb");
                            }
                        });
                        qb.push(
                            " ON CONFLICT (partner_id, id) DO UPDATE SET account_id = excluded.account_id, doc = excluded.doc",
                        );
                        qb.build().execute(&mut *tx).await?;
                    }
                    Op::Delete { kind, id } => {
                        let sql = format!("DELETE FROM {} WHERE id = $1", Table::Entity(*kind).name());
                        sqlx::query(&sql).bind(id.as_str()).execute(&mut *tx).await?;
                    }
                    Op::DeleteRecord { partner_id, id } => {
                        sqlx::query("DELETE FROM partner_records WHERE partner_id = $1 AND id = $2")
                            .bind(partner_id.as_str())
                            .bind(id.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                    Op::DeleteRecordsOf { partner_id } => {
                        sqlx::query("DELETE FROM partner_records WHERE partner_id = $1")
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
