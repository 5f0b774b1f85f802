-- A claim in one function, for two reasons.
-- - Its plan. Before the table's first ANALYZE the planner takes a machine's pending runs for
--   one row, and an index that finds them without their order, plus a sort, costs it about as
--   much as the one that gives them in order: a claim of 32 runs read and sorted all 43,000
--   pending runs of its machine in some processes (32 ms) and 32 rows in others (0.1 ms).
--   Sorts are off while the runs are picked: each machine's queue is read in order from
--   simulations_machine_status_creation_idx, whatever the statistics say; only the claim's
--   own few runs are sorted. So is JIT compilation, which the cost of a sort that is off
--   (and still needed to merge the machines' queues) would set off at every claim.
-- - Its counters. The trigger per row cost each claimed run about 0.1 ms (3.2 ms of a claim
--   of 32, `EXPLAIN ANALYZE`), the call itself more than what it runs. The function counts the
--   claimed runs once, by machine, while the trigger per row stands aside
--   (aisim.counted_by_statement, as simulations_move() does).
-- machines: the machines whose runs may be taken; NULL for every machine.
CREATE FUNCTION simulations_claim(worker TEXT, machines BIGINT[], now_ms BIGINT,
    lease_until BIGINT, wanted INTEGER) RETURNS SETOF simulations LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
    sorting TEXT := current_setting('enable_sort');
    compiling TEXT := current_setting('jit');
    picked BIGINT[];
BEGIN
    PERFORM set_config('enable_sort', 'off', true);
    PERFORM set_config('jit', 'off', true);
    IF machines IS NULL THEN
        SELECT array_agg(q.simulation_id) INTO picked FROM (
            SELECT simulation_id FROM simulations
            WHERE status = 'pending' AND (not_before IS NULL OR not_before <= now_ms)
            ORDER BY creation_date, simulation_id LIMIT wanted FOR UPDATE SKIP LOCKED) AS q;
    ELSE
        SELECT array_agg(q.simulation_id) INTO picked FROM (
            SELECT queue.simulation_id FROM unnest(machines) AS m (machine_id)
            CROSS JOIN LATERAL (
                SELECT s.simulation_id, s.creation_date FROM simulations AS s
                WHERE s.status = 'pending' AND s.machine_id = m.machine_id
                    AND (s.not_before IS NULL OR s.not_before <= now_ms)
                ORDER BY s.creation_date, s.simulation_id LIMIT wanted
                FOR UPDATE SKIP LOCKED) AS queue
            ORDER BY queue.creation_date, queue.simulation_id LIMIT wanted) AS q;
    END IF;
    PERFORM set_config('enable_sort', sorting, true);
    PERFORM set_config('jit', compiling, true);
    IF picked IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('aisim.counted_by_statement', 'on', true);
    RETURN QUERY
    WITH claimed AS (
        UPDATE simulations AS s SET status = 'running', lease_owner = worker,
            lease_expires_at = lease_until, heartbeat_at = now_ms,
            started_at = COALESCE(s.started_at, now_ms), update_date = now_ms,
            attempts = s.attempts + 1, version = s.version + 1, not_before = NULL,
            lease_acquired_at = now_ms
        WHERE s.simulation_id = ANY (picked) AND s.status = 'pending'
        RETURNING s.*
    ), counted AS (
        -- Each run leaves its machine's pending counter with the attempts it had, and joins
        -- its running counter with one more.
        INSERT INTO simulation_counts AS c (machine_id, status, shard, runs, retries,
            failed_attempts)
        SELECT change.machine_id, change.status, here, SUM(change.runs), SUM(change.retries),
            SUM(change.failed_attempts)
        FROM claimed CROSS JOIN LATERAL (VALUES
            (claimed.machine_id, 'pending', -1, -simulation_retries(claimed.attempts - 1),
                -simulation_failed_attempts(claimed.attempts - 1, 'pending', claimed.error)),
            (claimed.machine_id, 'running', 1, simulation_retries(claimed.attempts),
                simulation_failed_attempts(claimed.attempts, 'running', claimed.error))
        ) AS change (machine_id, status, runs, retries, failed_attempts)
        GROUP BY change.machine_id, change.status ORDER BY change.machine_id, change.status
        ON CONFLICT (machine_id, status, shard) DO UPDATE SET runs = c.runs + excluded.runs,
            retries = c.retries + excluded.retries,
            failed_attempts = c.failed_attempts + excluded.failed_attempts
    )
    SELECT * FROM claimed;
    -- A shard's row goes once it holds nothing.
    DELETE FROM simulation_counts
    WHERE shard = here AND status IN ('pending', 'running') AND runs = 0 AND retries = 0
        AND failed_attempts = 0 AND machine_id IN (SELECT machine_id FROM simulations
            WHERE simulation_id = ANY (picked));
    PERFORM set_config('aisim.counted_by_statement', 'off', true);
END $$;
