-- The table's sorts by status, duration and progress read their first rows from an index
-- instead of sorting every run. The expressions are those of SimulationRepository's ORDER BY.
-- points_total keeps the progress index cheap to maintain: a point commit would otherwise
-- parse the parameters twice to update it.
ALTER TABLE simulations ADD COLUMN points_total INTEGER NOT NULL DEFAULT 10
    CHECK (points_total >= 1);

UPDATE simulations
    SET points_total = MAX(CAST(COALESCE(json_extract(parameters, '$.points'), 10) AS INTEGER), 1);

CREATE INDEX simulations_status_order_idx ON simulations (status, simulation_id);

CREATE INDEX simulations_duration_idx ON simulations (
    COALESCE(COALESCE(finished_at, update_date) - started_at, 0), simulation_id);

CREATE INDEX simulations_progress_idx ON simulations (
    (points_done * 1.0 / points_total), simulation_id);
