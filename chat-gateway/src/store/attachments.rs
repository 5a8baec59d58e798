//! [`AttachmentStore`] on [`SqlStore`]: files users attach to messages, with their bytes, in
//! `chat_attachments`. Every statement filters by the owner, like the thread half, and the
//! statements are the same on both backends.

use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};

use super::backend::Backend;
use super::engine::SqlStore;
use super::{AttachmentRecord, AttachmentStore, AttachmentUsage, StoreError};

const INSERT: &str = "INSERT INTO chat_attachments \
     (user_id, id, name, mime_type, declared_size, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

/// Only while not sent: a message's attachment never changes under it.
const UPLOAD: &str = "UPDATE chat_attachments SET bytes = $3, size = $4, uploaded_at = $5 \
     WHERE user_id = $1 AND id = $2 AND thread_id IS NULL";

const LOAD: &str = "SELECT id, thread_id, name, mime_type, declared_size, bytes, created_at, uploaded_at \
     FROM chat_attachments WHERE user_id = $1 AND id = $2";

/// Binds an uploaded attachment to thread `$3` (again to the same thread is fine: a retry).
const BIND: &str = "UPDATE chat_attachments SET thread_id = $3 \
     WHERE user_id = $1 AND id = $2 AND uploaded_at IS NOT NULL AND (thread_id IS NULL OR thread_id = $3)";

const DELETE: &str = "DELETE FROM chat_attachments WHERE user_id = $1 AND id = $2";

/// PostgreSQL's SUM of a BIGINT is NUMERIC: cast back so both backends read integers.
const USAGE: &str = "SELECT CAST(COALESCE(SUM(declared_size), 0) AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN thread_id IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
     FROM chat_attachments WHERE user_id = $1";

const DELETE_UNSENT: &str =
    "DELETE FROM chat_attachments WHERE user_id = $1 AND thread_id IS NULL AND created_at < $2";

/// The columns of [`LOAD`] as decoded.
type AttachmentRow<I> = (String, Option<String>, String, String, i64, Option<Vec<u8>>, I, Option<I>);

#[async_trait::async_trait]
impl<B: Backend> AttachmentStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    B::Arguments: IntoArguments<B>,
    usize: ColumnIndex<B::Row>,
    for<'a> &'a str: Encode<'a, B> + Type<B>,
    for<'a> &'a [u8]: Encode<'a, B> + Type<B>,
    String: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
    Vec<u8>: for<'r> Decode<'r, B> + Type<B>,
    i64: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
{
    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn create_attachment(&self, user: &str, a: &AttachmentRecord) -> Result<(), StoreError> {
        sqlx::query(INSERT)
            .bind(user)
            .bind(a.id.as_str())
            .bind(a.name.as_str())
            .bind(a.mime_type.as_str())
            .bind(a.declared_size)
            .bind(B::instant(a.created_at))
            .execute(self.writer())
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, bytes = bytes.len()))]
    async fn upload_attachment(
        &self,
        user: &str,
        id: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let done = sqlx::query(UPLOAD)
            .bind(user)
            .bind(id)
            .bind(bytes)
            .bind(size)
            .bind(B::instant(now))
            .execute(self.writer())
            .await?;
        if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn load_attachment(&self, user: &str, id: &str) -> Result<AttachmentRecord, StoreError> {
        let row: Option<AttachmentRow<B::Instant>> =
            sqlx::query_as(LOAD).bind(user).bind(id).fetch_optional(self.reader()).await?;
        let (id, thread_id, name, mime_type, declared_size, bytes, created_at, uploaded_at) =
            row.ok_or(StoreError::NotFound)?;
        Ok(AttachmentRecord {
            id,
            thread_id,
            name,
            mime_type,
            declared_size,
            bytes,
            created_at: B::read_instant(created_at)?,
            uploaded_at: uploaded_at.map(B::read_instant).transpose()?,
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn bind_attachment(&self, user: &str, id: &str, thread_id: &str) -> Result<(), StoreError> {
        let done = sqlx::query(BIND).bind(user).bind(id).bind(thread_id).execute(self.writer()).await?;
        if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn delete_attachment(&self, user: &str, id: &str) -> Result<(), StoreError> {
        let done = sqlx::query(DELETE).bind(user).bind(id).execute(self.writer()).await?;
        if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn attachment_usage(&self, user: &str) -> Result<AttachmentUsage, StoreError> {
        let (bytes, unsent): (i64, i64) = sqlx::query_as(USAGE).bind(user).fetch_one(self.reader()).await?;
        Ok(AttachmentUsage { bytes, unsent })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn delete_unsent_attachments(&self, user: &str, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done =
            sqlx::query(DELETE_UNSENT).bind(user).bind(B::instant(before)).execute(self.writer()).await?;
        Ok(B::rows_affected(&done))
    }
}
