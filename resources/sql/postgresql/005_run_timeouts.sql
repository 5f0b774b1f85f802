-- How long one attempt of a run may take, in seconds, counted from its claim; NULL: the
-- default of the engine that runs it (--run-timeout, none when 0).
ALTER TABLE simulations ADD COLUMN timeout_seconds INTEGER;
