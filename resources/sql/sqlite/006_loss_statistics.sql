-- Loss statistics of each run, kept up to date in the transaction that stores its points
-- (LossStatisticsRepository), so that the table sorts and filters by them from an index. The
-- verdict is the one computed with the thresholds in force when the last point was written.
-- Runs stored before these columns get theirs when the program next opens the database.
ALTER TABLE simulations ADD COLUMN final_loss DOUBLE PRECISION;
ALTER TABLE simulations ADD COLUMN best_loss DOUBLE PRECISION;
ALTER TABLE simulations ADD COLUMN best_seconds DOUBLE PRECISION;
ALTER TABLE simulations ADD COLUMN loss_rate DOUBLE PRECISION;
ALTER TABLE simulations ADD COLUMN verdict TEXT NOT NULL DEFAULT 'too_few_points'
    CHECK (verdict IN ('converging', 'stalled', 'diverging', 'too_few_points'));
-- When the worker holding the lease claimed the run.
ALTER TABLE simulations ADD COLUMN lease_acquired_at BIGINT;

-- Runs without a value sort after every loss (ascending), the same on both dialects: the
-- expressions are those of SimulationListQuery's ORDER BY.
CREATE INDEX simulations_final_loss_idx ON simulations (COALESCE(final_loss, 1e308), simulation_id);
CREATE INDEX simulations_best_loss_idx ON simulations (COALESCE(best_loss, 1e308), simulation_id);
CREATE INDEX simulations_rate_idx ON simulations (COALESCE(loss_rate, 1e308), simulation_id);
CREATE INDEX simulations_verdict_idx ON simulations (verdict, simulation_id);

-- The same orders among the runs of one status or one verdict ("finished runs by final loss",
-- "stalled runs by final loss"), and the newest runs of a verdict.
CREATE INDEX simulations_status_final_loss_idx ON simulations (status, COALESCE(final_loss, 1e308), simulation_id);
CREATE INDEX simulations_status_best_loss_idx ON simulations (status, COALESCE(best_loss, 1e308), simulation_id);
CREATE INDEX simulations_status_rate_idx ON simulations (status, COALESCE(loss_rate, 1e308), simulation_id);
CREATE INDEX simulations_verdict_final_loss_idx ON simulations (verdict, COALESCE(final_loss, 1e308), simulation_id);
CREATE INDEX simulations_verdict_best_loss_idx ON simulations (verdict, COALESCE(best_loss, 1e308), simulation_id);
CREATE INDEX simulations_verdict_rate_idx ON simulations (verdict, COALESCE(loss_rate, 1e308), simulation_id);
CREATE INDEX simulations_verdict_creation_idx ON simulations (verdict, creation_date, simulation_id);

-- The runs whose statistics are still to compute, found at start without reading every run.
CREATE INDEX simulations_unmeasured_idx ON simulations (simulation_id)
    WHERE final_loss IS NULL AND points_done > 0;
