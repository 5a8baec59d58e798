//! [`Attachments`]: files users attach to messages, over ChatKit's two-phase upload.
//! `attachments.create` records the declared name, type and size (within the per-file limit
//! and the user's quota) and answers where to upload; the upload's bytes must match the
//! declared size and type (magic bytes for images); a message binds uploaded attachments to
//! its thread; a thread deleted deletes them; one never sent is pruned a day after it was
//! made. Everything is scoped to the owner: another user's attachment id is not found.
//! Image previews are short-lived signed URLs (`signing`), since an `<img>` sends no token.

mod kinds;
mod signing;

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use serde_json::{Map, Value};

pub use kinds::{ACCEPTED, FileType};
pub use signing::PreviewKey;

use super::sink::new_id;
use crate::auth::User;
use crate::chatkit::types::{Attachment, AttachmentKind, UploadDescriptor};
use crate::error::ApiError;
use crate::limits::AttachmentLimits;
use crate::store::{AttachmentRecord, StoreError, ThreadStore};

/// How long a preview URL stays valid; items read again get fresh ones.
pub const PREVIEW_TTL: TimeDelta = TimeDelta::hours(1);
/// How long an attachment never sent in a message is kept.
pub const UNSENT_KEPT: TimeDelta = TimeDelta::days(1);
/// Attachments one user may hold that no message carries yet (each costs a row, however small).
pub const MAX_UNSENT: i64 = 100;
/// The longest file name kept.
const MAX_NAME_CHARS: usize = 255;

/// The attachment paths under a gateway's public base URL.
pub mod paths {
    /// `POST` here (multipart field `file`) uploads attachment `{id}`.
    pub const UPLOAD: &str = "/api/attachments/{id}/upload";
    /// `GET` here (with `user`, `expires`, `signature`) shows image `{id}`.
    pub const PREVIEW: &str = "/api/attachments/{id}/preview";
}

/// Every user's attachments.
pub struct Attachments {
    store: Arc<dyn ThreadStore>,
    limits: AttachmentLimits,
    key: PreviewKey,
}

/// An image preview's signed query: who, until when, and the signature.
#[derive(Debug, serde::Deserialize)]
pub struct PreviewQuery {
    /// The owner.
    pub user: String,
    /// Unix seconds.
    pub expires: i64,
    /// Hex HMAC-SHA256.
    pub signature: String,
}

impl Attachments {
    /// Attachments kept in `store`, held to `limits`, previews signed with `key`.
    pub fn new(store: Arc<dyn ThreadStore>, limits: AttachmentLimits, key: PreviewKey) -> Self {
        Self { store, limits, key }
    }

    /// What a user may attach.
    pub fn limits(&self) -> &AttachmentLimits {
        &self.limits
    }

    /// `attachments.create`: records a new attachment and answers where to upload it
    /// (`base` is the gateway's public URL, e.g. `https://chat.example`).
    #[tracing::instrument(skip_all, fields(user = %user.id, size))]
    pub async fn create(
        &self,
        user: &User,
        name: &str,
        size: i64,
        mime_type: &str,
        base: &str,
    ) -> Result<Attachment, ApiError> {
        if base.is_empty() {
            return Err(ApiError::BadRequest(
                "the request's Host cannot be used in an upload URL; set GATEWAY_PUBLIC_URL".into(),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(ApiError::BadRequest(format!(
                "the file name must be 1-{MAX_NAME_CHARS} characters with no control characters"
            )));
        }
        let kind = FileType::of(mime_type, name).ok_or_else(|| {
            ApiError::UnsupportedMediaType(format!("`{mime_type}` files are not accepted; send {ACCEPTED}"))
        })?;
        let max = self.limits.max_bytes;
        if size <= 0 {
            return Err(ApiError::BadRequest("the file is empty (`size` must be at least 1)".into()));
        }
        if u64::try_from(size).unwrap_or(u64::MAX) > max {
            return Err(ApiError::TooLarge(format!(
                "the file is {size} bytes; the limit is {max} bytes per file"
            )));
        }
        // Uploads never sent make room first (they are a day old at least).
        self.store.delete_unsent_attachments(&user.id, Utc::now() - UNSENT_KEPT).await?;
        let usage = self.store.attachment_usage(&user.id).await?;
        if usage.unsent >= MAX_UNSENT {
            return Err(ApiError::TooLarge(format!(
                "you have {MAX_UNSENT} attachments not sent yet; send or delete some first"
            )));
        }
        let used = u64::try_from(usage.bytes).unwrap_or(0);
        let quota = self.limits.quota_bytes;
        if used.saturating_add(u64::try_from(size).unwrap_or(u64::MAX)) > quota {
            return Err(ApiError::QuotaExceeded(format!(
                "your attachments take {used} bytes; with this file of {size} bytes they would pass \
                 your quota of {quota} bytes. Delete threads with attachments to make room"
            )));
        }
        let record = AttachmentRecord {
            id: new_id("atc"),
            thread_id: None,
            name: name.to_owned(),
            mime_type: kind.mime().to_owned(),
            declared_size: size,
            bytes: None,
            created_at: Utc::now(),
            uploaded_at: None,
        };
        self.store.create_attachment(&user.id, &record).await?;
        Ok(self.view(user, &record, base))
    }

    /// The upload: `bytes` must be as many as declared, of the declared type, and the
    /// attachment not yet sent. Answers the attachment without its upload descriptor.
    #[tracing::instrument(skip_all, fields(user = %user.id, bytes = bytes.len()))]
    pub async fn upload(
        &self,
        user: &User,
        id: &str,
        bytes: &[u8],
        base: &str,
    ) -> Result<Attachment, ApiError> {
        let mut record = self.load(user, id).await?;
        if record.thread_id.is_some() {
            return Err(ApiError::BadRequest(
                "this attachment was sent in a message; it cannot change".into(),
            ));
        }
        let received = bytes.len();
        let max = self.limits.max_bytes;
        if u64::try_from(received).unwrap_or(u64::MAX) > max {
            return Err(ApiError::TooLarge(format!("the file is over the limit of {max} bytes per file")));
        }
        if i64::try_from(received).ok() != Some(record.declared_size) {
            return Err(ApiError::BadRequest(format!(
                "the upload is {received} bytes but attachments.create declared {}; create it again with the right size",
                record.declared_size
            )));
        }
        let kind = FileType::of(&record.mime_type, &record.name)
            .ok_or_else(|| ApiError::UnsupportedMediaType(format!("send {ACCEPTED}")))?;
        kind.check(bytes).map_err(ApiError::UnsupportedMediaType)?;
        let now = Utc::now();
        self.store.upload_attachment(&user.id, id, bytes, now).await.map_err(not_found)?;
        record.uploaded_at = Some(now);
        Ok(self.view(user, &record, base))
    }

    /// `attachments.delete`.
    #[tracing::instrument(skip_all, fields(user = %user.id))]
    pub async fn delete(&self, user: &User, id: &str) -> Result<(), ApiError> {
        check_id(id)?;
        self.store.delete_attachment(&user.id, id).await.map_err(not_found)
    }

    /// An image's type and bytes for a signed preview URL; anything else (a bad or expired
    /// signature, a file that is no image, not uploaded) is not found.
    pub async fn preview(&self, id: &str, query: &PreviewQuery) -> Result<(&'static str, Vec<u8>), ApiError> {
        check_id(id)?;
        let now = Utc::now().timestamp();
        if !self.key.verify(&query.user, id, query.expires, &query.signature, now) {
            return Err(ApiError::NotFound("attachment"));
        }
        let record = self.store.load_attachment(&query.user, id).await.map_err(not_found)?;
        match (FileType::of(&record.mime_type, &record.name), record.bytes) {
            (Some(kind), Some(bytes)) if kind.is_image() => Ok((kind.mime(), bytes)),
            _ => Err(ApiError::NotFound("attachment")),
        }
    }

    /// The attachments a message names, each the user's, uploaded and not sent in another
    /// thread than `thread_id` (None: a new thread), at most the per-message bound; their bytes
    /// are left out. Checked before anything is stored.
    pub(super) async fn for_message(
        &self,
        user: &User,
        ids: &[String],
        thread_id: Option<&str>,
    ) -> Result<Vec<AttachmentRecord>, ApiError> {
        let most = self.limits.max_per_message;
        if ids.len() > most {
            return Err(ApiError::TooLarge(format!(
                "the message carries {} attachments; the limit is {most}",
                ids.len()
            )));
        }
        let mut records: Vec<AttachmentRecord> = Vec::with_capacity(ids.len());
        for id in ids {
            if records.iter().any(|r| &r.id == id) {
                continue;
            }
            let mut record = self.load(user, id).await?;
            if record.uploaded_at.is_none() {
                return Err(ApiError::BadRequest(format!("attachment {id} has not been uploaded yet")));
            }
            if record.thread_id.is_some() && record.thread_id.as_deref() != thread_id {
                return Err(ApiError::BadRequest(format!(
                    "attachment {id} was sent in another conversation; attach the file again"
                )));
            }
            record.bytes = None;
            records.push(record);
        }
        Ok(records)
    }

    /// Binds `records` to `thread_id` and answers them as the message carries them.
    pub(super) async fn bind(
        &self,
        user: &User,
        records: Vec<AttachmentRecord>,
        thread_id: &str,
        base: &str,
    ) -> Result<Vec<Attachment>, ApiError> {
        let mut bound = Vec::with_capacity(records.len());
        for mut record in records {
            self.store.bind_attachment(&user.id, &record.id, thread_id).await.map_err(not_found)?;
            record.thread_id = Some(thread_id.to_owned());
            bound.push(self.view(user, &record, base));
        }
        Ok(bound)
    }

    /// Gives the image attachments of a user message (an item as sent) fresh preview URLs:
    /// the stored ones expire.
    pub fn refresh_previews(&self, user: &User, item: &mut Value, base: &str) {
        if item.get("type").and_then(Value::as_str) != Some("user_message") {
            return;
        }
        let Some(attachments) = item.get_mut("attachments").and_then(Value::as_array_mut) else { return };
        for attachment in attachments {
            let image = attachment.get("type").and_then(Value::as_str) == Some("image");
            if let (true, Some(id)) = (image, attachment.get("id").and_then(Value::as_str)) {
                let url = self.preview_url(user, id, base);
                attachment["preview_url"] = Value::String(url);
            }
        }
    }

    /// The attachment as sent: with where to upload while it waits for its bytes, a preview
    /// URL when it is an image.
    pub fn view(&self, user: &User, record: &AttachmentRecord, base: &str) -> Attachment {
        let image = FileType::of(&record.mime_type, &record.name).is_some_and(FileType::is_image);
        let upload_descriptor = record.uploaded_at.is_none().then(|| UploadDescriptor {
            url: format!("{base}{}", paths::UPLOAD.replace("{id}", &record.id)),
            method: "POST".into(),
            headers: Map::new(),
        });
        Attachment {
            id: record.id.clone(),
            name: record.name.clone(),
            mime_type: record.mime_type.clone(),
            upload_descriptor,
            kind: if image { AttachmentKind::Image } else { AttachmentKind::File },
            preview_url: image.then(|| self.preview_url(user, &record.id, base)),
            thread_id: record.thread_id.clone(),
        }
    }

    fn preview_url(&self, user: &User, id: &str, base: &str) -> String {
        let expires = (Utc::now() + PREVIEW_TTL).timestamp();
        let signature = self.key.sign(&user.id, id, expires);
        let path = paths::PREVIEW.replace("{id}", id);
        let user = url_encode(&user.id);
        format!("{base}{path}?user={user}&expires={expires}&signature={signature}")
    }

    async fn load(&self, user: &User, id: &str) -> Result<AttachmentRecord, ApiError> {
        check_id(id)?;
        self.store.load_attachment(&user.id, id).await.map_err(not_found)
    }
}

/// An id no attachment can have is not found without asking the store.
fn check_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > 200 || id.contains('\0') {
        return Err(ApiError::NotFound("attachment"));
    }
    Ok(())
}

fn not_found(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::NotFound("attachment"),
        other => other.into(),
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
