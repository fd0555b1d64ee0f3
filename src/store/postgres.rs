//! The production backend: PostgreSQL through sqlx, documents as JSONB.

use super::StoreError;
use super::sql::sql_repository;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// A URL safe to print: any password replaced by `***`.
pub(crate) fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The innermost message of a connection error ("Connection refused (os error 111)"), said once.
fn first_cause(e: &sqlx::Error) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(src) = last.source() {
        last = src;
    }
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        _ => last.to_string(),
    }
}

/// A PostgreSQL-backed repository.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to a `postgres://` URL and migrates the database.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // One direct attempt first: the pool retries until its time-out and then reports only
        // "pool timed out", hiding "connection refused" or "database does not exist".
        let opts = PgConnectOptions::from_str(url)?;
        if let Err(e) = PgConnection::connect_with(&opts).await {
            return Err(StoreError::Connect {
                url: without_password(url),
                cause: first_cause(&e),
            });
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    /// PostgreSQL checkpoints on its own.
    async fn checkpoint_log(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

sql_repository!(PostgresStore, sqlx::Postgres, "postgres", "::jsonb");
