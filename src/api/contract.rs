//! What every operation of the spec shares, added once the routes are collected so that no handler
//! repeats it: the problem responses the middleware and extractors can give, and the bounds of the
//! paging parameters that `pagination` enforces.

use super::pagination::MAX_LIMIT;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn, PathItem};
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// The 400 every `/v1` operation can give.
const BAD_REQUEST: &str = "Invalid request: a query parameter the operation does not declare (unknown \
     parameters are refused, never ignored), or a declared one with an invalid value; a body that is \
     not well-formed. The problem's `field` names the parameter or field at fault.";

/// Adds to every operation the responses it can give without saying so, and bounds its paging
/// parameters.
pub fn complete(api: &mut utoipa::openapi::OpenApi) {
    describe_row_bodies(api);
    constrain_inputs(api);
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
        "record_id" | "ipp_id" => p.schema = Some(id_schema().into()),
        "as_of" => {
            let as_string = |format| {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(format)))
            };
            p.schema = Some(
                utoipa::openapi::schema::AnyOfBuilder::new()
                    .item(as_string(KnownFormat::DateTime))
                    .item(as_string(KnownFormat::Date))
                    .into(),
            );
        }
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

/// Gives NDJSON and CSV bodies, written as plain strings in the handlers, the rows they hold: an
/// array of row objects, one JSON object per line (NDJSON) or one record per line under a header
/// naming the fields (CSV). The rows of `/v1/{kind}/bulk` are the kind's input with its `id`.
fn describe_row_bodies(api: &mut utoipa::openapi::OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    for (path, item) in api.paths.paths.iter_mut() {
        let row = if path == "/v1/partners/{id}/accounts" {
            "PartnerRecordInput".to_string()
        } else if let Some(kind) = path.strip_suffix("/bulk") {
            let Some(input) = bulk_input(kind, components) else {
                continue;
            };
            input
        } else {
            continue;
        };
        for op in operations(item) {
            for (media_type, content) in op
                .request_body
                .iter_mut()
                .flat_map(|b| b.content.iter_mut())
            {
                let row = match media_type.as_str() {
                    "application/x-ndjson" => row.clone(),
                    "text/csv" => row.clone(),
                    _ => continue,
                };
                {
                    content.schema = Some(
                        ArrayBuilder::new()
                            .items(Ref::from_schema_name(row))
                            .min_items(Some(1))
                            .description(Some(
                                "The rows, one per line: a JSON object each (NDJSON), or comma-separated under a header naming the fields (CSV)",
                            ))
                            .into(),
                    );
                }
            }
        }
    }
}

/// The row schema of a kind's bulk body, `<Kind>Row`: its input schema with the `id` it is stored
/// under, added to the components on first use.
fn bulk_input(kind_path: &str, components: &mut utoipa::openapi::Components) -> Option<String> {
    if kind_path == "/v1/deal-registrations" {
        // A registration's history row carries its own `id` already.
        return Some("RegistrationInput".into());
    }
    let input = match kind_path {
        "/v1/partners" => "PartnerInput",
        "/v1/accounts" => "AccountInput",
        "/v1/deals" => "DealInput",
        "/v1/touchpoints" => "TouchpointInput",
        "/v1/plays" => "PlayInput",
        "/v1/play-runs" => "PlayRunInput",
        "/v1/ipps" => "IppInput",
        _ => return None,
    };
    let row = input.replace("Input", "Row");
    if !components.schemas.contains_key(&row) {
        let RefOr::T(Schema::Object(mut object)) = components.schemas.get(input)?.clone() else {
            return None;
        };
        object.properties.insert("id".into(), id_schema().into());
        object.required.insert(0, "id".into());
        object.description = Some(format!(
            "One row of a bulk upload: a {input} with its `id`."
        ));
        components
            .schemas
            .insert(row.clone(), RefOr::T(Schema::Object(object)));
    }
    Some(row)
}

/// Dates and times are refused outside the years 1900 to 2199 (`plausible_date`).
const PLAUSIBLE_YEAR_PATTERN: &str = r"^(19|2[01])[0-9]{2}-";

/// Text with no NUL character: JSON bodies holding one are refused wherever it appears.
const NO_NUL_PATTERN: &str = r"^[^\u0000]*$";

/// States, on the request schemas, the rules every input field obeys: strings hold no NUL, ids and
/// references to ids are what `Id::parse` accepts, and list entries (industries, products...) are
/// non-blank and at most 200 characters, as `clean_list` requires.
fn constrain_inputs(api: &mut utoipa::openapi::OpenApi) {
    let Some(components) = api.components.as_mut() else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        let request_side = name.ends_with("Input")
            || name.ends_with("Row")
            || matches!(
                name.as_str(),
                "AccountOwner"
                    | "Certification"
                    | "Sharing"
                    | "RegistrationRequest"
                    | "DecisionRequest"
                    | "FitRequest"
                    | "IppWeights"
            );
        if let (true, RefOr::T(Schema::Object(object))) = (request_side, schema) {
            let ids_checked = name != "RecordInput";
            for (field, property) in object.properties.iter_mut() {
                if let RefOr::T(property) = property {
                    let is_id = ids_checked && (field == "id" || field.ends_with("_id"));
                    constrain_field(property, is_id);
                    if let (Some(pattern), Schema::Object(o)) =
                        (code_pattern(name, field), &mut *property)
                    {
                        o.pattern = Some(pattern.into());
                    }
                    if field == "products"
                        && matches!(name.as_str(), "RegistrationRequest" | "RegistrationInput")
                        && let Schema::Array(a) = property
                    {
                        // `Claim::parse`: one product at least, 50 at most.
                        a.min_items = Some(1);
                        a.max_items = Some(crate::domain::MAX_PRODUCTS);
                    }
                    if field == "partners"
                        && matches!(name.as_str(), "RegistrationRequest" | "RegistrationInput")
                        && let Schema::Array(a) = property
                    {
                        a.max_items = Some(crate::domain::MAX_CO_PARTNERS);
                    }
                    if matches!(
                        field.as_str(),
                        "amount" | "pipeline_amount" | "annual_revenue" | "annual_program_cost"
                    ) && let Schema::Object(o) = property
                    {
                        // `Amount::parse`: finite, not negative, at most 1e15; a registration's
                        // expected value must be more than nothing (`Claim::parse`).
                        if name.starts_with("Registration") {
                            o.exclusive_minimum = Some(0.0.into());
                        } else {
                            o.minimum = Some(0.0.into());
                        }
                        o.maximum = Some(1e15.into());
                    }
                }
            }
        }
    }
}

/// Patterns of the fields that entity inputs parse into value types (`DomainName`, `CountryCode`,
/// `Currency`); blank optional text counts as absent. The domain pattern is the plain form: the
/// server also takes a URL or an e-mail address and keeps its host.
fn code_pattern(schema: &str, field: &str) -> Option<&'static str> {
    let entity = matches!(
        schema,
        "PartnerInput" | "PartnerRow" | "AccountInput" | "AccountRow"
    );
    match field {
        "domain" if entity => Some(
            r"^\s*$|^\s*(?:https?://)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\s*$",
        ),
        "country" if entity => Some(r"^\s*(?:[A-Za-z]{2})?\s*$"),
        "currency" => Some(r"^\s*[A-Za-z]{3}\s*$"),
        _ => None,
    }
}

fn constrain_field(schema: &mut Schema, is_id: bool) {
    match schema {
        Schema::Object(o) if is_string(&o.schema_type) && o.enum_values.is_none() => {
            let dated = matches!(
                o.format,
                Some(SchemaFormat::KnownFormat(
                    KnownFormat::Date | KnownFormat::DateTime
                ))
            );
            if dated {
                o.pattern = Some(PLAUSIBLE_YEAR_PATTERN.into());
            } else if is_id {
                o.min_length = Some(1);
                o.max_length = Some(128);
                o.pattern = Some(ID_PATTERN.into());
            } else if o.pattern.is_none() {
                o.pattern = Some(NO_NUL_PATTERN.into());
            }
        }
        Schema::Array(a) => {
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(item) = &mut a.items
                && let RefOr::T(Schema::Object(o)) = item.as_mut()
                && is_string(&o.schema_type)
                && o.enum_values.is_none()
            {
                o.min_length = Some(1);
                o.max_length = Some(200);
                // `\S` alone would admit a NUL, which is refused everywhere.
                o.pattern = Some(r"^[^\u0000]*[^\s\u0000][^\u0000]*$".into());
            }
        }
        _ => {}
    }
}

fn is_string(t: &utoipa::openapi::schema::SchemaType) -> bool {
    use utoipa::openapi::schema::SchemaType;
    match t {
        SchemaType::Type(Type::String) => true,
        SchemaType::Array(types) => types.contains(&Type::String),
        _ => false,
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
