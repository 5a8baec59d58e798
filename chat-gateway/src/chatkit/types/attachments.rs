//! The ChatKit `Attachment` as sent (`chatkit/types.py`): a file or an image, with the upload
//! descriptor while the bytes are awaited and a preview URL for images. The reference's
//! `metadata` is never on the wire, so it has no field here.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An attachment as the client sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attachment {
    /// `atc_…`.
    pub id: String,
    /// The file name.
    pub name: String,
    /// The MIME type.
    pub mime_type: String,
    /// Where and how to upload the bytes (two-phase upload); absent once uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_descriptor: Option<UploadDescriptor>,
    /// `image` or `file`.
    #[serde(rename = "type")]
    pub kind: AttachmentKind,
    /// A URL an `<img>` can show (images only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
    /// The thread of the message carrying it, once sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
}

/// `image` (shown with a preview) or `file`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AttachmentKind {
    /// A picture.
    Image,
    /// Anything else.
    File,
}

/// Where the client uploads an attachment's bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UploadDescriptor {
    /// Absolute URL.
    pub url: String,
    /// `POST` (multipart/form-data, field `file`).
    pub method: String,
    /// Headers to send with it (none: the widget's own `fetch` adds the Bearer token).
    pub headers: Map<String, Value>,
}
