-- Migration 028's ranges for the window's duration, progress and verdict orders too. An ended
-- run's duration (from its start to its end), progress (its points done of its points) and
-- verdict no longer change either, so a row deep into those orders is placed as one deep into
-- the losses is (SimulationKeyRanges). The runs still pending or running, whose keys do change,
-- are read from the status index when a row is placed, as the running ones of the loss orders
-- are; a run that never started sorts at 0 in duration and progress. The ranges place a run by
-- its keys as doubles: a duration (a BIGINT) is whole in one, the progress of two runs,
-- fractions of at most a million points, differ as doubles wherever they differ as numerics, and
-- a verdict is placed by its rank in the order (the text's).
--
-- low_text: the low key in full where a double would not hold it: the verdict, and the progress,
-- a numeric, which the order's index compares with the numeric the text gives.
ALTER TABLE simulation_key_ranges DROP CONSTRAINT simulation_key_ranges_order_key_check,
    ADD CONSTRAINT simulation_key_ranges_order_key_check
        CHECK (order_key IN ('final_loss', 'best_loss', 'loss_rate', 'duration', 'progress',
                             'verdict')),
    ADD COLUMN low_text TEXT;

INSERT INTO simulation_key_ranges (order_key, range_id, low_key, low_id)
VALUES ('duration', 0, -1e308, 0), ('duration', 1, 1e308, 0),
    ('progress', 0, -1e308, 0), ('progress', 1, 1e308, 0),
    ('verdict', 0, -1e308, 0), ('verdict', 1, 1e308, 0);

-- Every key of these orders is below 1e308: the lowest range holds them all.
INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, shard, runs)
    SELECT k.order_key, 0, machine_id, status, 0, COUNT(*)
    FROM simulations CROSS JOIN (VALUES ('duration'), ('progress'), ('verdict')) AS k (order_key)
    WHERE status IN ('finished', 'failed', 'cancelled')
    GROUP BY 1, 2, 3, 4;

-- The ended runs a statement added or deleted, by order, range, machine and status.
CREATE OR REPLACE FUNCTION simulation_key_ranges_add_changed() RETURNS trigger LANGUAGE plpgsql
AS $$
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
    FROM changed CROSS JOIN LATERAL (
        VALUES ('final_loss', COALESCE(changed.final_loss, 1e308)),
               ('best_loss', COALESCE(changed.best_loss, 1e308)),
               ('loss_rate', COALESCE(changed.loss_rate, 1e308)),
               ('duration', CAST(COALESCE(COALESCE(changed.finished_at, changed.update_date)
                       - changed.started_at, 0)
                       AS DOUBLE PRECISION)),
               ('progress', CAST(changed.points_done * 1.0 / changed.points_total
                       AS DOUBLE PRECISION)),
               ('verdict', CASE changed.verdict WHEN 'converging' THEN 0
                       WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END))
        AS k (order_key, key)
    WHERE changed.status IN ('finished', 'failed', 'cancelled')
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (order_key, range_id, machine_id, status, shard)
        DO UPDATE SET runs = c.runs + excluded.runs;
    RETURN NULL;
END $$;

-- A run that ends, is taken back, moves to another machine or has a key changed after it ended
-- leaves its old ranges and joins its new ones, as in migration 028.
CREATE OR REPLACE FUNCTION simulation_key_ranges_follow() RETURNS trigger LANGUAGE plpgsql AS $$
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
                         AND (low_key, low_id) <= (
                             COALESCE(OLD.final_loss, 1e308),
                             OLD.simulation_id)
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
                         AND (low_key, low_id) <= (
                             COALESCE(OLD.best_loss, 1e308),
                             OLD.simulation_id)
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
                         AND (low_key, low_id) <= (
                             COALESCE(OLD.loss_rate, 1e308),
                             OLD.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                     ORDER BY low_key, low_id LIMIT 1))),
            OLD.machine_id, OLD.status, here, -1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('duration', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                     WHERE order_key = 'duration'
                         AND (low_key, low_id) <= (
                             CAST(COALESCE(COALESCE(OLD.finished_at, OLD.update_date)
                                 - OLD.started_at, 0)
                                 AS DOUBLE PRECISION),
                             OLD.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'duration'
                     ORDER BY low_key, low_id LIMIT 1))),
            OLD.machine_id, OLD.status, here, -1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('progress', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                     WHERE order_key = 'progress'
                         AND (low_key, low_id) <= (
                             CAST(OLD.points_done * 1.0 / OLD.points_total
                                 AS DOUBLE PRECISION),
                             OLD.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'progress'
                     ORDER BY low_key, low_id LIMIT 1))),
            OLD.machine_id, OLD.status, here, -1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('verdict', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                     WHERE order_key = 'verdict'
                         AND (low_key, low_id) <= (
                             CASE OLD.verdict WHEN 'converging' THEN 0
                                 WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END,
                             OLD.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'verdict'
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
                         AND (low_key, low_id) <= (
                             COALESCE(NEW.final_loss, 1e308),
                             NEW.simulation_id)
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
                         AND (low_key, low_id) <= (
                             COALESCE(NEW.best_loss, 1e308),
                             NEW.simulation_id)
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
                         AND (low_key, low_id) <= (
                             COALESCE(NEW.loss_rate, 1e308),
                             NEW.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                     ORDER BY low_key, low_id LIMIT 1))),
            NEW.machine_id, NEW.status, here, 1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('duration', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                     WHERE order_key = 'duration'
                         AND (low_key, low_id) <= (
                             CAST(COALESCE(COALESCE(NEW.finished_at, NEW.update_date)
                                 - NEW.started_at, 0)
                                 AS DOUBLE PRECISION),
                             NEW.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'duration'
                     ORDER BY low_key, low_id LIMIT 1))),
            NEW.machine_id, NEW.status, here, 1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('progress', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                     WHERE order_key = 'progress'
                         AND (low_key, low_id) <= (
                             CAST(NEW.points_done * 1.0 / NEW.points_total
                                 AS DOUBLE PRECISION),
                             NEW.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'progress'
                     ORDER BY low_key, low_id LIMIT 1))),
            NEW.machine_id, NEW.status, here, 1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
        INSERT INTO simulation_key_range_runs AS c (order_key, range_id, machine_id, status,
            shard, runs)
        VALUES ('verdict', (SELECT COALESCE(
                (SELECT range_id FROM simulation_key_ranges
                     WHERE order_key = 'verdict'
                         AND (low_key, low_id) <= (
                             CASE NEW.verdict WHEN 'converging' THEN 0
                                 WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END,
                             NEW.simulation_id)
                     ORDER BY low_key DESC, low_id DESC LIMIT 1),
                    (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'verdict'
                     ORDER BY low_key, low_id LIMIT 1))),
            NEW.machine_id, NEW.status, here, 1)
        ON CONFLICT (order_key, range_id, machine_id, status, shard)
            DO UPDATE SET runs = c.runs + excluded.runs;
    END IF;
    RETURN NULL;
END $$;

-- The points of a running run do not pass here.
DROP TRIGGER simulations_key_ranges_update ON simulations;
CREATE TRIGGER simulations_key_ranges_update
    AFTER UPDATE OF status, machine_id, final_loss, best_loss, loss_rate, simulation_id, started_at,
    finished_at, update_date, points_done, points_total, verdict
    ON simulations FOR EACH ROW
    WHEN ((OLD.status IN ('finished', 'failed', 'cancelled')
           OR NEW.status IN ('finished', 'failed', 'cancelled'))
          AND (OLD.status IS DISTINCT FROM NEW.status
               OR OLD.machine_id IS DISTINCT FROM NEW.machine_id
               OR OLD.final_loss IS DISTINCT FROM NEW.final_loss
               OR OLD.best_loss IS DISTINCT FROM NEW.best_loss
               OR OLD.loss_rate IS DISTINCT FROM NEW.loss_rate
               OR OLD.simulation_id IS DISTINCT FROM NEW.simulation_id
               OR OLD.verdict IS DISTINCT FROM NEW.verdict
               OR COALESCE(COALESCE(OLD.finished_at, OLD.update_date)
                  - OLD.started_at, 0)
                  IS DISTINCT FROM COALESCE(COALESCE(NEW.finished_at, NEW.update_date)
                  - NEW.started_at, 0)
               OR (OLD.points_done * 1.0 / OLD.points_total)
                  IS DISTINCT FROM (NEW.points_done * 1.0 / NEW.points_total))
          AND current_setting('aisim.counted_by_statement', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION simulation_key_ranges_follow();

-- Migration 028's move. A run that ended without an end written takes its duration from its last
-- update, which the move sets: it leaves the source's ranges by the update before the move, read
-- from the rows the move locks.
CREATE OR REPLACE FUNCTION simulations_move(source BIGINT, target BIGINT, moved_at BIGINT)
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
    moved BIGINT;
BEGIN
    PERFORM set_config('aisim.counted_by_statement', 'on', true);
    LOCK TABLE simulation_key_ranges IN ROW SHARE MODE;
    WITH runs AS (
        UPDATE simulations AS s SET machine_id = target, update_date = moved_at,
            version = s.version + 1
        FROM (SELECT simulation_id, update_date FROM simulations
              WHERE machine_id = source AND status <> 'running' FOR UPDATE) AS before
        WHERE s.simulation_id = before.simulation_id AND s.machine_id = source
            AND s.status <> 'running'
        RETURNING s.status, s.attempts, s.error, s.simulation_id / 4096 AS block, s.simulation_id,
            s.final_loss, s.best_loss, s.loss_rate, s.started_at, s.finished_at,
            before.update_date AS updated_before, s.points_done, s.points_total, s.verdict
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
        SELECT e.order_key, simulation_key_range_of(e.order_key, e.key, e.simulation_id),
            e.machine_id, e.status, here, SUM(e.sign)
        FROM (SELECT k.order_key, k.key, runs.simulation_id, ends.machine_id, runs.status,
                  ends.sign
              FROM runs CROSS JOIN (VALUES (source, -1), (target, 1)) AS ends (machine_id, sign)
                  CROSS JOIN LATERAL (
                  VALUES ('final_loss', COALESCE(runs.final_loss, 1e308)),
                         ('best_loss', COALESCE(runs.best_loss, 1e308)),
                         ('loss_rate', COALESCE(runs.loss_rate, 1e308)),
                         ('duration', CAST(COALESCE(COALESCE(runs.finished_at,
                                     CASE WHEN ends.sign < 0 THEN runs.updated_before
                                         ELSE moved_at END)
                                 - runs.started_at, 0) AS DOUBLE PRECISION)),
                         ('progress', CAST(runs.points_done * 1.0 / runs.points_total
                                 AS DOUBLE PRECISION)),
                         ('verdict', CASE runs.verdict WHEN 'converging' THEN 0
                                 WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END))
                  AS k (order_key, key)
              WHERE runs.status IN ('finished', 'failed', 'cancelled')) AS e
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
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
