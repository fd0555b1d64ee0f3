//! The production backend: PostgreSQL through sqlx, documents as JSONB.

use super::StoreError;
use super::sql::sql_repository;
use sqlx::postgres::{PgPool, PgPoolOptions};
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
}

sql_repository!(PostgresStore, sqlx::Postgres, "postgres", "::jsonb");
