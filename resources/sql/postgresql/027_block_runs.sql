-- The runs of each block of 4,096 ids (migration 017) counted per machine and status: a page deep
-- into the id or creation order under a status or a machine filter, or into the status or the
-- machine order, finds the row before it from these counts (SimulationBlocks) instead of walking
-- the order's index up to it. Kept in the transaction of every change, as the counters are: by
-- their trigger per statement for runs added or deleted, by a trigger per row for a run that
-- changes its status, machine or block, and by simulations_move() and simulations_claim() for
-- the runs they move or claim at once (migrations 015 and 019), which count them by statement.
-- In the same shards as the counters (one per connection); a shard may hold a negative share,
-- and simulation_block_runs_fold() folds the shards of the blocks below the newest into shard 0.
CREATE TABLE simulation_block_runs (
    machine_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    block BIGINT NOT NULL,
    shard SMALLINT NOT NULL,
    runs BIGINT NOT NULL,
    PRIMARY KEY (machine_id, status, block, shard)
);
-- A status filter alone, or the status order, reads the blocks of every machine.
CREATE INDEX simulation_block_runs_status_idx ON simulation_block_runs (status, block);

INSERT INTO simulation_block_runs (machine_id, status, block, shard, runs)
    SELECT machine_id, status, simulation_id / 4096, 0, COUNT(*)
    FROM simulations GROUP BY machine_id, status, simulation_id / 4096;

-- Migration 024's trigger per statement, which now also counts the runs added or deleted by
-- machine, status and block, after their counters, in the order the claim and the move take them.
CREATE OR REPLACE FUNCTION simulation_counts_add_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
    sign INTEGER := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
    counter RECORD;
BEGIN
    FOR counter IN
        INSERT INTO simulation_counts AS c (machine_id, status, shard, runs, retries,
            failed_attempts)
        SELECT machine_id, status, here, sign * COUNT(*), sign * SUM(simulation_retries(attempts)),
            sign * SUM(simulation_failed_attempts(attempts, status, error))
        FROM changed GROUP BY machine_id, status ORDER BY machine_id, status
        ON CONFLICT (machine_id, status, shard) DO UPDATE SET runs = c.runs + excluded.runs,
            retries = c.retries + excluded.retries,
            failed_attempts = c.failed_attempts + excluded.failed_attempts
        RETURNING c.machine_id, c.status, c.runs, c.retries, c.failed_attempts
    LOOP
        -- A shard's row goes once it holds nothing.
        IF counter.runs = 0 AND counter.retries = 0 AND counter.failed_attempts = 0 THEN
            DELETE FROM simulation_counts
            WHERE machine_id = counter.machine_id AND status = counter.status AND shard = here;
        END IF;
    END LOOP;
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created,
        first_name_key, last_name_key, first_updated, last_updated)
    SELECT simulation_id / 4096, here, sign * COUNT(*),
        CASE WHEN sign > 0 THEN MIN(creation_date) END,
        CASE WHEN sign > 0 THEN MAX(creation_date) END,
        CASE WHEN sign > 0 THEN MIN(name_key) END,
        CASE WHEN sign > 0 THEN MAX(name_key) END,
        CASE WHEN sign > 0 THEN MIN(update_date) END,
        CASE WHEN sign > 0 THEN (MAX(update_date) / 60000 + 1) * 60000 END
    FROM changed GROUP BY simulation_id / 4096 ORDER BY simulation_id / 4096
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key),
        first_updated = LEAST(b.first_updated, excluded.first_updated),
        last_updated = GREATEST(b.last_updated, excluded.last_updated);
    INSERT INTO simulation_block_runs AS r (machine_id, status, block, shard, runs)
    SELECT machine_id, status, simulation_id / 4096, here, sign * COUNT(*)
    FROM changed GROUP BY machine_id, status, simulation_id / 4096 ORDER BY 1, 2, 3
    ON CONFLICT (machine_id, status, block, shard) DO UPDATE SET runs = r.runs + excluded.runs;
    IF sign > 0 THEN
        INSERT INTO simulation_block_grams (gram, block, shard)
        SELECT DISTINCT gram, simulation_id / 4096, here
        FROM changed, simulation_name_grams(name_folded) AS gram
        WHERE name_folded IS NOT NULL
        ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

-- A run leaves the count of its old machine, status and block and joins the new one's, the
-- lower key first, as the counters' trigger takes its two rows. Named after the counters'
-- trigger (simulations_count_update), which PostgreSQL fires first (triggers of one event fire
-- by name): every change takes its counter rows before these, as the claim and the move do, so
-- that two transactions in one shard wait for each other rather than deadlock.
CREATE FUNCTION simulation_block_runs_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO simulation_block_runs AS r (machine_id, status, block, shard, runs)
    SELECT machine_id, status, block, pg_backend_pid() % 16, runs
    FROM (VALUES (OLD.machine_id, OLD.status, OLD.simulation_id / 4096, -1),
                 (NEW.machine_id, NEW.status, NEW.simulation_id / 4096, 1))
        AS moved (machine_id, status, block, runs)
    ORDER BY 1, 2, 3
    ON CONFLICT (machine_id, status, block, shard) DO UPDATE SET runs = r.runs + excluded.runs;
    RETURN NULL;
END $$;

CREATE TRIGGER simulations_counted_block_runs_follow
    AFTER UPDATE OF status, machine_id, simulation_id
    ON simulations FOR EACH ROW
    WHEN ((OLD.status IS DISTINCT FROM NEW.status OR OLD.machine_id IS DISTINCT FROM NEW.machine_id
          OR OLD.simulation_id / 4096 IS DISTINCT FROM NEW.simulation_id / 4096)
          AND current_setting('aisim.counted_by_statement', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION simulation_block_runs_follow();

-- Migration 015's move, which now also moves the runs' block counts by one statement.
CREATE OR REPLACE FUNCTION simulations_move(source BIGINT, target BIGINT, moved_at BIGINT)
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
    moved BIGINT;
BEGIN
    PERFORM set_config('aisim.counted_by_statement', 'on', true);
    WITH runs AS (
        UPDATE simulations SET machine_id = target, update_date = moved_at, version = version + 1
        WHERE machine_id = source AND status <> 'running'
        RETURNING status, attempts, error, simulation_id / 4096 AS block
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
    ), blocks AS (
        INSERT INTO simulation_block_runs AS r (machine_id, status, block, shard, runs)
        SELECT ends.machine_id, b.status, b.block, here, ends.sign * b.runs
        FROM (SELECT status, block, COUNT(*) AS runs FROM runs GROUP BY status, block) AS b
            CROSS JOIN (VALUES (source, -1), (target, 1)) AS ends (machine_id, sign)
        ORDER BY 1, 2, 3
        ON CONFLICT (machine_id, status, block, shard) DO UPDATE SET runs = r.runs + excluded.runs
    )
    SELECT COALESCE(SUM(runs), 0) INTO moved FROM by_status;
    -- A shard's row goes once it holds nothing.
    DELETE FROM simulation_counts
    WHERE machine_id IN (source, target) AND shard = here AND runs = 0 AND retries = 0
        AND failed_attempts = 0;
    PERFORM set_config('aisim.counted_by_statement', 'off', true);
    RETURN moved;
END $$;

-- Migration 019's claim, which now also moves the claimed runs' block counts by one statement.
CREATE OR REPLACE FUNCTION simulations_claim(worker TEXT, machines BIGINT[], now_ms BIGINT,
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
    ), blocks AS (
        -- And the count of its machine, status and block (migration 027) likewise.
        INSERT INTO simulation_block_runs AS r (machine_id, status, block, shard, runs)
        SELECT claimed.machine_id, change.status, claimed.simulation_id / 4096, here,
            SUM(change.runs)
        FROM claimed CROSS JOIN LATERAL (VALUES ('pending', -1), ('running', 1))
            AS change (status, runs)
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (machine_id, status, block, shard) DO UPDATE SET runs = r.runs + excluded.runs
    )
    SELECT * FROM claimed;
    -- A shard's row goes once it holds nothing.
    DELETE FROM simulation_counts
    WHERE shard = here AND status IN ('pending', 'running') AND runs = 0 AND retries = 0
        AND failed_attempts = 0 AND machine_id IN (SELECT machine_id FROM simulations
            WHERE simulation_id = ANY (picked));
    PERFORM set_config('aisim.counted_by_statement', 'off', true);
END $$;

-- Folds the shards of the blocks below the newest into shard 0, a row for each machine, status
-- and block, and drops the rows that count nothing. Rows being written meanwhile wait for it or
-- are folded next time.
CREATE FUNCTION simulation_block_runs_fold() RETURNS void LANGUAGE sql AS $$
    WITH folded AS (
        DELETE FROM simulation_block_runs
        WHERE shard <> 0 AND block < (SELECT MAX(block) FROM simulation_block_runs)
        RETURNING machine_id, status, block, runs
    )
    INSERT INTO simulation_block_runs AS r (machine_id, status, block, shard, runs)
    SELECT machine_id, status, block, 0, SUM(runs)
    FROM folded GROUP BY machine_id, status, block ORDER BY 1, 2, 3
    ON CONFLICT (machine_id, status, block, shard) DO UPDATE SET runs = r.runs + excluded.runs;
    DELETE FROM simulation_block_runs WHERE shard = 0 AND runs = 0;
$$;
