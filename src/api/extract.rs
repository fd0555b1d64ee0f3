//! Reading request bodies: size limits, content types, and JSON, NDJSON and CSV parsing that names
//! the field at fault.

use super::error::{ApiError, ApiResult, Code};
use crate::service::{Rejection, Rows};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut, Data};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// Body size limits, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// One JSON entity.
    pub json: usize,
    /// A bulk NDJSON or CSV body.
    pub bulk: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            json: 1 << 20,
            // About half a million CSV rows. The body and its parsed rows are held at once, so
            // this keeps one upload within a few hundred MiB on a small service; larger loads
            // belong to `ecograph import`.
            bulk: 64 << 20,
        }
    }
}

/// Reads a whole body, refusing it with 413 as soon as it passes `limit`.
pub async fn read_body(req: &HttpRequest, payload: &mut Payload, limit: usize) -> ApiResult<Bytes> {
    let too_large = || {
        ApiError::new(
            Code::PayloadTooLarge,
            format!("the body is larger than this route's limit of {limit} bytes"),
        )
    };
    if let Some(len) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && len > limit
    {
        return Err(too_large());
    }
    let mut buf = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(Code::MalformedBody, format!("could not read the body: {e}"))
        })?;
        if buf.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// The media type of a request, lower case without parameters; `None` when absent.
pub fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// The `charset` parameter of the request's Content-Type, if it has one.
pub fn charset(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    value.split(';').skip(1).find_map(|param| {
        let (name, v) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// How a bulk body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkFormat {
    /// One JSON object per line.
    Ndjson,
    /// A header line, then one row per line.
    Csv,
}

/// The media types read as NDJSON.
const NDJSON_TYPES: [&str; 4] = [
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/jsonlines",
];

/// The format of a bulk body, from its Content-Type; `csv` says whether the route reads CSV.
///
/// The type must be given: a body is never guessed at, because a wrong guess can turn a whole
/// file into one rejected row, and a replacing upload of rejected rows used to empty a list.
/// `application/json` is refused too: a bulk body is many objects, one per line.
pub fn bulk_format(req: &HttpRequest, csv: bool) -> ApiResult<BulkFormat> {
    let wanted = if csv {
        "text/csv or application/x-ndjson"
    } else {
        "application/x-ndjson"
    };
    match media_type(req).as_deref() {
        Some(m) if NDJSON_TYPES.contains(&m) => Ok(BulkFormat::Ndjson),
        Some("text/csv" | "application/csv") if csv => Ok(BulkFormat::Csv),
        None => Err(ApiError::new(
            Code::UnsupportedMediaType,
            format!("the request has no Content-Type; send {wanted}"),
        )),
        Some(m) if is_json(m) => Err(ApiError::new(
            Code::UnsupportedMediaType,
            format!(
                "this route reads {wanted} (one JSON object per line), not one JSON document; got {m}"
            ),
        )),
        Some(m) => Err(ApiError::new(
            Code::UnsupportedMediaType,
            format!("expected {wanted}, got {m}"),
        )),
    }
}

/// Refuses an NDJSON body that holds no rows, or that is one JSON array rather than a line per
/// object (which would otherwise be read as a single rejected row).
pub fn check_ndjson(bytes: &[u8]) -> ApiResult<()> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(ApiError::new(
            Code::MalformedBody,
            "the body holds no rows; send one JSON object per line",
        )),
        Some(b'[') => Err(ApiError::new(
            Code::MalformedBody,
            "the body is a JSON array; send NDJSON instead: one JSON object per line, no enclosing brackets",
        )),
        Some(_) => Ok(()),
    }
}

/// Parses one JSON object, naming the field at fault on failure.
///
/// Anything but an object is refused first: serde would otherwise read an array into a struct
/// field by field ("[\"Acme\", \"SI\"]" as a partner), and fail on a short one with a message
/// naming ecograph's types.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if let Some(&b) = first
        && b != b'{'
    {
        let what = match b {
            b'[' => "an array",
            b'"' => "a string",
            b'-' | b'0'..=b'9' => "a number",
            b't' | b'f' => "a boolean",
            b'n' => "null",
            _ => "not JSON",
        };
        let code = if what == "not JSON" {
            Code::MalformedBody
        } else {
            Code::InvalidField
        };
        return Err(ApiError::new(
            code,
            format!("expected a JSON object, got {what}"),
        ));
    }
    if has_escaped_nul(bytes) {
        return Err(nul_error(bytes));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        json_error(&path, &inner)
    })?;
    de.end().map_err(|e| json_error(".", &e))?;
    Ok(value)
}

/// Whether a JSON text holds the escape `\u0000` (NUL). PostgreSQL cannot store NUL in text, and
/// no company, deal or note needs one, so it is refused before anything is written. JSON cannot
/// carry a raw NUL inside a string, so the escape is the only way in; `\\u0000` (an escaped
/// backslash, then "u0000") is not one.
fn has_escaped_nul(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(k) = bytes[from..].iter().position(|b| *b == b'\\') {
        let start = from + k;
        let run = bytes[start..].iter().take_while(|b| **b == b'\\').count();
        // An odd run of backslashes escapes the character after it.
        if run % 2 == 1 && bytes[start + run..].starts_with(b"u0000") {
            return true;
        }
        from = start + run;
    }
    false
}

/// The error for a body with a NUL, naming the first field whose text holds one.
fn nul_error(bytes: &[u8]) -> ApiError {
    fn find(v: &serde_json::Value, path: &str) -> Option<String> {
        match v {
            serde_json::Value::String(s) if s.contains('\0') => Some(path.to_string()),
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .find_map(|(i, x)| find(x, &format!("{path}[{i}]"))),
            serde_json::Value::Object(o) => o.iter().find_map(|(k, x)| {
                if k.contains('\0') {
                    return Some(path.to_string());
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                find(x, &p)
            }),
            _ => None,
        }
    }
    let err = ApiError::new(
        Code::InvalidField,
        "must not contain the NUL character (\\u0000)",
    );
    match serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| find(&v, ""))
    {
        Some(field) if !field.is_empty() => err.field(field),
        _ => err,
    }
}

/// The field a serde message names: "missing field `name`", "duplicate field `id`",
/// "unknown field `colour`, expected ...".
pub fn field_named_by(msg: &str) -> Option<&str> {
    ["missing field `", "duplicate field `", "unknown field `"]
        .iter()
        .find_map(|p| msg.strip_prefix(p))
        .and_then(|rest| rest.split('`').next())
}

/// A serde message in the words of JSON rather than of ecograph's Rust types: "invalid type:
/// sequence, expected struct PartnerInput with 15 elements" becomes "invalid type: array,
/// expected a JSON object".
fn in_json_terms(msg: &str) -> String {
    let mut out = msg
        .replace("invalid type: sequence", "invalid type: array")
        .replace("invalid type: map", "invalid type: object")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected an object");
    while let Some(at) = out.find("expected struct ") {
        let rest = &out[at + "expected struct ".len()..];
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        let mut end = at + "expected struct ".len() + name_len;
        if let Some(tail) = out[end..].strip_prefix(" with ")
            && let Some(n) = tail.find(" element")
            && tail[..n].chars().all(|c| c.is_ascii_digit())
        {
            let after = &tail[n + " element".len()..];
            end += " with ".len() + n + " element".len() + usize::from(after.starts_with('s'));
        }
        out.replace_range(at..end, "expected a JSON object");
    }
    out
}

pub(crate) fn json_error(path: &str, e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::new(
            Code::MalformedBody,
            format!("the body is not valid JSON: {e}"),
        ),
        Category::Data => {
            let msg = in_json_terms(&e.to_string());
            let parent = if path == "." { "" } else { path };
            // serde_path_to_error's path already ends at an unknown field, but stops at the parent of a
            // missing one.
            let missing = field_named_by(&msg).filter(|_| !msg.starts_with("unknown field"));
            let field = match missing {
                Some(name) if parent.is_empty() => name.to_string(),
                Some(name) => format!("{parent}.{name}"),
                None => parent.to_string(),
            };
            let err = ApiError::new(Code::InvalidField, msg);
            if field.is_empty() {
                err
            } else {
                err.field(field)
            }
        }
    }
}

/// A JSON body parsed into `T`, within the JSON size limit.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            match media_type(&req) {
                Some(m) if is_json(&m) => {}
                Some(m) => {
                    return Err(ApiError::new(
                        Code::UnsupportedMediaType,
                        format!("expected an application/json body, got {m}"),
                    ));
                }
                None => {
                    return Err(ApiError::new(
                        Code::UnsupportedMediaType,
                        "the request has no Content-Type; send application/json",
                    ));
                }
            }
            let limit = req
                .app_data::<Data<Limits>>()
                .map(|l| l.json)
                .unwrap_or(Limits::default().json);
            let bytes = read_body(&req, &mut payload, limit).await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::new(
                    Code::MalformedBody,
                    "the body is empty; a JSON object is expected",
                ));
            }
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// Splits an NDJSON body into rows (1-based line numbers), skipping blank lines, each parsed into `T`.
pub fn parse_ndjson<T: DeserializeOwned>(bytes: &[u8]) -> Rows<T> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(i, line)| {
            let row = i + 1;
            let parsed = parse_json::<T>(line).map_err(|e| Rejection {
                row,
                id: serde_json::from_slice::<serde_json::Value>(line)
                    .ok()
                    .and_then(|v| v.get("id").and_then(|x| x.as_str()).map(str::to_string)),
                code: e.code.as_str().to_string(),
                field: e.field,
                message: e.message,
            });
            (row, parsed)
        })
        .collect()
}

/// A JSON object whose keys all differ. serde_json's own map keeps the last of two equal keys,
/// where a typed body refuses them; a bulk line must be refused the same way.
pub struct UniqueKeys(pub serde_json::Map<String, serde_json::Value>);

/// Reads an entity body sent to `PUT .../{id}`. A document read with GET can be sent back as it
/// is: its `id` is accepted when it equals the path's, and the fields the server decides
/// (`server_fields`, such as a deal's `outcome`) are ignored.
pub fn entity_body<T: DeserializeOwned>(
    UniqueKeys(mut obj): UniqueKeys,
    path_id: &str,
    server_fields: &[&str],
) -> ApiResult<T> {
    match obj.remove("id") {
        None => {}
        Some(serde_json::Value::String(s)) if s == path_id => {}
        Some(other) => {
            return Err(ApiError::new(
                Code::InvalidField,
                format!("must equal the id in the path ('{path_id}') or be left out; got {other}"),
            )
            .field("id"));
        }
    }
    for f in server_fields {
        obj.remove(*f);
    }
    serde_path_to_error::deserialize::<_, T>(serde_json::Value::Object(obj))
        .map_err(|e| json_error(&e.path().to_string(), e.inner()))
}

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<UniqueKeys, A::Error> {
                let mut out = serde_json::Map::new();
                while let Some((k, v)) = m.next_entry::<String, serde_json::Value>()? {
                    if out.contains_key(&k) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate field `{k}`"
                        )));
                    }
                    out.insert(k, v);
                }
                Ok(UniqueKeys(out))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// Splits an NDJSON body of entities (each line an entity's fields plus its `id`) into rows.
pub fn parse_ndjson_with_id<T: DeserializeOwned>(bytes: &[u8]) -> Rows<(String, T)> {
    parse_ndjson::<UniqueKeys>(bytes)
        .into_iter()
        .map(|(row, parsed)| {
            let result = parsed.and_then(|UniqueKeys(mut obj)| {
                let reject = |id: Option<String>, e: ApiError| Rejection {
                    row,
                    id,
                    code: e.code.as_str().to_string(),
                    field: e.field,
                    message: e.message,
                };
                let id = match obj.remove("id") {
                    Some(serde_json::Value::String(s)) => s,
                    Some(_) => {
                        return Err(reject(
                            None,
                            ApiError::new(Code::InvalidField, "must be a string").field("id"),
                        ));
                    }
                    None => {
                        return Err(reject(
                            None,
                            ApiError::new(Code::InvalidField, "missing field `id`").field("id"),
                        ));
                    }
                };
                serde_path_to_error::deserialize::<_, T>(serde_json::Value::Object(obj))
                    .map(|v| (id.clone(), v))
                    .map_err(|e| {
                        let path = e.path().to_string();
                        reject(Some(id.clone()), json_error(&path, e.inner()))
                    })
            });
            (row, result)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_nul_escape_is_found() {
        assert!(has_escaped_nul(br#"{"a":"x\u0000"}"#));
        assert!(has_escaped_nul(br#"{"a":"\\\u0000"}"#));
        assert!(!has_escaped_nul(br#"{"a":"\\u0000"}"#));
        assert!(!has_escaped_nul(br#"{"a":"u0000 \u0001"}"#));
        assert!(!has_escaped_nul(b"\\"));
    }

    #[test]
    fn a_key_given_twice_is_refused_naming_it() {
        let rows = parse_ndjson_with_id::<serde_json::Value>(
            b"{\"id\":\"A\",\"name\":\"x\"}\n{\"id\":\"B\",\"id\":\"C\",\"name\":\"x\"}\n",
        );
        assert_eq!(rows[0].1.as_ref().unwrap().0, "A");
        let e = rows[1].1.as_ref().unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (2, Some("id")), "{e:?}");
        assert!(e.message.starts_with("duplicate field `id`"), "{e:?}");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Named {
            name: String,
        }
        let e = parse_json::<Named>(br#"{"name":"a","name":"b"}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("name"), "{e:?}");
    }

    #[test]
    fn type_errors_speak_of_json_not_of_rust_types() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct PartnerInput {
            name: String,
            tags: Vec<String>,
        }
        let e = parse_json::<PartnerInput>(br#"["a", ["b"]]"#).unwrap_err();
        assert_eq!(e.message, "expected a JSON object, got an array", "{e:?}");
        let e = parse_json::<PartnerInput>(br#" "a""#).unwrap_err();
        assert_eq!(e.message, "expected a JSON object, got a string", "{e:?}");
        let e = parse_json::<PartnerInput>(br#"{"name": "a", "tags": {"x": 1}}"#).unwrap_err();
        assert!(
            e.message
                .starts_with("invalid type: object, expected an array"),
            "{e:?}"
        );
        assert_eq!(
            in_json_terms("expected struct PartnerInput with 15 elements, found x"),
            "expected a JSON object, found x"
        );
        assert_eq!(
            in_json_terms("expected struct Foo"),
            "expected a JSON object"
        );
    }

    #[test]
    fn a_nul_is_refused_naming_its_field() {
        let e = parse_json::<serde_json::Value>(br#"{"a":{"b":["ok","x\u0000"]}}"#).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::InvalidField, Some("a.b[1]"))
        );
        let v: serde_json::Value = parse_json(br#"{"a":"\\u0000"}"#).unwrap();
        assert_eq!(v["a"], "\\u0000");
    }
}
