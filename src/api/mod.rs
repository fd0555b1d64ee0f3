//! The HTTP layer: parses requests into domain types, calls the service, renders JSON. It holds no
//! business rules.

pub mod auth;
pub mod entities;
pub mod error;
pub mod extract;
pub mod health;
pub mod keys;
pub mod lists;
pub mod mapping;
pub mod matching;
pub mod metrics;
pub mod observe;
pub mod pagination;
pub mod query;
pub mod records;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
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
    components(schemas(error::Problem)),
    modifiers(&BearerScheme),
    tags(
        (name = "partners", description = "Partners and applicants, their account lists and deals"),
        (name = "accounts", description = "Companies, with their partners and deals"),
        (name = "deals", description = "Opportunities with their partner participants"),
        (name = "touchpoints", description = "Partner interactions over time"),
        (name = "plays", description = "Go-to-market plays"),
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
    let (app, spec) = App::new()
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
                .service(mapping::targets),
        )
        .split_for_parts();
    let app = app
        .app_data(Data::new(limits))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .default_service(web::to(no_route))
        .wrap(actix_web::middleware::from_fn(auth::guard));
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
