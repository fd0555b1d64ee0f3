//! Authentication and authorisation for every `/v1` route.
//!
//! Each route declares the roles it admits in its OpenAPI `security` requirement (the bearer scheme
//! with role names, as OpenAPI 3.1 allows). The middleware reads that table, so a route that declares
//! nothing admits no one. Partner keys are further confined to routes under `/v1/partners/{id}` whose
//! `{id}` is their own partner; anything else is answered as if it did not exist.

use super::error::{ApiError, Code};
use crate::domain::{Id, Role};
use crate::service::{Actor, KeyRing, same_secret};
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::Utc;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::future::{Ready, ready};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The name of the bearer security scheme in the OpenAPI document.
pub const SCHEME: &str = "bearer";

/// Routes whose path starts with one of these admit a partner key for its own partner only.
pub const PARTNER_SCOPE_PREFIXES: [&str; 2] = ["/v1/partners/{id}", "/v1/mapping/partners/{id}"];

/// Routes that admit a partner key and confine it themselves: its own registrations only, other
/// partners never named to it.
pub const PARTNER_SELF_SCOPED: [&str; 2] = ["/v1/deal-registrations", "/v1/rules-of-engagement"];

/// Failures allowed for one presented credential in a window before it is answered 429 unchecked,
/// unless the operator sets another number (`--auth-failures-per-credential`). A misconfigured
/// integration retrying a wrong or revoked key is told to back off; nobody else is.
pub const DEFAULT_FAILURES_PER_CREDENTIAL: u32 = 10;
/// Failures allowed from one address in a window, unless the operator sets another number
/// (`--auth-failures-per-address`). Set high because many clients may share an address behind a
/// NAT. Past it, failing attempts and the master key are answered 429 until the window ends;
/// issued keys still work (their 256-bit secrets cannot be guessed, so they need no throttle, and
/// one client's failures must not lock out another's valid key).
pub const DEFAULT_FAILURES_PER_ADDRESS: u32 = 100;

/// How many failed authentications a credential and an address may each make in a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimits {
    /// Per presented credential.
    pub per_credential: u32,
    /// Per client address.
    pub per_address: u32,
}

impl Default for FailureLimits {
    fn default() -> Self {
        FailureLimits {
            per_credential: DEFAULT_FAILURES_PER_CREDENTIAL,
            per_address: DEFAULT_FAILURES_PER_ADDRESS,
        }
    }
}

/// The failure-counting window.
const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// How often unknown tokens may make the service re-read the keys from the store.
const REFRESH_ON_MISS: Duration = Duration::from_millis(250);

/// Failed authentications per key (an address, or a hash of a presented credential), each with the
/// start of its window.
struct Failures<K> {
    counts: Mutex<HashMap<K, (u32, Instant)>>,
    max: u32,
}

impl<K: std::hash::Hash + Eq> Failures<K> {
    fn new(max: u32) -> Self {
        Failures {
            counts: Mutex::new(HashMap::new()),
            max,
        }
    }

    /// Seconds left of the lockout of `key`, if it is locked out.
    fn locked_out(&self, key: &K) -> Option<u64> {
        let f = self.counts.lock();
        let (n, since) = f.get(key)?;
        let elapsed = since.elapsed();
        (*n >= self.max && elapsed < FAILURE_WINDOW)
            .then(|| (FAILURE_WINDOW - elapsed).as_secs().max(1))
    }

    fn record(&self, key: K) {
        let mut f = self.counts.lock();
        // Bounded whatever the traffic: expired windows are dropped once the table grows.
        if f.len() > 100_000 {
            f.retain(|_, (_, since)| since.elapsed() < FAILURE_WINDOW);
        }
        let e = f.entry(key).or_insert((0, Instant::now()));
        if e.1.elapsed() >= FAILURE_WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }
}

fn too_many(wait: u64) -> ApiError {
    ApiError::new(
        Code::TooManyRequests,
        "too many failed authentications; wait before retrying",
    )
    .retry_after(wait)
}

/// Who is calling, established by the middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Key id, or `master` / `open`.
    pub key_id: String,
    /// Its role.
    pub role: Role,
    /// For a partner key, its partner.
    pub partner_id: Option<Id>,
}

/// How requests are authenticated.
pub struct AccessControl {
    /// The master key; without one the service runs open (loopback only).
    pub master_key: Option<String>,
    /// Issued keys.
    pub keys: Arc<KeyRing>,
    /// Roles admitted per route, read from the OpenAPI document.
    pub routes: RouteTable,
    by_address: Failures<IpAddr>,
    by_credential: Failures<[u8; 32]>,
}

impl AccessControl {
    /// Builds the access table from the OpenAPI document's security requirements.
    pub fn new(
        master_key: Option<String>,
        keys: Arc<KeyRing>,
        spec: &utoipa::openapi::OpenApi,
        limits: FailureLimits,
    ) -> Self {
        AccessControl {
            master_key,
            keys,
            routes: RouteTable::from_spec(spec),
            by_address: Failures::new(limits.per_address),
            by_credential: Failures::new(limits.per_credential),
        }
    }

    /// The caller a request's credentials establish.
    ///
    /// A valid issued key is always accepted. Failures are counted per presented credential and
    /// per address, separately: a credential that keeps failing is answered 429 without being
    /// checked, and an address past its limit gets 429 for failing attempts and for the master
    /// key (which a person chose, so it could be guessed), never for a valid issued key.
    pub async fn authenticate(&self, req: &HttpRequest) -> Result<Caller, ApiError> {
        let Some(master) = &self.master_key else {
            return Ok(Caller {
                key_id: "open".into(),
                role: Role::Admin,
                partner_id: None,
            });
        };
        let ip = req.peer_addr().map(|a| a.ip());
        let address_wait = ip.and_then(|ip| self.by_address.locked_out(&ip));
        let Some(token) = bearer(req) else {
            return Err(match address_wait {
                Some(wait) => too_many(wait),
                None => ApiError::new(
                    Code::Unauthorized,
                    "send an API key as 'Authorization: Bearer <key>'",
                ),
            });
        };
        let credential: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(wait) = self.by_credential.locked_out(&credential) {
            return Err(too_many(wait));
        }
        if let Some(key) = self.issued_key(token).await {
            return Ok(key);
        }
        if let Some(wait) = address_wait {
            return Err(too_many(wait));
        }
        if same_secret(token, master) {
            return Ok(Caller {
                key_id: "master".into(),
                role: Role::Admin,
                partner_id: None,
            });
        }
        self.by_credential.record(credential);
        if let Some(ip) = ip {
            self.by_address.record(ip);
        }
        Err(ApiError::new(
            Code::Unauthorized,
            "the API key is unknown, revoked or expired",
        ))
    }

    /// Whether the request's bearer token is `secret`, one a person chose (the metrics token) and
    /// so throttled as the master key is: while the credential or the address is locked out, the
    /// right secret gets 429, as a wrong one does. A mismatch is not counted here: the caller goes
    /// on to [`AccessControl::authenticate`], which counts it.
    pub fn presents(&self, req: &HttpRequest, secret: &str) -> Result<bool, ApiError> {
        let Some(token) = bearer(req) else {
            return Ok(false);
        };
        if !same_secret(token, secret) {
            return Ok(false);
        }
        let credential: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let wait = self.by_credential.locked_out(&credential).or_else(|| {
            req.peer_addr()
                .and_then(|a| self.by_address.locked_out(&a.ip()))
        });
        match wait {
            Some(wait) => Err(too_many(wait)),
            None => Ok(true),
        }
    }

    /// The caller of a live issued key; a token the ring does not know makes it re-read the store
    /// (at most every [`REFRESH_ON_MISS`]), so keys created from the command line work at once.
    async fn issued_key(&self, token: &str) -> Option<Caller> {
        let caller = |k: crate::domain::ApiKey| Caller {
            key_id: k.id,
            role: k.role,
            partner_id: k.partner_id,
        };
        if let Some(k) = self.keys.verify(token, Utc::now()) {
            return Some(caller(k));
        }
        if !token.starts_with(crate::service::TOKEN_PREFIX) {
            return None;
        }
        match self.keys.refresh_if_older(REFRESH_ON_MISS).await {
            Ok(true) => self.keys.verify(token, Utc::now()).map(caller),
            Ok(false) => None,
            Err(e) => {
                tracing::warn!(error = %e, "could not re-read the API keys from the store");
                None
            }
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header, if the request has one.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// One declared operation: its method, path pattern and admitted roles.
#[derive(Debug, Clone)]
pub struct RouteRule {
    /// HTTP method, upper case.
    pub method: String,
    /// The OpenAPI path pattern, e.g. `/v1/partners/{id}`.
    pub pattern: String,
    segments: Vec<String>,
    /// Roles admitted.
    pub roles: Vec<Role>,
}

impl RouteRule {
    fn matches(&self, path: &[&str]) -> bool {
        self.segments.len() == path.len()
            && self
                .segments
                .iter()
                .zip(path)
                .all(|(s, p)| s.starts_with('{') || s == p)
    }

    fn literal_segments(&self) -> usize {
        self.segments.iter().filter(|s| !s.starts_with('{')).count()
    }
}

/// What the access table says of a request.
#[derive(Debug)]
pub enum RouteMatch<'a> {
    /// The operation that serves it.
    Declared(&'a RouteRule),
    /// The path is declared, not with this method.
    OtherMethods,
    /// No declared path matches.
    Undeclared,
}

/// Every declared operation, read from the security requirements of the OpenAPI document.
#[derive(Debug, Clone, Default)]
pub struct RouteTable(Vec<RouteRule>);

impl RouteTable {
    /// Reads the table from an OpenAPI document.
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        let doc = serde_json::to_value(spec).expect("OpenAPI documents serialise");
        let mut rules = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let roles: Vec<Role> = op["security"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|req| req[SCHEME].as_array())
                    .flatten()
                    .filter_map(|r| r.as_str().and_then(Role::parse))
                    .collect();
                rules.push(RouteRule {
                    method: method.to_ascii_uppercase(),
                    pattern: path.clone(),
                    segments: path.split('/').map(str::to_string).collect(),
                    roles,
                });
            }
        }
        RouteTable(rules)
    }

    /// The operation a request reaches. Literal segments win over parameters, as in the router
    /// (`/v1/partners/bulk` is not `/v1/partners/{id}`).
    pub fn find(&self, method: &str, path: &str) -> RouteMatch<'_> {
        let segs: Vec<&str> = path.split('/').collect();
        let mut any = false;
        let mut best: Option<&RouteRule> = None;
        for r in self.0.iter().filter(|r| r.matches(&segs)) {
            any = true;
            if r.method == method
                && best.is_none_or(|b| r.literal_segments() > b.literal_segments())
            {
                best = Some(r);
            }
        }
        match (best, any) {
            (Some(r), _) => RouteMatch::Declared(r),
            (None, true) => RouteMatch::OtherMethods,
            (None, false) => RouteMatch::Undeclared,
        }
    }

    /// Every declared operation.
    pub fn rules(&self) -> &[RouteRule] {
        &self.0
    }
}

/// The partner id a partner-scoped route is asked for: the path segment where its pattern has `{id}`.
fn path_partner(pattern: &str, path: &str) -> Option<String> {
    let at = pattern.split('/').position(|s| s == "{id}")?;
    let seg = path.split('/').nth(at)?;
    percent_encoding::percent_decode_str(seg)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// The middleware: authenticate, then admit by role and partner scope.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    if !req.path().starts_with("/v1/") && req.path() != "/v1" {
        return next.call(req).await;
    }
    let ac = req
        .app_data::<Data<AccessControl>>()
        .cloned()
        .ok_or_else(|| {
            ApiError::internal(&std::io::Error::other("access control is not configured"))
        })?;
    let caller = ac.authenticate(req.request()).await?;
    let rule = match ac.routes.find(req.method().as_str(), req.path()) {
        RouteMatch::Declared(rule) => rule,
        RouteMatch::OtherMethods => {
            return Err(ApiError::new(
                Code::MethodNotAllowed,
                format!("{} is not allowed on {}", req.method(), req.path()),
            )
            .into());
        }
        // A path the router serves but the document does not declare admits no one.
        RouteMatch::Undeclared if req.match_pattern().is_some() => {
            return Err(ApiError::new(Code::Forbidden, "this route declares no roles").into());
        }
        RouteMatch::Undeclared => return next.call(req).await,
    };
    if !rule.roles.contains(&caller.role) {
        return Err(ApiError::new(
            Code::Forbidden,
            format!(
                "a {} key may not use {} {}",
                caller.role, rule.method, rule.pattern
            ),
        )
        .into());
    }
    let self_scoped = PARTNER_SELF_SCOPED
        .iter()
        .any(|p| rule.pattern.starts_with(p));
    if caller.role == Role::Partner && !self_scoped {
        let own = caller.partner_id.as_ref().map(Id::as_str);
        let scoped = PARTNER_SCOPE_PREFIXES
            .iter()
            .any(|p| rule.pattern.starts_with(p));
        let asked = path_partner(&rule.pattern, req.path());
        if !scoped || asked.as_deref() != own {
            return Err(ApiError::new(
                Code::NotFound,
                format!("partner '{}' does not exist", asked.unwrap_or_default()),
            )
            .into());
        }
    }
    req.extensions_mut().insert(caller);
    next.call(req).await
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.extensions().get::<Caller>().cloned().ok_or_else(|| {
            ApiError::new(
                Code::Unauthorized,
                "no caller was established for this request",
            )
        }))
    }
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = match Caller::from_request(req, payload).into_inner() {
            Ok(c) => c,
            Err(e) => return ready(Err(e)),
        };
        let route = format!(
            "{} {}",
            req.method(),
            req.match_pattern()
                .unwrap_or_else(|| req.path().to_string())
        );
        ready(Ok(Actor {
            key_id: caller.key_id,
            role: caller.role,
            route,
        }))
    }
}
