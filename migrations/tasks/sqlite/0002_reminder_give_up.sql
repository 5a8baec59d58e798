-- A reminder whose webhook delivery failed REMINDER_MAX_ATTEMPTS times is given up on:
-- gave_up_at records when (Unix milliseconds), and the worker no longer picks it (SQLite).
ALTER TABLE reminders ADD COLUMN gave_up_at INTEGER;
