//! The HTTP layer: parses requests into domain types, calls the service, renders JSON. It holds no
//! business rules.

pub mod auth;
pub mod contract;
pub mod entities;
pub mod error;
pub mod extract;
pub mod health;
pub mod intel;
pub mod keys;
pub mod lists;
pub mod mapping;
pub mod matching;
pub mod metrics;
pub mod models;
pub mod observe;
pub mod pagination;
pub mod query;
pub mod records;
pub mod registrations;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{self, Data};
use actix_web::{App, HttpRequest, HttpResponse};
use error::{ApiError, Code};
use extract::Limits;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};

/// The parts of the spec not generated from handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ecograph",
        description = "Partner-ecosystem intelligence: partners, accounts, deals and touchpoints as one property graph.",
        license(name = "Apache-2.0")
    ),
    components(schemas(error::Problem, crate::domain::PartnerRecordInput)),
    modifiers(&BearerScheme),
    tags(
        (name = "partners", description = "Partners and applicants, their account lists and deals"),
        (name = "accounts", description = "Companies, with their partners and deals"),
        (name = "deals", description = "Opportunities with their partner participants"),
        (name = "touchpoints", description = "Partner interactions over time"),
        (name = "plays", description = "Go-to-market plays"),
        (name = "play-runs", description = "Partners running plays, with their outcomes"),
        (name = "ipps", description = "Ideal Partner Profiles"),
        (name = "matching", description = "Entity resolution: matching company records with evidence"),
        (name = "mapping", description = "Account mapping: overlaps between the vendor and partners, by population"),
        (name = "access", description = "API keys and the audit log"),
        (name = "health", description = "Liveness and readiness"),
        (name = "metrics", description = "Prometheus metrics"),
    )
)]
struct ApiDoc;

/// Declares the bearer scheme whose requirement on each route lists the roles it admits.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API key (or the master key) as `Authorization: Bearer <key>`. Each operation lists the roles it admits; \
                 a `partner` key reaches only routes under /v1/partners/{id} and /v1/mapping/partners/{id} for its own partner.",
            ))
            .build();
        api.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(auth::SCHEME, SecurityScheme::Http(scheme));
    }
}

/// Answers requests no route matched: 405 when the path exists with other methods, else 404.
async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if req.match_pattern().is_some() {
        Err(ApiError::new(
            Code::MethodNotAllowed,
            format!("{} is not allowed on {}", req.method(), req.path()),
        ))
    } else {
        Err(ApiError::new(
            Code::RouteNotFound,
            format!("no route {} {}", req.method(), req.path()),
        ))
    }
}

/// Answers a method the spec does not declare on a path it does with 405 and the methods it has
/// (`Allow`, as RFC 9110 asks). The spec is public, so this comes before authentication.
async fn refuse_undeclared_method(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let allow = req
        .app_data::<Data<query::DeclaredQueries>>()
        .map(|table| table.methods(req.path()).join(", "))
        .unwrap_or_default();
    let declared = allow.split(", ").any(|m| m == req.method().as_str());
    if allow.is_empty() || declared {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let err = ApiError::new(
        Code::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), req.path()),
    );
    let mut res = actix_web::ResponseError::error_response(&err);
    if let Ok(v) = HeaderValue::from_str(&allow) {
        res.headers_mut().insert(header::ALLOW, v);
    }
    Ok(req.into_response(res).map_into_boxed_body())
}

fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(Code::InvalidQuery, format!("invalid path: {err}")).into()
}

/// Builds the application with every route, and the OpenAPI document generated from the same routes.
///
/// The caller adds the service handle with `.app_data(Data<Ecosystem>)` and the access control
/// (built from the returned document) with `.app_data(Data<AccessControl>)`.
pub fn app(
    limits: Limits,
) -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    let (app, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(
            scope::scope("/v1")
                .service(entities::partners::put)
                .service(entities::partners::get)
                .service(entities::partners::bulk)
                .service(entities::delete_partner)
                .service(lists::list_partners)
                .service(lists::partner_deals)
                .service(lists::partner_touchpoints)
                .service(lists::partner_play_runs)
                .service(lists::partner_accounts)
                .service(records::put_partner_accounts)
                .service(records::get_partner_account)
                .service(records::delete_partner_account)
                .service(entities::accounts::put)
                .service(entities::accounts::get)
                .service(entities::accounts::bulk)
                .service(entities::delete_account)
                .service(lists::list_accounts)
                .service(lists::account_partners)
                .service(lists::account_deals)
                .service(lists::account_touchpoints)
                .service(entities::deals::put)
                .service(entities::deals::get)
                .service(entities::deals::bulk)
                .service(entities::delete_deal)
                .service(lists::list_deals)
                .service(lists::deal_touchpoints)
                .service(entities::touchpoints::put)
                .service(entities::touchpoints::get)
                .service(entities::touchpoints::bulk)
                .service(entities::delete_touchpoint)
                .service(lists::list_touchpoints)
                .service(entities::play_runs::put)
                .service(entities::play_runs::get)
                .service(entities::play_runs::bulk)
                .service(entities::delete_play_run)
                .service(lists::list_play_runs)
                .service(entities::plays::put)
                .service(entities::plays::get)
                .service(entities::plays::bulk)
                .service(entities::delete_play)
                .service(lists::list_plays)
                .service(entities::ipps::put)
                .service(entities::ipps::get)
                .service(entities::ipps::bulk)
                .service(entities::delete_ipp)
                .service(lists::list_ipps)
                .service(keys::create_key)
                .service(keys::list_keys)
                .service(keys::get_key)
                .service(keys::revoke_key)
                .service(keys::list_audit)
                .service(matching::match_records)
                .service(matching::resolve_entity)
                .service(mapping::matrix)
                .service(mapping::overlaps)
                .service(mapping::partner_overlaps)
                .service(mapping::targets)
                .service(registrations::register)
                .service(registrations::assess)
                .service(registrations::list)
                .service(registrations::bulk)
                .service(registrations::get_one)
                .service(registrations::decide)
                .service(registrations::rules)
                .service(registrations::predicted)
                .service(intel::account_recommendations)
                .service(intel::deal_recommendations)
                .service(intel::partner_fit)
                .service(intel::applicant_fit)
                .service(intel::recruiting_candidates)
                .service(intel::play_recommendations)
                .service(models::list)
                .service(models::reload),
        )
        .split_for_parts();
    contract::complete(&mut spec);
    let app = app
        .app_data(Data::new(limits))
        .app_data(Data::new(query::DeclaredQueries::from_spec(&spec)))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .default_service(web::to(no_route))
        // Authentication runs first (the last `wrap` is outermost): an unknown caller learns nothing
        // of an operation's parameters.
        .wrap(actix_web::middleware::from_fn(query::refuse_undeclared))
        .wrap(actix_web::middleware::from_fn(auth::guard))
        .wrap(actix_web::middleware::from_fn(refuse_undeclared_method));
    (app, spec)
}

/// The OpenAPI document of the whole API.
pub fn spec() -> utoipa::openapi::OpenApi {
    app(Limits::default()).1
}

/// The OpenAPI document as YAML, as committed in `openapi.yaml`.
pub fn openapi_yaml() -> String {
    spec()
        .to_yaml()
        .expect("the OpenAPI document serialises to YAML")
}
