//! The SQL both backends share, written once over sqlx's `QueryBuilder` (which emits each backend's
//! placeholders) and instantiated per backend by [`sql_repository!`].

/// Stored text form of a time: fixed-width RFC 3339 in UTC, so text order is time order.
pub(crate) fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Parses a stored time.
pub(crate) fn parse_ts(s: &str) -> Result<chrono::DateTime<chrono::Utc>, sqlx::Error> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Implements [`super::Repository`] for a store type with a `pool` field of backend `$db`;
/// `$json` is the cast appended to document parameters (`::jsonb` on PostgreSQL).
macro_rules! sql_repository {
    ($store:ty, $db:ty, $backend:literal, $json:literal) => {
        impl $crate::store::Repository for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            fn checkpoint(
                &self,
            ) -> futures_util::future::BoxFuture<'_, Result<(), $crate::store::StoreError>> {
                Box::pin(self.checkpoint_log())
            }

            fn apply<'a>(
                &'a self,
                ops: &'a [$crate::store::Op],
            ) -> futures_util::future::BoxFuture<'a, Result<(), $crate::store::StoreError>> {
                use $crate::store::{last_wins, runs, Op, Table};
                use futures_util::FutureExt;
                use sqlx::QueryBuilder;
                async move {
                    let mut tx = self.pool.begin().await?;
                    for run in runs(ops) {
                        let mut qb: QueryBuilder<$db>;
                        match &run[0] {
                            Op::Put { kind, .. } => {
                                qb = QueryBuilder::new(format!("INSERT INTO {} (id, doc) ", Table::Entity(*kind).name()));
                                qb.push_values(last_wins(run), |mut b, op| {
                                    if let Op::Put { id, doc, .. } = op {
                                        b.push_bind(id.clone()).push_bind(doc.clone()).push_unseparated($json);
                                    }
                                });
                                qb.push(" ON CONFLICT (id) DO UPDATE SET doc = excluded.doc");
                            }
                            Op::PutRecord { .. } => {
                                qb = QueryBuilder::new("INSERT INTO partner_records (partner_id, id, account_id, doc) ");
                                qb.push_values(last_wins(run), |mut b, op| {
                                    if let Op::PutRecord { partner_id, id, account_id, doc } = op {
                                        b.push_bind(partner_id.clone())
                                            .push_bind(id.clone())
                                            .push_bind(account_id.clone())
                                            .push_bind(doc.clone())
                                            .push_unseparated($json);
                                    }
                                });
                                qb.push(" ON CONFLICT (partner_id, id) DO UPDATE SET account_id = excluded.account_id, doc = excluded.doc");
                            }
                            Op::Delete { kind, id } => {
                                qb = QueryBuilder::new(format!("DELETE FROM {} WHERE id = ", Table::Entity(*kind).name()));
                                qb.push_bind(id.clone());
                            }
                            Op::DeleteRecord { partner_id, id } => {
                                qb = QueryBuilder::new("DELETE FROM partner_records WHERE partner_id = ");
                                qb.push_bind(partner_id.clone()).push(" AND id = ").push_bind(id.clone());
                            }
                            Op::DeleteRecordsOf { partner_id } => {
                                qb = QueryBuilder::new("DELETE FROM partner_records WHERE partner_id = ");
                                qb.push_bind(partner_id.clone());
                            }
                            Op::PutKey(k) => {
                                qb = QueryBuilder::new(
                                    "INSERT INTO api_keys (id, name, role, partner_id, secret_hash, created_at, expires_at, revoked_at) ",
                                );
                                qb.push_values(std::iter::once(k), |mut b, k| {
                                    b.push_bind(k.id.clone())
                                        .push_bind(k.name.clone())
                                        .push_bind(k.role.as_str())
                                        .push_bind(k.partner_id.as_ref().map(|p| p.to_string()))
                                        .push_bind(k.secret_hash.clone())
                                        .push_bind($crate::store::sql::ts(k.created_at))
                                        .push_bind(k.expires_at.map($crate::store::sql::ts))
                                        .push_bind(k.revoked_at.map($crate::store::sql::ts));
                                });
                                qb.push(" ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at, expires_at = excluded.expires_at, name = excluded.name");
                            }
                            Op::PutModel(m) => {
                                qb = QueryBuilder::new("INSERT INTO models (id, name, created_at, doc) ");
                                qb.push_values(std::iter::once(m), |mut b, m| {
                                    b.push_bind(m.id.clone())
                                        .push_bind(m.name.clone())
                                        .push_bind($crate::store::sql::ts(m.created_at))
                                        .push_bind(m.doc.clone())
                                        .push_unseparated($json);
                                });
                            }
                            Op::Audit(a) => {
                                let mut head: QueryBuilder<$db> =
                                    QueryBuilder::new("INSERT INTO audit (id, at, key_id, role, route, records) ");
                                head.push_values(std::iter::once(a), |mut b, a| {
                                    b.push_bind(a.id.clone())
                                        .push_bind($crate::store::sql::ts(a.at))
                                        .push_bind(a.key_id.clone())
                                        .push_bind(a.role.as_str())
                                        .push_bind(a.route.clone())
                                        .push_bind(a.records as i64);
                                });
                                head.build().execute(&mut *tx).await?;
                                if a.record_ids.is_empty() {
                                    continue;
                                }
                                qb = QueryBuilder::new("INSERT INTO audit_records (audit_id, kind, record_id) ");
                                qb.push_values(a.record_ids.iter(), |mut b, r| {
                                    let (kind, id) = r.split_once(':').unwrap_or(("", r.as_str()));
                                    b.push_bind(a.id.clone()).push_bind(kind.to_string()).push_bind(id.to_string());
                                });
                            }
                        }
                        qb.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }
                .boxed()
            }

            fn scan(
                &self,
                table: $crate::store::Table,
            ) -> futures_util::stream::BoxStream<'_, Result<String, $crate::store::StoreError>> {
                use futures_util::{StreamExt, TryStreamExt};
                use sqlx::Row;
                sqlx::query(table.select_docs())
                    .fetch(&self.pool)
                    .map_ok(|row| row.get::<String, _>(0))
                    .map_err($crate::store::StoreError::from)
                    .boxed()
            }

            fn count(
                &self,
                table: $crate::store::Table,
            ) -> futures_util::future::BoxFuture<'_, Result<u64, $crate::store::StoreError>> {
                use futures_util::FutureExt;
                async move {
                    let n: i64 = sqlx::query_scalar(table.count_rows()).fetch_one(&self.pool).await?;
                    Ok(u64::try_from(n).unwrap_or(0))
                }
                .boxed()
            }

            fn get<'a>(
                &'a self,
                kind: $crate::domain::Kind,
                id: &'a str,
            ) -> futures_util::future::BoxFuture<'a, Result<Option<String>, $crate::store::StoreError>> {
                use futures_util::FutureExt;
                use sqlx::QueryBuilder;
                async move {
                    let mut qb: QueryBuilder<$db> = QueryBuilder::new(format!(
                        "SELECT CAST(doc AS TEXT) FROM {} WHERE id = ",
                        $crate::store::Table::Entity(kind).name()
                    ));
                    qb.push_bind(id.to_string());
                    let doc: Option<String> = qb.build_query_scalar().fetch_optional(&self.pool).await?;
                    Ok(doc)
                }
                .boxed()
            }

            fn models<'a>(
                &'a self,
                name: &'a str,
            ) -> futures_util::future::BoxFuture<'a, Result<Vec<$crate::store::StoredModel>, $crate::store::StoreError>> {
                use futures_util::FutureExt;
                use sqlx::{QueryBuilder, Row};
                async move {
                    let mut qb: QueryBuilder<$db> = QueryBuilder::new(
                        "SELECT id, name, created_at, CAST(doc AS TEXT) FROM models WHERE name = ",
                    );
                    qb.push_bind(name.to_string()).push(" ORDER BY created_at DESC, id DESC");
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    rows.into_iter()
                        .map(|r| {
                            Ok($crate::store::StoredModel {
                                id: r.get(0),
                                name: r.get(1),
                                created_at: $crate::store::sql::parse_ts(&r.get::<String, _>(2))?,
                                doc: r.get(3),
                            })
                        })
                        .collect::<Result<Vec<_>, sqlx::Error>>()
                        .map_err(Into::into)
                }
                .boxed()
            }

            fn ping(&self) -> futures_util::future::BoxFuture<'_, Result<(), $crate::store::StoreError>> {
                use futures_util::FutureExt;
                async move {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }
                .boxed()
            }

            fn keys(
                &self,
            ) -> futures_util::future::BoxFuture<'_, Result<Vec<$crate::domain::ApiKey>, $crate::store::StoreError>> {
                use futures_util::FutureExt;
                use sqlx::Row;
                async move {
                    let rows = sqlx::query(
                        "SELECT id, name, role, partner_id, secret_hash, created_at, expires_at, revoked_at FROM api_keys ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    let opt_ts = |s: Option<String>| s.map(|s| $crate::store::sql::parse_ts(&s)).transpose();
                    rows.into_iter()
                        .map(|r| {
                            let role: String = r.get(2);
                            Ok($crate::domain::ApiKey {
                                id: r.get(0),
                                name: r.get(1),
                                role: $crate::domain::Role::parse(&role)
                                    .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
                                partner_id: r
                                    .get::<Option<String>, _>(3)
                                    .map(|p| $crate::domain::Id::parse("partner_id", &p))
                                    .transpose()
                                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                                secret_hash: r.get(4),
                                created_at: $crate::store::sql::parse_ts(&r.get::<String, _>(5))?,
                                expires_at: opt_ts(r.get(6))?,
                                revoked_at: opt_ts(r.get(7))?,
                            })
                        })
                        .collect::<Result<Vec<_>, sqlx::Error>>()
                        .map_err(Into::into)
                }
                .boxed()
            }

            fn audit<'a>(
                &'a self,
                q: &'a $crate::store::AuditQuery,
            ) -> futures_util::future::BoxFuture<'a, Result<Vec<$crate::domain::AuditEntry>, $crate::store::StoreError>> {
                use futures_util::FutureExt;
                use sqlx::{QueryBuilder, Row};
                async move {
                    let mut qb: QueryBuilder<$db> =
                        QueryBuilder::new("SELECT a.id, a.at, a.key_id, a.role, a.route, a.records FROM audit a WHERE 1 = 1");
                    if let Some(k) = &q.key_id {
                        qb.push(" AND a.key_id = ").push_bind(k.clone());
                    }
                    if let Some(t) = q.since {
                        qb.push(" AND a.at >= ").push_bind($crate::store::sql::ts(t));
                    }
                    if let Some(t) = q.until {
                        qb.push(" AND a.at < ").push_bind($crate::store::sql::ts(t));
                    }
                    if let Some(c) = &q.after {
                        qb.push(" AND a.id > ").push_bind(c.clone());
                    }
                    if let Some(r) = &q.record_id {
                        qb.push(" AND EXISTS (SELECT 1 FROM audit_records r WHERE r.audit_id = a.id AND r.record_id = ")
                            .push_bind(r.clone())
                            .push(")");
                    }
                    qb.push(" ORDER BY a.id LIMIT ").push_bind(q.limit as i64);
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in rows {
                        let role: String = r.get(3);
                        out.push($crate::domain::AuditEntry {
                            id: r.get(0),
                            at: $crate::store::sql::parse_ts(&r.get::<String, _>(1))?,
                            key_id: r.get(2),
                            role: $crate::domain::Role::parse(&role)
                                .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
                            route: r.get(4),
                            records: r.get::<i64, _>(5) as u64,
                            record_ids: Vec::new(),
                        });
                    }
                    if !out.is_empty() {
                        let mut qb: QueryBuilder<$db> =
                            QueryBuilder::new("SELECT audit_id, kind, record_id FROM audit_records WHERE audit_id IN (");
                        let mut sep = qb.separated(", ");
                        for e in &out {
                            sep.push_bind(e.id.clone());
                        }
                        qb.push(")");
                        for r in qb.build().fetch_all(&self.pool).await? {
                            let id: String = r.get(0);
                            if let Some(e) = out.iter_mut().find(|e| e.id == id) {
                                e.record_ids.push(format!("{}:{}", r.get::<String, _>(1), r.get::<String, _>(2)));
                            }
                        }
                    }
                    Ok(out)
                }
                .boxed()
            }
        }
    };
}

pub(crate) use sql_repository;
