//! The service's Prometheus metrics, rendered in the text exposition format.
//!
//! Each running service has a registry of its own rather than the process-wide default, so that
//! servers sharing a process (as tests do) count apart. Request and store figures are counted as
//! they happen; graph sizes, the resolution index and the model are read at scrape time.

use crate::domain::Kind;
use crate::service::Ecosystem;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Latency buckets in seconds, for requests and store calls alike: from half a millisecond (a
/// cached read) to a minute (a bulk upload of a large account list).
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0,
];

/// The label of partner account records among the graph sizes, beside the entity kinds.
const RECORDS: &str = "partner_record";

/// Every metric ecograph exports.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_seconds: HistogramVec,
    store_seconds: HistogramVec,
    graph: IntGaugeVec,
    resolution_index: IntGauge,
    models: IntGaugeVec,
}

impl Metrics {
    /// Registers every metric in a new registry.
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("ecograph".into()), None)
            .expect("the namespace is a valid metric name");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route template, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let request_seconds = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request (to its headers), by route template and method",
            )
            .buckets(SECONDS.to_vec()),
            &["route", "method"],
        )
        .expect("valid metric");
        let store_seconds = HistogramVec::new(
            HistogramOpts::new(
                "store_operation_duration_seconds",
                "Time a store call took, by operation",
            )
            .buckets(SECONDS.to_vec()),
            &["operation"],
        )
        .expect("valid metric");
        let graph = IntGaugeVec::new(
            Opts::new("graph_entities", "Entities in the graph, by kind"),
            &["kind"],
        )
        .expect("valid metric");
        let resolution_index = IntGauge::new(
            "resolution_index_accounts",
            "Accounts in the resolution index (0 until the first resolution builds it)",
        )
        .expect("valid metric");
        let models = IntGaugeVec::new(
            Opts::new(
                "model_info",
                "Models in use, by name and version (the date it was trained); always 1",
            ),
            &["name", "version"],
        )
        .expect("valid metric");
        for m in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(request_seconds.clone()),
            Box::new(store_seconds.clone()),
            Box::new(graph.clone()),
            Box::new(resolution_index.clone()),
            Box::new(models.clone()),
        ] {
            registry.register(m).expect("metric names are distinct");
        }
        Metrics {
            registry,
            requests,
            request_seconds,
            store_seconds,
            graph,
            resolution_index,
            models,
        }
    }

    /// Counts an answered request. `route` must be a route template, never a raw path, so that
    /// the number of series stays bounded whatever clients ask for.
    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.request_seconds
            .with_label_values(&[route, method])
            .observe(seconds);
    }

    /// The store-latency histogram, labelled by operation, for the store's timing wrapper.
    pub fn store_seconds(&self) -> HistogramVec {
        self.store_seconds.clone()
    }

    /// Reads the graph's sizes, the resolution index and the model, and renders every metric.
    pub fn render(&self, eco: &Ecosystem) -> String {
        let (entities, records) = eco.read(|g| (Kind::ALL.map(|k| g.count(k)), g.record_count()));
        for (kind, n) in Kind::ALL.iter().zip(entities) {
            self.graph.with_label_values(&[kind.as_str()]).set(gauge(n));
        }
        self.graph.with_label_values(&[RECORDS]).set(gauge(records));
        self.resolution_index.set(gauge(eco.resolution_index_len()));
        let matcher = crate::matching::card::shipped_ref();
        self.models
            .with_label_values(&["matcher", &matcher.info.date])
            .set(1);
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("the text encoder writes to memory");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// A count as a gauge value (counts never approach `i64::MAX`).
fn gauge(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
