//! The one error table: every failure the API returns, with its stable code and HTTP status, as
//! `application/problem+json`.

use crate::domain::Invalid;
use crate::service::{BulkReport, ServiceError};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

/// Stable error codes. The code, not the message, is the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The body is not well-formed JSON, NDJSON or CSV.
    MalformedBody,
    /// A field is missing, unknown, of the wrong type or has a value the domain refuses.
    InvalidField,
    /// A query-string parameter is invalid.
    InvalidQuery,
    /// A field refers to an entity that does not exist.
    UnknownReference,
    /// Rows of a bulk body were rejected, and the request writes all of its rows or none.
    RowsRejected,
    /// The entity does not exist.
    NotFound,
    /// No route has this path.
    RouteNotFound,
    /// The route exists, not with this method.
    MethodNotAllowed,
    /// The body is larger than the route accepts.
    PayloadTooLarge,
    /// The body's content type is not one the route reads.
    UnsupportedMediaType,
    /// The entity is still referred to by others.
    StillReferenced,
    /// No valid API key was presented.
    Unauthorized,
    /// The key's role may not use this route.
    Forbidden,
    /// Too many requests; retry later.
    TooManyRequests,
    /// The service is not ready or is saturated; retry later.
    Unavailable,
    /// Something failed inside ecograph; details are in its log.
    Internal,
    /// The id is taken by a different request.
    IdTaken,
    /// The decision is not allowed from the registration's status.
    IllegalTransition,
    /// A company record could be either of two accounts.
    AmbiguousAccount,
}

impl Code {
    /// The code as written in responses.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MalformedBody => "malformed_body",
            Code::InvalidField => "invalid_field",
            Code::InvalidQuery => "invalid_query",
            Code::UnknownReference => "unknown_reference",
            Code::RowsRejected => "rows_rejected",
            Code::NotFound => "not_found",
            Code::RouteNotFound => "route_not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::StillReferenced => "still_referenced",
            Code::Unauthorized => "unauthorized",
            Code::Forbidden => "forbidden",
            Code::TooManyRequests => "too_many_requests",
            Code::Unavailable => "unavailable",
            Code::Internal => "internal",
            Code::IdTaken => "id_taken",
            Code::IllegalTransition => "illegal_transition",
            Code::AmbiguousAccount => "ambiguous_account",
        }
    }

    /// The HTTP status it is sent with.
    pub fn status(self) -> StatusCode {
        match self {
            Code::MalformedBody | Code::InvalidQuery => StatusCode::BAD_REQUEST,
            Code::InvalidField | Code::UnknownReference | Code::RowsRejected => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Code::NotFound | Code::RouteNotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::StillReferenced | Code::IdTaken | Code::IllegalTransition => StatusCode::CONFLICT,
            Code::AmbiguousAccount => StatusCode::UNPROCESSABLE_ENTITY,
            Code::Unauthorized => StatusCode::UNAUTHORIZED,
            Code::Forbidden => StatusCode::FORBIDDEN,
            Code::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the error code.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short summary of the code.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// The stable error code.
    pub code: String,
    /// What is wrong, in words a person can act on.
    pub detail: String,
    /// The field at fault, as a dotted path, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `rows_rejected`: what the bulk request read and why its rows were refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<BulkReport>,
    /// For `ambiguous_account`: the accounts the company record could be.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub candidates: Option<serde_json::Value>,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    /// The stable code.
    pub code: Code,
    /// What is wrong.
    pub message: String,
    /// The offending field.
    pub field: Option<String>,
    /// Seconds to wait before retrying, for 429 and 503.
    pub retry_after: Option<u64>,
    /// The report of a bulk request that wrote nothing.
    pub report: Option<Box<BulkReport>>,
    /// Candidates of an ambiguous company record.
    pub candidates: Option<serde_json::Value>,
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field: None,
            retry_after: None,
            report: None,
            candidates: None,
        }
    }

    /// A bulk request refused as a whole because rows of it were rejected; nothing was written.
    pub fn rows_rejected(report: BulkReport, why: &str) -> Self {
        let mut e = ApiError::new(
            Code::RowsRejected,
            format!(
                "{} of {} rows were rejected, so nothing was written ({why}); fix the rows listed in report.rejected and send the body again",
                report.rejected_count, report.rows
            ),
        );
        e.report = Some(Box::new(report));
        e
    }

    /// Names the field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Asks the client to wait before retrying.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// An internal failure: logged with its cause chain, returned opaque.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = cause.to_string();
        let mut src = cause.source();
        while let Some(s) = src {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            src = s.source();
        }
        tracing::error!(error = %chain, "internal error");
        ApiError::new(
            Code::Internal,
            "ecograph failed to complete the request; the cause is in its log",
        )
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:ecograph:error:{}", self.code.as_str()),
            title: self
                .code
                .status()
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.code.status().as_u16(),
            code: self.code.as_str().to_string(),
            detail: self.message.clone(),
            field: self.field.clone(),
            report: self.report.as_deref().cloned(),
            candidates: self.candidates.clone(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(s) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, s.to_string()));
        }
        res.body(serde_json::to_string(&self.problem()).expect("problems serialise"))
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::new(Code::InvalidField, e.message).field(e.field)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(i) => i.into(),
            ServiceError::NotFound { .. } | ServiceError::NoSuchKey(_) => {
                ApiError::new(Code::NotFound, e.to_string())
            }
            ServiceError::UnknownReference { ref field, .. } => {
                let field = field.clone();
                ApiError::new(Code::UnknownReference, e.to_string()).field(field)
            }
            ServiceError::Conflict { code, message } => ApiError::new(
                match code {
                    "id_taken" => Code::IdTaken,
                    "illegal_transition" => Code::IllegalTransition,
                    _ => Code::StillReferenced,
                },
                message,
            ),
            ServiceError::Store(ref s) => ApiError::internal(s),
            ServiceError::Task(ref t) => ApiError::internal(&std::io::Error::other(t.clone())),
        }
    }
}

/// Result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
