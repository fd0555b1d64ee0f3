//! What every operation of the spec shares, added once the routes are collected so that no handler
//! repeats it: the problem responses the middleware and extractors can give, and the bounds of the
//! paging parameters that `pagination` enforces.

use super::pagination::MAX_LIMIT;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// The 400 every `/v1` operation can give.
const BAD_REQUEST: &str = "Invalid request: a query parameter the operation does not declare (unknown \
     parameters are refused, never ignored), or a declared one with an invalid value; a body that is \
     not well-formed. The problem's `field` names the parameter or field at fault.";

/// Adds to every operation the responses it can give without saying so, and bounds its paging
/// parameters.
pub fn complete(api: &mut utoipa::openapi::OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        for op in operations(item) {
            for p in op.parameters.iter_mut().flatten() {
                bound_parameter(p);
            }
            if path.starts_with("/v1/") {
                add_problems(path, op);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
        &mut item.head,
        &mut item.options,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

/// What `Id::parse` accepts: 1-128 characters (at most 128 bytes of UTF-8), no '/', no control
/// characters, no surrounding whitespace, not '.' or '..'.
const ID_PATTERN: &str = r"^(?!\.\.?$)[^\s/\x00-\x1f\x7f-\x9f\ufffd](?:[^/\x00-\x1f\x7f-\x9f\ufffd]*[^\s/\x00-\x1f\x7f-\x9f\ufffd])?$";

fn id_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(128))
        .pattern(Some(ID_PATTERN))
}

fn bound_parameter(p: &mut Parameter) {
    if p.parameter_in == ParameterIn::Path {
        let description = p.description.take().unwrap_or_default();
        p.schema = Some(id_schema().into());
        p.description = Some(format!(
            "{description} (at most 128 bytes of UTF-8; no '/', control characters or surrounding spaces)"
        ));
        return;
    }
    if p.parameter_in != ParameterIn::Query {
        return;
    }
    match p.name.as_str() {
        "record_id" => p.schema = Some(id_schema().into()),
        "limit" => {
            p.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(MAX_LIMIT as f64))
                    .into(),
            );
        }
        "cursor" => {
            p.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .into(),
            );
        }
        _ => {}
    }
}

fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

fn add_problems(path: &str, op: &mut Operation) {
    let body = op.request_body.as_ref();
    let json_body = body.is_some_and(|b| b.content.contains_key("application/json"));
    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(problem(description)));
    };
    add("400", BAD_REQUEST);
    add(
        "401",
        "No valid API key: none sent, or unknown, expired or revoked",
    );
    add("403", "The key's role does not admit this operation");
    if path.contains('{') {
        add(
            "404",
            "No such entity (a partner key is answered so for any partner but its own)",
        );
    }
    if body.is_some() {
        add("413", "Body larger than the service accepts");
        add("415", "Body of a content type the operation does not read");
    }
    if json_body || path.contains('{') {
        add(
            "422",
            "A field is invalid or refers to an entity that does not exist, or a path id is one no entity can have",
        );
    }
    let too_many = problem(
        "Too many failed authentications from this client; retry after the seconds in `Retry-After`",
    );
    op.responses
        .responses
        .entry("429".to_string())
        .or_insert_with(|| RefOr::T(with_retry_after(too_many)));
}

fn with_retry_after(mut r: Response) -> Response {
    let mut h = utoipa::openapi::header::Header::new(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1)),
    );
    h.description = Some("Seconds to wait before retrying".into());
    r.headers.insert("Retry-After".into(), h);
    r
}
