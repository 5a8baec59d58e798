-- Chat threads, their items, the tool calls made in them and feedback on items (PostgreSQL).
-- Instants are timestamptz (written to the millisecond); the SQLite twin stores them as
-- integer Unix milliseconds. Documents are jsonb.
--
-- Every table carries user_id and every key leads with it: thread ids are unique per user,
-- and children reference (user_id, thread_id), so a row can never hang off another user's
-- thread. `seq` is the insertion order that pages and cursors follow.

CREATE TABLE chat_threads (
    seq        BIGSERIAL PRIMARY KEY,
    user_id    TEXT NOT NULL,
    id         TEXT NOT NULL,
    title      TEXT,
    status     JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, id)
);

CREATE INDEX chat_threads_user_created ON chat_threads (user_id, created_at, seq);

CREATE TABLE chat_items (
    seq        BIGSERIAL PRIMARY KEY,
    user_id    TEXT NOT NULL,
    thread_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    json       JSONB NOT NULL,
    UNIQUE (user_id, thread_id, id),
    FOREIGN KEY (user_id, thread_id) REFERENCES chat_threads (user_id, id) ON DELETE CASCADE
);

CREATE INDEX chat_items_thread_seq ON chat_items (user_id, thread_id, seq);

-- A log: call ids come from the model and are not trusted to be unique.
CREATE TABLE chat_tool_calls (
    seq         BIGSERIAL PRIMARY KEY,
    user_id     TEXT NOT NULL,
    thread_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    -- Not a foreign key: the call stays on record when a retry removes the item.
    item_id     TEXT,
    name        TEXT NOT NULL,
    arguments   JSONB NOT NULL,
    result      JSONB,
    status      TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (user_id, thread_id) REFERENCES chat_threads (user_id, id) ON DELETE CASCADE
);

CREATE INDEX chat_tool_calls_thread ON chat_tool_calls (user_id, thread_id, created_at, seq);

CREATE TABLE chat_feedback (
    user_id    TEXT NOT NULL,
    thread_id  TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, thread_id, item_id),
    FOREIGN KEY (user_id, thread_id, item_id) REFERENCES chat_items (user_id, thread_id, id) ON DELETE CASCADE
);
