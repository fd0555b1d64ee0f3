//! The query-string extractor: like actix's `web::Query`, but a value it cannot read is reported
//! with the parameter it came from (`field: "limit"`), not only serde's message.

use super::error::{ApiError, Code};
use super::extract::field_named_by;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
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
