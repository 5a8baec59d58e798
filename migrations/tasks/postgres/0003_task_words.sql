-- Search through a per-user word list instead of a GIN index (PostgreSQL).
--
-- A GIN index over (user_id, search) finds a word's tasks, but ranking them needs every
-- matching row's tsvector: for a word in 1% of a 100,000-task user's rows that is ~700 heap
-- pages, and intersecting the user's long posting list costs as much again. task_words holds
-- each task's lexemes in a B-tree keyed by (user, lexeme), with the rank weight beside them,
-- so a one-word search reads one short index range and fetches only the page it returns.
--
-- weight is ts_rank's per-lexeme term for an unweighted tsvector with n positions (the sum of
-- 1/j² for j = 1..n, before ts_rank's constant factors): summed over the lexemes a prefix
-- matches, it orders tasks exactly as ts_rank(search, 'word':*) does. Searches of several
-- words still rank with ts_rank on the few tasks that hold all of them.
--
-- The rows follow tasks.search through triggers, as tasks_fts does on SQLite.

CREATE TABLE task_words (
    user_id TEXT NOT NULL,
    lexeme  TEXT COLLATE "C" NOT NULL,
    task_id BIGINT NOT NULL,
    number  BIGINT NOT NULL,
    weight  REAL NOT NULL,
    PRIMARY KEY (user_id, lexeme, task_id) INCLUDE (number, weight)
);

-- Exact for up to four positions, then the Euler-Maclaurin tail of the series (off by less
-- than 1e-8, below REAL's precision). A single expression, so the planner inlines it.
CREATE FUNCTION task_words_weight(n INTEGER) RETURNS REAL
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT (CASE n
            WHEN 1 THEN 1.0
            WHEN 2 THEN 1.0 + 1.0 / 4
            WHEN 3 THEN 1.0 + 1.0 / 4 + 1.0 / 9
            WHEN 4 THEN 1.0 + 1.0 / 4 + 1.0 / 9 + 1.0 / 16
            ELSE 1.6449340668482264 - 1.0 / n + 1.0 / (2 * n ^ 2) - 1.0 / (6 * n ^ 3)
                + 1.0 / (30 * n ^ 5) - 1.0 / (42 * n ^ 7)
        END)::REAL
    $$;

CREATE FUNCTION task_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_words (user_id, lexeme, task_id, number, weight)
    SELECT NEW.user_id, w.lexeme, NEW.id, NEW.number, task_words_weight(cardinality(w.positions))
    FROM unnest(NEW.search) AS w;
    RETURN NULL;
END $$;

CREATE FUNCTION task_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM task_words AS tw USING unnest(OLD.search) AS w
    WHERE tw.user_id = OLD.user_id AND tw.lexeme = w.lexeme AND tw.task_id = OLD.id;
    RETURN NULL;
END $$;

CREATE TRIGGER task_words_insert AFTER INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION task_words_insert();
CREATE TRIGGER task_words_delete AFTER DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION task_words_delete();
-- An edit of the words: the old lexemes go, the new ones come.
CREATE TRIGGER task_words_update_delete AFTER UPDATE OF title, description, tags ON tasks
    FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search) EXECUTE FUNCTION task_words_delete();
CREATE TRIGGER task_words_update_insert AFTER UPDATE OF title, description, tags ON tasks
    FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search) EXECUTE FUNCTION task_words_insert();

INSERT INTO task_words (user_id, lexeme, task_id, number, weight)
SELECT t.user_id, w.lexeme, t.id, t.number, task_words_weight(cardinality(w.positions))
FROM tasks AS t, unnest(t.search) AS w;

DROP INDEX tasks_search;
