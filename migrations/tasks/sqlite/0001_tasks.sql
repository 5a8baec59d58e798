-- Tasks, their per-user numbers, completion history and reminders (SQLite).
-- Instants are integer Unix milliseconds (UTC); dates are 'YYYY-MM-DD' text.

CREATE TABLE task_counters (
    user_id     TEXT PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE tasks (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                    TEXT NOT NULL,
    number                     INTEGER NOT NULL,
    title                      TEXT NOT NULL,
    description                TEXT,
    status                     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
    priority                   INTEGER NOT NULL DEFAULT 4 CHECK (priority BETWEEN 1 AND 4),
    -- Space-separated, lower-case tags ("home errands"); filtered with LIKE on ' ' || tags || ' '.
    tags                       TEXT NOT NULL DEFAULT '',
    due_at                     INTEGER,
    due_date                   TEXT,
    -- The instant used to sort and filter: due_at, or the start of due_date in due_tz.
    due_key                    INTEGER,
    due_string                 TEXT,
    due_tz                     TEXT,
    recurrence_phrase          TEXT,
    recurrence_rule            TEXT,
    recurrence_from_completion BOOLEAN NOT NULL DEFAULT FALSE,
    created_at                 INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL,
    completed_at               INTEGER,
    UNIQUE (user_id, number)
);

CREATE INDEX tasks_user_status_due ON tasks (user_id, status, due_key, priority, number);

-- Full-text index over title, description and tags, kept in step by triggers.
CREATE VIRTUAL TABLE tasks_fts USING fts5 (
    title, description, tags,
    content = 'tasks', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, title, description, tags) VALUES (new.id, new.title, new.description, new.tags);
END;

CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
    VALUES ('delete', old.id, old.title, old.description, old.tags);
END;

CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description, tags ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
    VALUES ('delete', old.id, old.title, old.description, old.tags);
    INSERT INTO tasks_fts (rowid, title, description, tags) VALUES (new.id, new.title, new.description, new.tags);
END;

CREATE TABLE task_completions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      TEXT NOT NULL,
    task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    completed_at INTEGER NOT NULL
);

CREATE INDEX task_completions_user_time ON task_completions (user_id, completed_at);
CREATE INDEX task_completions_task ON task_completions (task_id);

CREATE TABLE reminders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         TEXT NOT NULL,
    task_id         INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    remind_at       INTEGER NOT NULL,
    phrase          TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER
);

CREATE INDEX reminders_undelivered ON reminders (remind_at) WHERE delivered_at IS NULL;
CREATE INDEX reminders_user_time ON reminders (user_id, remind_at);
CREATE INDEX reminders_task ON reminders (task_id);
