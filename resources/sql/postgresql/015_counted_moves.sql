-- Moving a machine's runs to another machine changed their counters through the trigger per row:
-- every run a new version of the same two counter rows, each slower than the last (20,000 runs
-- moved in 25 s). simulations_move() moves them by one statement and counts them once, by
-- status, while the trigger per row stands aside (aisim.counted_by_statement, for the rest of
-- the function only). It returns how many runs moved; running ones stay with their worker.
DROP TRIGGER simulations_count_update ON simulations;

CREATE TRIGGER simulations_count_update AFTER UPDATE OF status, machine_id, attempts, error
    ON simulations FOR EACH ROW
    WHEN ((OLD.status IS DISTINCT FROM NEW.status OR OLD.machine_id IS DISTINCT FROM NEW.machine_id
          OR OLD.attempts IS DISTINCT FROM NEW.attempts OR OLD.error IS DISTINCT FROM NEW.error)
          AND current_setting('aisim.counted_by_statement', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION simulation_counts_follow();

CREATE FUNCTION simulations_move(source BIGINT, target BIGINT, moved_at BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
    moved BIGINT;
BEGIN
    PERFORM set_config('aisim.counted_by_statement', 'on', true);
    WITH runs AS (
        UPDATE simulations SET machine_id = target, update_date = moved_at, version = version + 1
        WHERE machine_id = source AND status <> 'running'
        RETURNING status, attempts, error
    ), by_status AS (
        SELECT status, COUNT(*) AS runs, SUM(simulation_retries(attempts)) AS retries,
            SUM(simulation_failed_attempts(attempts, status, error)) AS failed_attempts
        FROM runs GROUP BY status
    ), counted AS (
        INSERT INTO simulation_counts AS c (machine_id, status, shard, runs, retries,
            failed_attempts)
        SELECT ends.machine_id, s.status, here, ends.sign * s.runs, ends.sign * s.retries,
            ends.sign * s.failed_attempts
        FROM by_status AS s CROSS JOIN (VALUES (source, -1), (target, 1)) AS ends (machine_id, sign)
        ORDER BY ends.machine_id, s.status
        ON CONFLICT (machine_id, status, shard) DO UPDATE SET runs = c.runs + excluded.runs,
            retries = c.retries + excluded.retries,
            failed_attempts = c.failed_attempts + excluded.failed_attempts
    )
    SELECT COALESCE(SUM(runs), 0) INTO moved FROM by_status;
    -- A shard's row goes once it holds nothing.
    DELETE FROM simulation_counts
    WHERE machine_id IN (source, target) AND shard = here AND runs = 0 AND retries = 0
        AND failed_attempts = 0;
    PERFORM set_config('aisim.counted_by_statement', 'off', true);
    RETURN moved;
END $$;
