//! What every request leaves behind: an `X-Request-Id` on its response, a span that every log line
//! of the request carries (id, method, route template, status, latency), and its count and latency
//! in the metrics.

use crate::telemetry::Metrics;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use std::fmt;
use std::time::Instant;
use tracing::Span;
use tracing_actix_web::{RootSpan, RootSpanBuilder};

/// The header that carries a request's id, read from requests and set on every response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client; a longer one is replaced.
pub const MAX_REQUEST_ID: usize = 128;

/// The route label of requests no route matched: one label, however many paths clients try.
pub const UNMATCHED: &str = "unmatched";

/// A request's id: the client's `X-Request-Id` when it is printable ASCII of at most
/// [`MAX_REQUEST_ID`] characters, else a new random one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// The id a request goes by, chosen on first ask and kept in the request.
    pub fn of(req: &HttpRequest) -> RequestId {
        if let Some(id) = req.extensions().get::<RequestId>() {
            return id.clone();
        }
        let given = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|s| acceptable(s));
        let id = RequestId(given.map_or_else(generate, str::to_string));
        req.extensions_mut().insert(id.clone());
        id
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn acceptable(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_REQUEST_ID && id.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// 128 random bits in hex: unique enough to find one request among all the logs ever kept.
fn generate() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The route template a request matched (`/v1/partners/{id}`), never its path, or [`UNMATCHED`].
pub fn route(req: &HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| UNMATCHED.into())
}

/// The method as a label: the standard ones, and `OTHER` for any extension method a client invents.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The root span of each request, for `tracing_actix_web::TracingLogger`.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(req: &ServiceRequest) -> Span {
        let id = RequestId::of(req.request());
        // At error level so that the span, and the request id with it, stays on the lines of a
        // request even when the filter lets through only warnings and errors.
        tracing::error_span!(
            "request",
            request_id = %id.as_str(),
            method = %method_label(req.method()),
            route = %route(req.request()),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(res) => (
                res.status(),
                res.response().error().map(ToString::to_string),
            ),
            Err(e) => (e.as_response_error().status_code(), Some(e.to_string())),
        };
        span.record("status", status.as_u16());
        match error {
            Some(error) if status.is_server_error() => {
                tracing::warn!(parent: &span, %error, "request failed");
            }
            Some(error) => tracing::info!(parent: &span, %error, "request refused"),
            None => tracing::info!(parent: &span, "request served"),
        }
    }
}

/// Middleware, inside `TracingLogger`: sets `X-Request-Id` on every response, records the
/// latency on the request's span, and counts the request in the metrics.
pub async fn record<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, Error> {
    let started = Instant::now();
    let id = RequestId::of(req.request());
    // Read before the call: the router needs the request to itself while it runs.
    let route = route(req.request());
    let method = method_label(req.method());
    let metrics = req.app_data::<Data<Metrics>>().cloned();
    let span = req.extensions().get::<RootSpan>().map(|s| Span::clone(s));
    let outcome = next.call(req).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = match &outcome {
        Ok(res) => res.status(),
        Err(e) => e.as_response_error().status_code(),
    };
    if let Some(span) = span {
        span.record("latency_ms", seconds * 1e3);
    }
    if let Some(metrics) = metrics {
        metrics.observe_request(&route, method, status.as_u16(), seconds);
    }
    let id = HeaderValue::from_str(id.as_str()).expect("request ids are printable ASCII");
    match outcome {
        Ok(mut res) => {
            res.headers_mut().insert(REQUEST_ID, id);
            Ok(res)
        }
        Err(error) => Err(WithRequestId { error, id }.into()),
    }
}

/// An error from an inner middleware (a refused key), which the server turns into a response
/// after every middleware has returned: it carries the request id into that response.
#[derive(Debug)]
struct WithRequestId {
    error: Error,
    id: HeaderValue,
}

impl fmt::Display for WithRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for WithRequestId {
    fn status_code(&self) -> StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = self.error.error_response();
        res.headers_mut().insert(REQUEST_ID, self.id.clone());
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_printable_request_id_is_kept() {
        let req = TestRequest::default()
            .insert_header(("x-request-id", "abc-123 / trace=7"))
            .to_http_request();
        assert_eq!(RequestId::of(&req).as_str(), "abc-123 / trace=7");
    }

    #[test]
    fn an_overlong_or_unprintable_request_id_is_replaced() {
        for given in ["x".repeat(MAX_REQUEST_ID + 1).as_str(), "tab\there", "é"] {
            let req = TestRequest::default()
                .insert_header(("x-request-id", given))
                .to_http_request();
            let id = RequestId::of(&req);
            assert_ne!(id.as_str(), given);
            assert_eq!(id.as_str().len(), 32);
        }
    }

    #[test]
    fn a_request_keeps_the_id_it_was_first_given() {
        let req = TestRequest::default().to_http_request();
        assert_eq!(RequestId::of(&req), RequestId::of(&req));
    }
}
