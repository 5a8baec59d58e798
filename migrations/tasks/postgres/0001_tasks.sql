-- Tasks, their per-user numbers, completion history and reminders (PostgreSQL).
-- Instants are timestamptz; the SQLite twin stores them as integer Unix milliseconds.

CREATE TABLE task_counters (
    user_id     TEXT PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE tasks (
    id                         BIGSERIAL PRIMARY KEY,
    user_id                    TEXT NOT NULL,
    number                     BIGINT NOT NULL,
    title                      TEXT NOT NULL,
    description                TEXT,
    status                     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
    priority                   SMALLINT NOT NULL DEFAULT 4 CHECK (priority BETWEEN 1 AND 4),
    -- Space-separated, lower-case tags ("home errands"); filtered with LIKE on ' ' || tags || ' '.
    tags                       TEXT NOT NULL DEFAULT '',
    due_at                     TIMESTAMPTZ,
    due_date                   DATE,
    -- The instant used to sort and filter: due_at, or the start of due_date in due_tz.
    due_key                    TIMESTAMPTZ,
    due_string                 TEXT,
    due_tz                     TEXT,
    recurrence_phrase          TEXT,
    recurrence_rule            TEXT,
    recurrence_from_completion BOOLEAN NOT NULL DEFAULT FALSE,
    created_at                 TIMESTAMPTZ NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL,
    completed_at               TIMESTAMPTZ,
    search                     TSVECTOR GENERATED ALWAYS AS (
        to_tsvector('simple', title || ' ' || coalesce(description, '') || ' ' || tags)
    ) STORED,
    UNIQUE (user_id, number)
);

CREATE INDEX tasks_user_status_due ON tasks (user_id, status, due_key, priority, number);
-- Search is always for one user: a GIN index over (user_id, search) keeps a big user's
-- searches fast under any plan; fastupdate off keeps a long pending list out of every search.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX tasks_search ON tasks USING GIN (user_id, search) WITH (fastupdate = off);

CREATE TABLE task_completions (
    id           BIGSERIAL PRIMARY KEY,
    user_id      TEXT NOT NULL,
    task_id      BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    completed_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX task_completions_user_time ON task_completions (user_id, completed_at);
CREATE INDEX task_completions_task ON task_completions (task_id);

CREATE TABLE reminders (
    id              BIGSERIAL PRIMARY KEY,
    user_id         TEXT NOT NULL,
    task_id         BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    remind_at       TIMESTAMPTZ NOT NULL,
    phrase          TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ
);

CREATE INDEX reminders_undelivered ON reminders (remind_at) WHERE delivered_at IS NULL;
CREATE INDEX reminders_user_time ON reminders (user_id, remind_at);
CREATE INDEX reminders_task ON reminders (task_id);
