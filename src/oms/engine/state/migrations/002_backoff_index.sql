-- The back-off sweep looks for failed jobs with retries left whose back-off has passed; without an
-- index of its own it would scan every finished job, so its cost would grow with history.
CREATE INDEX job_backoff ON engine.job (retry_at) WHERE state = 'FAILED' AND retries > 0;
