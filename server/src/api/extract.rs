//! What an operation takes from a request, each refusal a problem of its own: the caller's key
//! (`CompanyKey`, `AgencyKey`: the signature says who may call), the JSON body, the query and the
//! path.

use super::problem::Problem;
use app::state::AppState;
use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, StatusCode},
};
use career_relay::{
    apikey::{self, KeyOwner},
    org::Membership,
    UserError,
};
use serde::de::DeserializeOwned;

/// The organisation whose key the request carries.
async fn key_owner(parts: &Parts, state: &AppState) -> Result<KeyOwner, Problem> {
    let key = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send an API key as `Authorization: Bearer KEY`.",
            )
        })?;
    apikey::authenticate(&state.pool, key)
        .await?
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "invalid_key",
                "This API key is unknown or has been revoked.",
            )
        })
}

/// A company's key: the company's ATS calls.
pub struct CompanyKey {
    pub company_id: i64,
    pub owner: KeyOwner,
}

impl FromRequestParts<AppState> for CompanyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let owner = key_owner(parts, state).await?;
        match owner.org {
            Membership::Company(company_id) => Ok(Self { company_id, owner }),
            Membership::Agency(_) => Err(UserError::Forbidden.into()),
        }
    }
}

/// An approved agency's key: the agency's CRM calls.
pub struct AgencyKey {
    pub agency_id: i64,
    pub owner: KeyOwner,
}

impl FromRequestParts<AppState> for AgencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let owner = key_owner(parts, state).await?;
        let Membership::Agency(agency_id) = owner.org else {
            return Err(UserError::Forbidden.into());
        };
        if !career_relay::org::agency_approved(&state.pool, agency_id).await? {
            return Err(UserError::AgencyNotApproved.into());
        }
        Ok(Self { agency_id, owner })
    }
}

/// The person a key acts for (its creator), whom claims, notes and requests name.
fn acting(owner: &KeyOwner) -> Result<i64, Problem> {
    owner.created_by.ok_or_else(|| UserError::Forbidden.into())
}

impl AgencyKey {
    /// The person the key acts for.
    pub fn acting_user(&self) -> Result<i64, Problem> {
        acting(&self.owner)
    }
}

impl CompanyKey {
    /// The person the key acts for.
    pub fn acting_user(&self) -> Result<i64, Problem> {
        acting(&self.owner)
    }
}

/// A JSON body: `application/json`, at most `BODY_LIMIT`, no unknown fields; each mistake a
/// problem of its own. The raw bytes come along (an idempotent retry compares them).
pub struct ApiJson<T>(pub T, pub bytes::Bytes);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == "application"
                    && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
            });
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as `Content-Type: application/json`.",
            ));
        }
        let bytes = bytes::Bytes::from_request(req, state).await.map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The body is larger than 1 MiB.",
            )
        })?;
        let value: T = serde_json::from_slice(&bytes).map_err(|e| {
            if e.classify() == serde_json::error::Category::Data {
                body_problem(e)
            } else {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_json",
                    "The body is not valid JSON.",
                )
            }
        })?;
        Ok(ApiJson(value, bytes))
    }
}

/// Reads a JSON value already parsed into the shape `T`.
pub fn parse_value<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, Problem> {
    serde_json::from_value(v).map_err(body_problem)
}

/// Valid JSON of the wrong shape: an unknown field, a missing one, a wrong type. serde's messages
/// about unknown and missing fields name fields only; others may quote the value sent (personal
/// data), so they get a fixed text.
fn body_problem(e: serde_json::Error) -> Problem {
    let msg = e.to_string();
    let (code, title) = if msg.starts_with("unknown field") {
        ("unknown_field", msg)
    } else if msg.starts_with("missing field") {
        ("invalid_body", msg)
    } else {
        (
            "invalid_body",
            "A field has the wrong type (see the OpenAPI document).".to_owned(),
        )
    };
    let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, "");
    p.title = title;
    p
}

/// The query string, read into `T`; a malformed one is a 400 problem, never plain text.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|_| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    "A query parameter is malformed or out of range (see the OpenAPI document).",
                )
            })
    }
}

/// The path's parameters, read into `T`; a malformed one is a 400 problem, never plain text.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_path",
                    "A path parameter is malformed (see the OpenAPI document).",
                )
            })
    }
}
