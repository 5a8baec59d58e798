-- Files users attach to messages (ChatKit two-phase upload), with their bytes (SQLite twin of
-- the PostgreSQL table: instants as Unix milliseconds, bytes as a BLOB). A row is made by
-- `attachments.create`, filled by the upload and bound to a thread when a message carrying it
-- is stored; deleting the thread deletes it. A row never bound to a thread is pruned a day
-- after it was made.
CREATE TABLE chat_attachments (
    user_id       TEXT NOT NULL,
    id            TEXT NOT NULL,
    -- Set when a user message carrying it is stored (NULL: not sent yet).
    thread_id     TEXT,
    name          TEXT NOT NULL,
    mime_type     TEXT NOT NULL,
    declared_size INTEGER NOT NULL,
    -- The bytes received and their count (NULL until uploaded).
    size          INTEGER,
    bytes         BLOB,
    created_at    INTEGER NOT NULL,
    -- The uploaded flag: NULL until the bytes arrived.
    uploaded_at   INTEGER,
    PRIMARY KEY (user_id, id),
    -- A NULL thread_id (not sent yet) references nothing.
    FOREIGN KEY (user_id, thread_id) REFERENCES chat_threads (user_id, id) ON DELETE CASCADE
);

CREATE INDEX chat_attachments_thread ON chat_attachments (user_id, thread_id);
