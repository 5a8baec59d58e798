-- Notices already shown to a user (e.g. a due reminder, keyed by reminder id and time), so each
-- is shown once. Rows older than two days are pruned when the user is next shown something.
CREATE TABLE chat_shown_notices (
    user_id  TEXT NOT NULL,
    key      TEXT NOT NULL,
    shown_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
