-- Migration 028's ranges for the window's duration, progress and verdict orders too. An ended
-- run's duration (from its start to its end), progress (its points done of its points) and
-- verdict no longer change either, so a row deep into those orders is placed as one deep into
-- the losses is (SimulationKeyRanges). The runs still pending or running, whose keys do change,
-- are read from the status index when a row is placed, as the running ones of the loss orders
-- are; a run that never started sorts at 0 in duration and progress.
DROP TRIGGER IF EXISTS simulations_key_ranges_insert;
DROP TRIGGER IF EXISTS simulations_key_ranges_delete;
DROP TRIGGER IF EXISTS simulations_key_ranges_leave;
DROP TRIGGER IF EXISTS simulations_key_ranges_join;

-- low_text: the low key in full where a double would not hold it: the verdict (and on
-- PostgreSQL the progress, a numeric).
CREATE TABLE simulation_key_ranges_029 (
    order_key TEXT NOT NULL
        CHECK (order_key IN ('final_loss', 'best_loss', 'loss_rate', 'duration', 'progress',
                             'verdict')),
    range_id INTEGER NOT NULL,
    low_key DOUBLE PRECISION NOT NULL,
    low_id BIGINT NOT NULL,
    low_text TEXT,
    PRIMARY KEY (order_key, range_id)
) WITHOUT ROWID;
INSERT INTO simulation_key_ranges_029 (order_key, range_id, low_key, low_id)
    SELECT order_key, range_id, low_key, low_id FROM simulation_key_ranges;
DROP TABLE simulation_key_ranges;
ALTER TABLE simulation_key_ranges_029 RENAME TO simulation_key_ranges;
CREATE UNIQUE INDEX simulation_key_ranges_low_idx
    ON simulation_key_ranges (order_key, low_key, low_id);

INSERT INTO simulation_key_ranges (order_key, range_id, low_key, low_id)
VALUES ('duration', 0, -1e308, 0), ('duration', 1, 1e308, 0),
    ('progress', 0, -1e308, 0), ('progress', 1, 1e308, 0),
    ('verdict', 0, -1e308, 0), ('verdict', 1, 1e308, 0);

-- Every key of these orders is below 1e308: the lowest range holds them all.
INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    SELECT k.order_key, 0, machine_id, status, COUNT(*)
    FROM simulations CROSS JOIN (SELECT 'duration' AS order_key UNION ALL SELECT 'progress'
                                 UNION ALL SELECT 'verdict') AS k
    WHERE status IN ('finished', 'failed', 'cancelled')
    GROUP BY 1, 2, 3, 4;

-- Migration 028's triggers, with the three orders. A run's duration counts from its start to its
-- end (or its last update, for a run that ended without an end written); its progress, its
-- points done of its points; its verdict is placed by its rank in the order (the text's).

CREATE TRIGGER simulations_key_ranges_insert AFTER INSERT ON simulations
WHEN NEW.status IN ('finished', 'failed', 'cancelled') BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'final_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(NEW.final_loss, 1e308),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'best_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(NEW.best_loss, 1e308),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'loss_rate'
                       AND (low_key, low_id) <= (
                           COALESCE(NEW.loss_rate, 1e308),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('duration', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'duration'
                       AND (low_key, low_id) <= (
                           COALESCE(COALESCE(NEW.finished_at, NEW.update_date)
                               - NEW.started_at, 0),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'duration'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('progress', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'progress'
                       AND (low_key, low_id) <= (
                           (NEW.points_done * 1.0 / NEW.points_total),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'progress'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('verdict', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'verdict'
                       AND (low_key, low_id) <= (
                           CASE NEW.verdict WHEN 'converging' THEN 0
                               WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END,
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'verdict'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;

CREATE TRIGGER simulations_key_ranges_delete AFTER DELETE ON simulations
WHEN OLD.status IN ('finished', 'failed', 'cancelled') BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'final_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(OLD.final_loss, 1e308),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'best_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(OLD.best_loss, 1e308),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'loss_rate'
                       AND (low_key, low_id) <= (
                           COALESCE(OLD.loss_rate, 1e308),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('duration', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'duration'
                       AND (low_key, low_id) <= (
                           COALESCE(COALESCE(OLD.finished_at, OLD.update_date)
                               - OLD.started_at, 0),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'duration'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('progress', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'progress'
                       AND (low_key, low_id) <= (
                           (OLD.points_done * 1.0 / OLD.points_total),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'progress'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('verdict', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'verdict'
                       AND (low_key, low_id) <= (
                           CASE OLD.verdict WHEN 'converging' THEN 0
                               WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END,
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'verdict'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;

-- A run that ends, is taken back, moves to another machine or has a key changed after it ended
-- leaves its old ranges and joins its new ones. The points of a running run do not pass here.
CREATE TRIGGER simulations_key_ranges_leave
    AFTER UPDATE OF status, machine_id, final_loss, best_loss, loss_rate, simulation_id, started_at,
    finished_at, update_date, points_done, points_total, verdict
    ON simulations
WHEN OLD.status IN ('finished', 'failed', 'cancelled')
    AND (OLD.status IS NOT NEW.status
         OR OLD.machine_id IS NOT NEW.machine_id
         OR OLD.final_loss IS NOT NEW.final_loss
         OR OLD.best_loss IS NOT NEW.best_loss
         OR OLD.loss_rate IS NOT NEW.loss_rate
         OR OLD.simulation_id IS NOT NEW.simulation_id
         OR OLD.verdict IS NOT NEW.verdict
         OR COALESCE(COALESCE(OLD.finished_at, OLD.update_date)
            - OLD.started_at, 0)
            IS NOT COALESCE(COALESCE(NEW.finished_at, NEW.update_date)
            - NEW.started_at, 0)
         OR (OLD.points_done * 1.0 / OLD.points_total)
            IS NOT (NEW.points_done * 1.0 / NEW.points_total)) BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'final_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(OLD.final_loss, 1e308),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'best_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(OLD.best_loss, 1e308),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'loss_rate'
                       AND (low_key, low_id) <= (
                           COALESCE(OLD.loss_rate, 1e308),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('duration', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'duration'
                       AND (low_key, low_id) <= (
                           COALESCE(COALESCE(OLD.finished_at, OLD.update_date)
                               - OLD.started_at, 0),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'duration'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('progress', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'progress'
                       AND (low_key, low_id) <= (
                           (OLD.points_done * 1.0 / OLD.points_total),
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'progress'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('verdict', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'verdict'
                       AND (low_key, low_id) <= (
                           CASE OLD.verdict WHEN 'converging' THEN 0
                               WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END,
                           OLD.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'verdict'
                   ORDER BY low_key, low_id LIMIT 1)), OLD.machine_id, OLD.status, -1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;

CREATE TRIGGER simulations_key_ranges_join
    AFTER UPDATE OF status, machine_id, final_loss, best_loss, loss_rate, simulation_id, started_at,
    finished_at, update_date, points_done, points_total, verdict
    ON simulations
WHEN NEW.status IN ('finished', 'failed', 'cancelled')
    AND (OLD.status IS NOT NEW.status
         OR OLD.machine_id IS NOT NEW.machine_id
         OR OLD.final_loss IS NOT NEW.final_loss
         OR OLD.best_loss IS NOT NEW.best_loss
         OR OLD.loss_rate IS NOT NEW.loss_rate
         OR OLD.simulation_id IS NOT NEW.simulation_id
         OR OLD.verdict IS NOT NEW.verdict
         OR COALESCE(COALESCE(OLD.finished_at, OLD.update_date)
            - OLD.started_at, 0)
            IS NOT COALESCE(COALESCE(NEW.finished_at, NEW.update_date)
            - NEW.started_at, 0)
         OR (OLD.points_done * 1.0 / OLD.points_total)
            IS NOT (NEW.points_done * 1.0 / NEW.points_total)) BEGIN
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('final_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'final_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(NEW.final_loss, 1e308),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'final_loss'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('best_loss', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'best_loss'
                       AND (low_key, low_id) <= (
                           COALESCE(NEW.best_loss, 1e308),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'best_loss'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('loss_rate', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'loss_rate'
                       AND (low_key, low_id) <= (
                           COALESCE(NEW.loss_rate, 1e308),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'loss_rate'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('duration', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'duration'
                       AND (low_key, low_id) <= (
                           COALESCE(COALESCE(NEW.finished_at, NEW.update_date)
                               - NEW.started_at, 0),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'duration'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('progress', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'progress'
                       AND (low_key, low_id) <= (
                           (NEW.points_done * 1.0 / NEW.points_total),
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'progress'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
    INSERT INTO simulation_key_range_runs (order_key, range_id, machine_id, status, runs)
    VALUES ('verdict', COALESCE((SELECT range_id FROM simulation_key_ranges
                   WHERE order_key = 'verdict'
                       AND (low_key, low_id) <= (
                           CASE NEW.verdict WHEN 'converging' THEN 0
                               WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 ELSE 3 END,
                           NEW.simulation_id)
                   ORDER BY low_key DESC, low_id DESC LIMIT 1),
                  (SELECT range_id FROM simulation_key_ranges WHERE order_key = 'verdict'
                   ORDER BY low_key, low_id LIMIT 1)), NEW.machine_id, NEW.status, 1)
    ON CONFLICT (order_key, range_id, machine_id, status) DO UPDATE SET runs = runs + excluded.runs;
END;
