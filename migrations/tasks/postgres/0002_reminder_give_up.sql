-- A reminder whose webhook delivery failed REMINDER_MAX_ATTEMPTS times is given up on:
-- gave_up_at records when, and the worker no longer picks it (PostgreSQL).
ALTER TABLE reminders ADD COLUMN gave_up_at TIMESTAMPTZ;
