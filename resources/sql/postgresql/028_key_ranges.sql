-- The ended runs (finished, failed or cancelled) counted by ranges of the loss orders' keys, per
-- machine and status: a page deep into the final loss, best loss or rate order finds the row
-- before it from these counts (SimulationKeyRanges) instead of walking the order's index up to
-- it. An ended run's losses no longer change, so a run is counted once, when it ends; the few
-- runs still pending or running are read from the status index when a page is placed. Kept in
-- the transaction of every change, in the counters' shards (one per connection): by triggers per
-- statement for runs added or deleted (a statement of many runs takes each count's row once, as
-- a row updated again and again within one transaction would leave a chain of versions to walk),
-- by a trigger per row for a run that ends or changes once ended, which a run that does not end
-- skips (its WHEN), and by simulations_move() for the runs it moves.
--
-- A range holds the rows from its low key and id (in the order's key, then the id) up to the
-- next range's; the lowest range holds every row below the next. Housekeeping splits a range
-- that holds too many runs (SimulationKeyRanges::split) under an EXCLUSIVE lock of the ranges,
-- which the trigger's ROW SHARE lock waits for: no run is counted in a range that is being
-- split. A range at the key 1e308 (runs without the statistic sort there) always stays.
CREATE TABLE simulation_key_ranges (
    order_key TEXT NOT NULL CHECK (order_key IN ('final_loss', 'best_loss', 'loss_rate')),
    range_id BIGINT NOT NULL,
    low_key DOUBLE PRECISION NOT NULL,
    low_id BIGINT NOT NULL,
    PRIMARY KEY (order_key, range_id)
);
CREATE UNIQUE INDEX simulation_key_ranges_low_idx
    ON simulation_key_ranges (order_key, low_key, low_id);

CREATE TABLE simulation_key_range_runs (
    order_key TEXT NOT NULL,
    range_id BIGINT NOT NULL,
    machine_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    shard SMALLINT NOT NULL,
    runs BIGINT NOT NULL,
    PRIMARY KEY (order_key, range_id, machine_id, status, shard)
);

INSERT INTO simulation_key_ranges (order_key, range_id, low_key, low_id)
VALUES ('final_loss', 0, -1e308, 0), ('final_loss', 1, 1e308, 0),
    ('best_loss', 0, -1e308, 0), ('best_loss', 1, 1e308, 0),
    ('loss_rate', 0, -1e308, 0), ('loss_rate', 1, 1e308, 0);

INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, shard, runs)
    SELECT k.order_key, CASE WHEN k.key < 1e308 THEN 0 ELSE 1 END, machine_id, status, 0,
        COUNT(*)
    FROM simulations CROSS JOIN LATERAL (VALUES ('final_loss', COALESCE(final_loss, 1e308)),
                                                ('best_loss', COALESCE(best_loss, 1e308)),
                                                ('loss_rate', COALESCE(loss_rate, 1e308)))
        AS k (order_key, key)
    WHERE status IN ('finished', 'failed', 'cancelled')
    GROUP BY 1, 2, 3, 4;

-- The range of a key and id: the highest whose low end is at or below them, else the lowest.
CREATE FUNCTION simulation_key_range_of(order_name TEXT, key DOUBLE PRECISION, id BIGINT)
RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT range_id FROM simulation_key_ranges
         WHERE order_key = order_name AND (low_key, low_id) <= (key, id)
         ORDER BY low_key DESC, low_id DESC LIMIT 1),
        (SELECT range_id FROM simulation_key_ranges WHERE order_key = order_name
         ORDER BY low_key, low_id LIMIT 1))
$$;

-- The ended runs a statement added or deleted, by order, range, machine and status.
CREATE FUNCTION simulation_key_ranges_add_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed WHERE status IN ('finished', 'failed', 'cancelled')) THEN
        RETURN NULL;
    END IF;
    LOCK TABLE simulation_key_ranges IN ROW SHARE MODE;
    INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status, shard,
        runs)
    SELECT k.order_key, simulation_key_range_of(k.order_key, k.key, changed.simulation_id),
        changed.machine_id, changed.status, pg_backend_pid() % 16,
        CASE WHEN TG_OP = 'DELETE' THEN -COUNT(*) ELSE COUNT(*) END
    FROM changed CROSS JOIN LATERAL (VALUES ('final_loss', COALESCE(changed.final_loss, 1e308)),
                                            ('best_loss', COALESCE(changed.best_loss, 1e308)),
                                            ('loss_rate', COALESCE(changed.loss_rate, 1e308)))
        AS k (order_key, key)
    WHERE changed.status IN ('finished', 'failed', 'cancelled')
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (order_key, range_id, machine_id, status, shard)
        DO UPDATE SET runs = c.runs + excluded.runs;
    RETURN NULL;
END $$;

-- Named after the counters' triggers, which PostgreSQL fires first (by name), as the blocks'
-- triggers of migration 027 are: every change takes its counter rows before these.
CREATE TRIGGER simulations_key_ranges_insert AFTER INSERT ON simulations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION simulation_key_ranges_add_changed();
CREATE TRIGGER simulations_key_ranges_delete AFTER DELETE ON simulations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION simulation_key_ranges_add_changed();

-- A run that ends, is taken back, moves to another machine or has its statistics written again
-- after it ended leaves its old ranges and joins its new ones: an upsert of its values for each
-- order and side, each a plan kept by PL/pgSQL (one statement over a derived table of its rows,
-- grouped, cost a run's end about 0.2 ms).
CREATE FUNCTION simulation_key_ranges_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
BEGIN
    LOCK TABLE simulation_key_ranges IN ROW SHARE MODE;
    IF OLD.status IN ('finished', 'failed', 'cancelled') THEN
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('final_loss', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                 WHERE order_key = 'final_loss'
                     AND (low_key, low_id) <= (COALESCE(OLD.final_loss, 1e308), OLD.simulation_id)
                 ORDER BY low_key DESC, low_id DESC LIMIT 1),
                (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                 ORDER BY low_key, low_id LIMIT 1))),
            OLD.machine_id, OLD.status, here, -1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('best_loss', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                 WHERE order_key = 'best_loss'
                     AND (low_key, low_id) <= (COALESCE(OLD.best_loss, 1e308), OLD.simulation_id)
                 ORDER BY low_key DESC, low_id DESC LIMIT 1),
                (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                 ORDER BY low_key, low_id LIMIT 1))),
            OLD.machine_id, OLD.status, here, -1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('loss_rate', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                 WHERE order_key = 'loss_rate'
                     AND (low_key, low_id) <= (COALESCE(OLD.loss_rate, 1e308), OLD.simulation_id)
                 ORDER BY low_key DESC, low_id DESC LIMIT 1),
                (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                 ORDER BY low_key, low_id LIMIT 1))),
            OLD.machine_id, OLD.status, here, -1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
    END IF;
    IF NEW.status IN ('finished', 'failed', 'cancelled') THEN
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('final_loss', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                 WHERE order_key = 'final_loss'
                     AND (low_key, low_id) <= (COALESCE(NEW.final_loss, 1e308), NEW.simulation_id)
                 ORDER BY low_key DESC, low_id DESC LIMIT 1),
                (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                 ORDER BY low_key, low_id LIMIT 1))),
            NEW.machine_id, NEW.status, here, 1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('best_loss', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                 WHERE order_key = 'best_loss'
                     AND (low_key, low_id) <= (COALESCE(NEW.best_loss, 1e308), NEW.simulation_id)
                 ORDER BY low_key DESC, low_id DESC LIMIT 1),
                (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                 ORDER BY low_key, low_id LIMIT 1))),
            NEW.machine_id, NEW.status, here, 1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('loss_rate', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                 WHERE order_key = 'loss_rate'
                     AND (low_key, low_id) <= (COALESCE(NEW.loss_rate, 1e308), NEW.simulation_id)
                 ORDER BY low_key DESC, low_id DESC LIMIT 1),
                (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                 ORDER BY low_key, low_id LIMIT 1))),
            NEW.machine_id, NEW.status, here, 1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
    END IF;
    RETURN NULL;
END $$;

-- The points of a running run do not pass here.
CREATE TRIGGER simulations_key_ranges_update
    AFTER UPDATE OF status, machine_id, final_loss, best_loss, loss_rate, simulation_id
    ON simulations FOR EACH ROW
    WHEN ((OLD.status IN ('finished', 'failed', 'cancelled')
           OR NEW.status IN ('finished', 'failed', 'cancelled'))
          AND (OLD.status IS DISTINCT FROM NEW.status
               OR OLD.machine_id IS DISTINCT FROM NEW.machine_id
               OR OLD.final_loss IS DISTINCT FROM NEW.final_loss
               OR OLD.best_loss IS DISTINCT FROM NEW.best_loss
               OR OLD.loss_rate IS DISTINCT FROM NEW.loss_rate
               OR OLD.simulation_id IS DISTINCT FROM NEW.simulation_id)
          AND current_setting('aisim.counted_by_statement', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION simulation_key_ranges_follow();

-- Migration 027's move, which now also moves the ended runs' counts in the ranges of the loss
-- orders by one statement.
CREATE OR REPLACE FUNCTION simulations_move(source BIGINT, target BIGINT, moved_at BIGINT)
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
    moved BIGINT;
BEGIN
    PERFORM set_config('aisim.counted_by_statement', 'on', true);
    LOCK TABLE simulation_key_ranges IN ROW SHARE MODE;
    WITH runs AS (
        UPDATE simulations SET machine_id = target, update_date = moved_at, version = version + 1
        WHERE machine_id = source AND status <> 'running'
        RETURNING status, attempts, error, simulation_id / 4096 AS block, simulation_id,
            final_loss, best_loss, loss_rate
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
    ), ranged AS (
        INSERT INTO simulation_key_range_runs AS k (order_key, range_id, machine_id, status,
            shard, runs)
        SELECT e.order_key, e.range_id, ends.machine_id, e.status, here, ends.sign * e.runs
        FROM (SELECT k.order_key, simulation_key_range_of(k.order_key, k.key, runs.simulation_id)
                  AS range_id, runs.status, COUNT(*) AS runs
              FROM runs CROSS JOIN LATERAL (
                  VALUES ('final_loss', COALESCE(runs.final_loss, 1e308)),
                         ('best_loss', COALESCE(runs.best_loss, 1e308)),
                         ('loss_rate', COALESCE(runs.loss_rate, 1e308))) AS k (order_key, key)
              WHERE runs.status IN ('finished', 'failed', 'cancelled')
              GROUP BY 1, 2, 3) AS e
            CROSS JOIN (VALUES (source, -1), (target, 1)) AS ends (machine_id, sign)
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = k.runs + excluded.runs
    )
    SELECT COALESCE(SUM(runs), 0) INTO moved FROM by_status;
    -- A shard's row goes once it holds nothing.
    DELETE FROM simulation_counts
    WHERE machine_id IN (source, target) AND shard = here AND runs = 0 AND retries = 0
        AND failed_attempts = 0;
    PERFORM set_config('aisim.counted_by_statement', 'off', true);
    RETURN moved;
END $$;

-- Folds the shards into shard 0 under the lock a split takes (SimulationKeyRanges::split): no
-- run is being counted meanwhile, so the fold waits for no writer's row, nor one for it.
CREATE FUNCTION simulation_key_range_runs_fold() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM simulation_key_range_runs WHERE shard <> 0) THEN
        RETURN;
    END IF;
    LOCK TABLE simulation_key_ranges IN EXCLUSIVE MODE;
    WITH folded AS (
        DELETE FROM simulation_key_range_runs WHERE shard <> 0
        RETURNING order_key, range_id, machine_id, status, runs
    )
    INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status, shard,
        runs)
    SELECT order_key, range_id, machine_id, status, 0, SUM(runs)
    FROM folded GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (order_key, range_id, machine_id, status, shard)
        DO UPDATE SET runs = c.runs + excluded.runs;
    DELETE FROM simulation_key_range_runs WHERE shard = 0 AND runs = 0;
END $$;
