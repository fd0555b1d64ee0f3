//! A repository that times the calls made to another, for the store-latency histogram.

use super::{AuditQuery, Op, Repository, StoreError, StoredModel, Table};
use crate::domain::{ApiKey, AuditEntry, Kind};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use prometheus::HistogramVec;
use std::future::Future;
use std::sync::Arc;

/// Wraps `inner` so that each call's time is observed in `seconds`, labelled by operation.
pub fn timed(inner: Arc<dyn Repository>, seconds: HistogramVec) -> Arc<dyn Repository> {
    Arc::new(Timed { inner, seconds })
}

struct Timed {
    inner: Arc<dyn Repository>,
    seconds: HistogramVec,
}

impl Timed {
    fn time<'a, T: Send + 'a>(
        &'a self,
        operation: &'static str,
        call: impl Future<Output = T> + Send + 'a,
    ) -> BoxFuture<'a, T> {
        let histogram = self.seconds.with_label_values(&[operation]);
        Box::pin(async move {
            // Observed when dropped, so a call abandoned half-way is timed too.
            let _timer = histogram.start_timer();
            call.await
        })
    }
}

impl Repository for Timed {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    fn apply<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<(), StoreError>> {
        self.time("apply", self.inner.apply(ops))
    }

    fn scan(&self, table: Table) -> BoxStream<'_, Result<String, StoreError>> {
        // Only start-up scans, streaming whole tables; the load logs how long each one took.
        self.inner.scan(table)
    }

    fn count(&self, table: Table) -> BoxFuture<'_, Result<u64, StoreError>> {
        self.time("count", self.inner.count(table))
    }

    fn get<'a>(
        &'a self,
        kind: Kind,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        self.time("get", self.inner.get(kind, id))
    }

    fn models<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<StoredModel>, StoreError>> {
        self.time("models", self.inner.models(name))
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        self.time("ping", self.inner.ping())
    }

    fn checkpoint(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        self.time("checkpoint", self.inner.checkpoint())
    }

    fn keys(&self) -> BoxFuture<'_, Result<Vec<ApiKey>, StoreError>> {
        self.time("keys", self.inner.keys())
    }

    fn audit<'a>(
        &'a self,
        q: &'a AuditQuery,
    ) -> BoxFuture<'a, Result<Vec<AuditEntry>, StoreError>> {
        self.time("audit", self.inner.audit(q))
    }
}
