-- The ended runs (finished, failed or cancelled) counted by ranges of the loss orders' keys, per
-- machine and status: a page deep into the final loss, best loss or rate order finds the row
-- before it from these counts (SimulationKeyRanges) instead of walking the order's index up to
-- it. An ended run's losses no longer change, so a run is counted once, when it ends; the few
-- runs still pending or running are read from the status index when a page is placed. Kept by
-- triggers in the transaction of every change, as the counters are.
--
-- A range holds the rows from its low key and id (in the order's key, then the id) up to the
-- next range's; the lowest range holds every row below the next. Housekeeping splits a range
-- that holds too many runs (SimulationKeyRanges::split); a range at the key 1e308 (runs
-- without the statistic sort there) is never merged into the one below.
CREATE TABLE simulation_key_ranges (
    order_key TEXT NOT NULL CHECK (order_key IN ('final_loss', 'best_loss', 'loss_rate')),
    range_id INTEGER NOT NULL,
    low_key DOUBLE PRECISION NOT NULL,
    low_id BIGINT NOT NULL,
    PRIMARY KEY (order_key, range_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX simulation_key_ranges_low_idx
    ON simulation_key_ranges (order_key, low_key, low_id);

CREATE TABLE simulation_key_range_runs (
    order_key TEXT NOT NULL,
    range_id INTEGER NOT NULL,
    machine_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    runs INTEGER NOT NULL,
    PRIMARY KEY (order_key, range_id, machine_id, status)
) WITHOUT ROWID;

INSERT INTO simulation_key_ranges (order_key, range_id, low_key, low_id)
VALUES ('final_loss', 0, -1e308, 0), ('final_loss', 1, 1e308, 0),
    ('best_loss', 0, -1e308, 0), ('best_loss', 1, 1e308, 0),
    ('loss_rate', 0, -1e308, 0), ('loss_rate', 1, 1e308, 0);

INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    SELECT order_key, CASE WHEN key < 1e308 THEN 0 ELSE 1 END, machine_id, status, COUNT(*)
    FROM (SELECT 'final_loss' AS order_key, COALESCE(final_loss, 1e308) AS key, machine_id,
              status FROM simulations WHERE status IN ('finished', 'failed', 'cancelled')
          UNION ALL
          SELECT 'best_loss', COALESCE(best_loss, 1e308), machine_id, status
          FROM simulations WHERE status IN ('finished', 'failed', 'cancelled')
          UNION ALL
          SELECT 'loss_rate', COALESCE(loss_rate, 1e308), machine_id, status
          FROM simulations WHERE status IN ('finished', 'failed', 'cancelled'))
    GROUP BY 1, 2, 3, 4;

-- The range of a key and id: the highest whose low end is at or below them, else the lowest.
-- Written out in each trigger (SQLite has no functions in SQL); the three copies are the same.

CREATE TRIGGER simulations_key_ranges_insert AFTER INSERT ON simulations
WHEN NEW.status IN ('finished', 'failed', 'cancelled') BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    SELECT order_key, range_id, NEW.machine_id, NEW.status, 1
    FROM (SELECT k.order_key,
              COALESCE((SELECT r.range_id FROM simulation_key_ranges AS r
                        WHERE r.order_key = k.order_key
                            AND (r.low_key, r.low_id) <= (k.key, NEW.simulation_id)
                        ORDER BY r.low_key DESC, r.low_id DESC LIMIT 1),
                       (SELECT r.range_id FROM simulation_key_ranges AS r
                        WHERE r.order_key = k.order_key
                        ORDER BY r.low_key, r.low_id LIMIT 1)) AS range_id
          FROM (SELECT 'final_loss' AS order_key, COALESCE(NEW.final_loss, 1e308) AS key
                UNION ALL SELECT 'best_loss', COALESCE(NEW.best_loss, 1e308)
                UNION ALL SELECT 'loss_rate', COALESCE(NEW.loss_rate, 1e308)) AS k)
    WHERE range_id IS NOT NULL
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + 1;
END;

CREATE TRIGGER simulations_key_ranges_delete AFTER DELETE ON simulations
WHEN OLD.status IN ('finished', 'failed', 'cancelled') BEGIN
    UPDATE simulation_key_range_runs SET runs = runs - 1
    WHERE machine_id = OLD.machine_id AND status = OLD.status
        AND (order_key, range_id) IN (
            SELECT k.order_key,
                COALESCE((SELECT r.range_id FROM simulation_key_ranges AS r
                          WHERE r.order_key = k.order_key
                              AND (r.low_key, r.low_id) <= (k.key, OLD.simulation_id)
                          ORDER BY r.low_key DESC, r.low_id DESC LIMIT 1),
                         (SELECT r.range_id FROM simulation_key_ranges AS r
                          WHERE r.order_key = k.order_key
                          ORDER BY r.low_key, r.low_id LIMIT 1))
            FROM (SELECT 'final_loss' AS order_key, COALESCE(OLD.final_loss, 1e308) AS key
                  UNION ALL SELECT 'best_loss', COALESCE(OLD.best_loss, 1e308)
                  UNION ALL SELECT 'loss_rate', COALESCE(OLD.loss_rate, 1e308)) AS k);
END;

-- A run that ends, is taken back, moves to another machine or has its statistics written again
-- after it ended leaves its old ranges and joins its new ones, in one statement. The points of a
-- running run do not pass here.
CREATE TRIGGER simulations_key_ranges_follow
    AFTER UPDATE OF status, machine_id, final_loss, best_loss, loss_rate, simulation_id
    ON simulations
WHEN (OLD.status IN ('finished', 'failed', 'cancelled')
      OR NEW.status IN ('finished', 'failed', 'cancelled'))
    AND (NEW.status IS NOT OLD.status OR NEW.machine_id IS NOT OLD.machine_id
         OR NEW.final_loss IS NOT OLD.final_loss OR NEW.best_loss IS NOT OLD.best_loss
         OR NEW.loss_rate IS NOT OLD.loss_rate OR NEW.simulation_id <> OLD.simulation_id) BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    SELECT order_key, range_id, machine_id, status, runs
    FROM (SELECT k.order_key,
              COALESCE((SELECT r.range_id FROM simulation_key_ranges AS r
                        WHERE r.order_key = k.order_key
                            AND (r.low_key, r.low_id) <= (k.key, k.id)
                        ORDER BY r.low_key DESC, r.low_id DESC LIMIT 1),
                       (SELECT r.range_id FROM simulation_key_ranges AS r
                        WHERE r.order_key = k.order_key
                        ORDER BY r.low_key, r.low_id LIMIT 1)) AS range_id,
              k.machine_id, k.status, k.runs
          FROM (SELECT 'final_loss' AS order_key, COALESCE(OLD.final_loss, 1e308) AS key,
                    OLD.simulation_id AS id, OLD.machine_id AS machine_id, OLD.status AS status,
                    -1 AS runs
                WHERE OLD.status IN ('finished', 'failed', 'cancelled')
                UNION ALL SELECT 'best_loss', COALESCE(OLD.best_loss, 1e308), OLD.simulation_id,
                    OLD.machine_id, OLD.status, -1
                WHERE OLD.status IN ('finished', 'failed', 'cancelled')
                UNION ALL SELECT 'loss_rate', COALESCE(OLD.loss_rate, 1e308), OLD.simulation_id,
                    OLD.machine_id, OLD.status, -1
                WHERE OLD.status IN ('finished', 'failed', 'cancelled')
                UNION ALL SELECT 'final_loss', COALESCE(NEW.final_loss, 1e308), NEW.simulation_id,
                    NEW.machine_id, NEW.status, 1
                WHERE NEW.status IN ('finished', 'failed', 'cancelled')
                UNION ALL SELECT 'best_loss', COALESCE(NEW.best_loss, 1e308), NEW.simulation_id,
                    NEW.machine_id, NEW.status, 1
                WHERE NEW.status IN ('finished', 'failed', 'cancelled')
                UNION ALL SELECT 'loss_rate', COALESCE(NEW.loss_rate, 1e308), NEW.simulation_id,
                    NEW.machine_id, NEW.status, 1
                WHERE NEW.status IN ('finished', 'failed', 'cancelled')) AS k)
    WHERE range_id IS NOT NULL
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;
