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

-- A run's range in each order: the highest whose low end is at or below its key and id, else the
-- lowest. Written out in each statement (SQLite has no functions in SQL), each an upsert of its
-- values. One upsert of rows selected from a derived table of the run's old and new keys cost
-- an end of a run about 0.5 ms in a trigger; these cost it a few µs.

CREATE TRIGGER simulations_key_ranges_insert AFTER INSERT ON simulations
WHEN NEW.status IN ('finished', 'failed', 'cancelled') BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'final_loss'
                      AND (low_key, low_id) <= (COALESCE(NEW.final_loss, 1e308), NEW.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                  ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'best_loss'
                      AND (low_key, low_id) <= (COALESCE(NEW.best_loss, 1e308), NEW.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                  ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'loss_rate'
                      AND (low_key, low_id) <= (COALESCE(NEW.loss_rate, 1e308), NEW.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                  ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;

CREATE TRIGGER simulations_key_ranges_delete AFTER DELETE ON simulations
WHEN OLD.status IN ('finished', 'failed', 'cancelled') BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'final_loss'
                      AND (low_key, low_id) <= (COALESCE(OLD.final_loss, 1e308), OLD.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                  ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'best_loss'
                      AND (low_key, low_id) <= (COALESCE(OLD.best_loss, 1e308), OLD.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                  ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'loss_rate'
                      AND (low_key, low_id) <= (COALESCE(OLD.loss_rate, 1e308), OLD.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                  ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;

-- A run that ends, is taken back, moves to another machine or has its statistics written again
-- after it ended leaves its old ranges and joins its new ones. The points of a running run do not
-- pass here.
CREATE TRIGGER simulations_key_ranges_leave
    AFTER UPDATE OF status, machine_id, final_loss, best_loss, loss_rate, simulation_id
    ON simulations
WHEN OLD.status IN ('finished', 'failed', 'cancelled')
    AND (NEW.status IS NOT OLD.status OR NEW.machine_id IS NOT OLD.machine_id
         OR NEW.final_loss IS NOT OLD.final_loss OR NEW.best_loss IS NOT OLD.best_loss
         OR NEW.loss_rate IS NOT OLD.loss_rate OR NEW.simulation_id <> OLD.simulation_id) BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'final_loss'
                      AND (low_key, low_id) <= (COALESCE(OLD.final_loss, 1e308), OLD.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                  ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'best_loss'
                      AND (low_key, low_id) <= (COALESCE(OLD.best_loss, 1e308), OLD.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                  ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'loss_rate'
                      AND (low_key, low_id) <= (COALESCE(OLD.loss_rate, 1e308), OLD.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                  ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;

CREATE TRIGGER simulations_key_ranges_join
    AFTER UPDATE OF status, machine_id, final_loss, best_loss, loss_rate, simulation_id
    ON simulations
WHEN NEW.status IN ('finished', 'failed', 'cancelled')
    AND (NEW.status IS NOT OLD.status OR NEW.machine_id IS NOT OLD.machine_id
         OR NEW.final_loss IS NOT OLD.final_loss OR NEW.best_loss IS NOT OLD.best_loss
         OR NEW.loss_rate IS NOT OLD.loss_rate OR NEW.simulation_id <> OLD.simulation_id) BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'final_loss'
                      AND (low_key, low_id) <= (COALESCE(NEW.final_loss, 1e308), NEW.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                  ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'best_loss'
                      AND (low_key, low_id) <= (COALESCE(NEW.best_loss, 1e308), NEW.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                  ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                  WHERE order_key = 'loss_rate'
                      AND (low_key, low_id) <= (COALESCE(NEW.loss_rate, 1e308), NEW.simulation_id)
                  ORDER BY low_key DESC, low_id DESC LIMIT 1),
                 (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                  ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;
