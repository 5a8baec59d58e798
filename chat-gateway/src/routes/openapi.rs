//! `GET /openapi.json` (no auth): the OpenAPI 3.1 document of the REST threads API and the
//! OpenAI-compatible `/v1`, generated from the handlers' `#[utoipa::path]` attributes and the
//! wire types' `ToSchema` derives, so it cannot drift from the routes.

use axum::body::Bytes;
use axum::http::header;
use axum::routing::{MethodRouter, get};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "chat-gateway",
        description = "A task assistant's threads (REST) and an OpenAI-compatible chat completions \
            endpoint. Every route except this document needs `Authorization: Bearer <user JWT>`; \
            another user's thread is always 404. ChatKit itself is served at POST /chatkit.",
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "threads", description = "The user's threads and their messages"),
        (name = "openai", description = "OpenAI-compatible face; the model is `task-assistant`"),
    )
)]
struct ApiDoc;

/// Declares the `bearer` scheme the routes name.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Document) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some("The user's JWT (for /v1, the client's API key)"))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The whole document: the gateway's description with the documented faces' paths, in order.
pub fn document(faces: impl IntoIterator<Item = Document>) -> Document {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    for face in faces {
        doc.merge(face);
    }
    doc
}

/// `GET /openapi.json` over `faces` (see [`document`]), serialised once.
pub fn route(faces: impl IntoIterator<Item = Document>) -> MethodRouter<AppState> {
    let body = Bytes::from(serde_json::to_vec(&document(faces)).unwrap_or_default());
    let json = [(header::CONTENT_TYPE, "application/json")];
    get(move || async move { (json, body.clone()) })
}
