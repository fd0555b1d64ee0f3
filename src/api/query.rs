//! The query-string extractor: like actix's `web::Query`, but a value it cannot read is reported
//! with the parameter it came from (`field: "limit"`), not only serde's message.

use super::error::{ApiError, Code};
use super::extract::field_named_by;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashMap};
use std::future::{Ready, ready};

/// Query parameters deserialised into `T`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The parameters.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Reads `T` from a query string, naming the parameter at fault on failure.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.into_inner().to_string();
        let field = field_named_by(&msg)
            .map(str::to_string)
            .or_else(|| (path != ".").then_some(path));
        match field {
            Some(f) => ApiError::new(
                Code::InvalidQuery,
                format!("invalid query parameter `{f}`: {msg}"),
            )
            .field(f),
            None => ApiError::new(Code::InvalidQuery, format!("invalid query string: {msg}")),
        }
    })
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query))
    }
}

/// The operations of the spec, by method and route pattern, with the query parameters each
/// declares.
#[derive(Debug, Default)]
pub struct DeclaredQueries {
    params: HashMap<(String, String), BTreeSet<String>>,
    /// Each operation's method, pattern segments and count of literal segments, split once here
    /// because [`DeclaredQueries::methods`] runs on every request.
    routes: Vec<(String, Vec<String>, usize)>,
}

impl DeclaredQueries {
    /// Reads the declared query parameters of every operation from the spec.
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        use utoipa::openapi::path::ParameterIn;
        let mut table = HashMap::new();
        for (path, item) in spec.paths.paths.iter() {
            let ops = [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                let names = op
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| p.parameter_in == ParameterIn::Query)
                    .map(|p| p.name.clone())
                    .collect();
                table.insert((method.to_string(), path.clone()), names);
            }
        }
        let routes = table
            .keys()
            .map(|(method, pattern): &(String, String)| {
                let segments: Vec<String> = pattern.split('/').map(str::to_string).collect();
                let literals = segments.iter().filter(|s| !s.starts_with('{')).count();
                (method.clone(), segments, literals)
            })
            .collect();
        DeclaredQueries {
            params: table,
            routes,
        }
    }

    /// The methods the spec declares on any route pattern that matches `path`, for `Allow`.
    pub fn methods(&self, path: &str) -> Vec<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        let matches = |p: &[String]| {
            p.len() == segments.len()
                && p.iter()
                    .zip(&segments)
                    .all(|(p, s)| p.starts_with('{') || p == s)
        };
        // `/v1/partners/bulk` is that route, not `/v1/partners/{id}`: the most literal patterns win.
        let best = self
            .routes
            .iter()
            .filter(|(_, p, _)| matches(p))
            .map(|(_, _, literals)| *literals)
            .max();
        let mut m: Vec<&str> = self
            .routes
            .iter()
            .filter(|(_, p, literals)| Some(*literals) == best && matches(p))
            .map(|(m, _, _)| m.as_str())
            .collect();
        m.sort_unstable();
        m.dedup();
        m
    }

    /// The first parameter of `query` that the operation does not declare, with those it does.
    fn undeclared(&self, method: &str, pattern: &str, query: &str) -> Option<(String, String)> {
        // Outside /v1 (health probes) the spec documents no 400.
        if !pattern.starts_with("/v1/") {
            return None;
        }
        let names = self
            .params
            .get(&(method.to_string(), pattern.to_string()))?;
        let unknown = form_urlencoded::parse(query.as_bytes())
            .map(|(k, _)| k)
            .find(|k| !names.contains(k.as_ref()))?;
        let expected = if names.is_empty() {
            "it takes none".to_string()
        } else {
            let list: Vec<&str> = names.iter().map(String::as_str).collect();
            format!("it takes {}", list.join(", "))
        };
        Some((unknown.into_owned(), expected))
    }
}

/// Refuses a request whose query string names a parameter its operation does not declare, on every
/// method alike: a misspelt option is an error, never silently ignored.
pub async fn refuse_undeclared(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !req.query_string().is_empty()
        && let (Some(table), Some(pattern)) =
            (req.app_data::<Data<DeclaredQueries>>(), req.match_pattern())
        && let Some((name, expected)) =
            table.undeclared(req.method().as_str(), &pattern, req.query_string())
    {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!(
                "unknown query parameter `{name}` for {} {pattern}; {expected}",
                req.method()
            ),
        )
        .field(name)
        .into());
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Page {
        limit: Option<usize>,
        hard: Option<bool>,
        cursor: Option<String>,
    }

    #[test]
    fn a_bad_value_names_its_parameter() {
        for (q, field) in [
            ("limit=abc", "limit"),
            ("limit=-1", "limit"),
            ("cursor=x&hard=maybe", "hard"),
            ("colour=red", "colour"),
        ] {
            let e = parse_query::<Page>(q).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (Code::InvalidQuery, Some(field)),
                "{q}: {e:?}"
            );
            assert!(e.message.contains(field), "{q}: {e:?}");
        }
        let p: Page = parse_query("limit=5&cursor=a%20b").unwrap();
        assert_eq!((p.limit, p.cursor.as_deref()), (Some(5), Some("a b")));
    }
}
