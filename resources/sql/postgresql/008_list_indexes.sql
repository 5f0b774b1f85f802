-- Every list, filter, count and name search of a million runs answered from an index.
--
-- name_key sorts names ignoring case and in natural order ("burst-4" before "burst-39"): the
-- folded name with each run of digits padded with zeros (compared code point by code point,
-- as on SQLite), computed by the program whenever a
-- name is written. Clearing name_folded makes the program fold every name again, key included,
-- when it next opens the database.
ALTER TABLE simulations ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';

UPDATE simulations SET name_folded = NULL;

DROP INDEX simulations_name_idx;

CREATE INDEX simulations_name_key_idx ON simulations (name_key, simulation_id);

-- Status sorts in lifecycle order; the expression is SimulationListQuery's.
CREATE INDEX simulations_status_rank_idx ON simulations (
    (CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2
     WHEN 'failed' THEN 3 ELSE 4 END), simulation_id);

-- Each order under a status filter, a machine filter, and both: a page is read from the index
-- at any depth, neither scanned past nor sorted. An order that a filter makes constant (status
-- under a status filter, machine under a machine filter) is read by id.
CREATE INDEX simulations_status_creation_idx ON simulations (status, creation_date, simulation_id);
CREATE INDEX simulations_status_update_idx ON simulations (status, update_date, simulation_id);
CREATE INDEX simulations_status_name_idx ON simulations (status, name_key, simulation_id);
CREATE INDEX simulations_status_machine_idx ON simulations (status, machine_id, simulation_id);
CREATE INDEX simulations_status_duration_idx ON simulations (
    status, (COALESCE(COALESCE(finished_at, update_date) - started_at, 0)), simulation_id);
CREATE INDEX simulations_status_progress_idx ON simulations (
    status, (points_done * 1.0 / points_total), simulation_id);

CREATE INDEX simulations_machine_creation_idx ON simulations (machine_id, creation_date, simulation_id);
CREATE INDEX simulations_machine_update_idx ON simulations (machine_id, update_date, simulation_id);
CREATE INDEX simulations_machine_name_idx ON simulations (machine_id, name_key, simulation_id);
CREATE INDEX simulations_machine_rank_idx ON simulations (machine_id,
    (CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2
     WHEN 'failed' THEN 3 ELSE 4 END), simulation_id);
CREATE INDEX simulations_machine_duration_idx ON simulations (
    machine_id, (COALESCE(COALESCE(finished_at, update_date) - started_at, 0)), simulation_id);
CREATE INDEX simulations_machine_progress_idx ON simulations (
    machine_id, (points_done * 1.0 / points_total), simulation_id);

CREATE INDEX simulations_machine_status_idx ON simulations (machine_id, status, simulation_id);
CREATE INDEX simulations_machine_status_creation_idx ON simulations (
    machine_id, status, creation_date, simulation_id);
CREATE INDEX simulations_machine_status_update_idx ON simulations (
    machine_id, status, update_date, simulation_id);
CREATE INDEX simulations_machine_status_name_idx ON simulations (
    machine_id, status, name_key, simulation_id);
CREATE INDEX simulations_machine_status_duration_idx ON simulations (machine_id, status,
    (COALESCE(COALESCE(finished_at, update_date) - started_at, 0)), simulation_id);
CREATE INDEX simulations_machine_status_progress_idx ON simulations (machine_id, status,
    (points_done * 1.0 / points_total), simulation_id);

-- Runs per machine and status, with what /metrics reports of their attempts, kept exact by a
-- trigger in the transaction of every change: counts read a few rows instead of the table.
CREATE TABLE simulation_counts (
    machine_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    runs BIGINT NOT NULL,
    retries BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL,
    PRIMARY KEY (machine_id, status)
);

INSERT INTO simulation_counts (machine_id, status, runs, retries, failed_attempts)
    SELECT machine_id, status, COUNT(*),
        SUM(CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END),
        SUM(CASE WHEN error IS NULL THEN 0 WHEN status IN ('failed', 'pending') THEN attempts
            WHEN attempts > 1 THEN attempts - 1 ELSE 0 END)
    FROM simulations GROUP BY machine_id, status;

-- Adds one run (sign 1) or takes it away (-1) from its machine's and status's counters.
CREATE FUNCTION simulation_counts_add(run simulations, sign INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO simulation_counts AS c (machine_id, status, runs, retries, failed_attempts)
    VALUES (run.machine_id, run.status, sign,
        sign * CASE WHEN run.attempts > 1 THEN run.attempts - 1 ELSE 0 END,
        sign * CASE WHEN run.error IS NULL THEN 0 WHEN run.status IN ('failed', 'pending')
            THEN run.attempts WHEN run.attempts > 1 THEN run.attempts - 1 ELSE 0 END)
    ON CONFLICT (machine_id, status) DO UPDATE SET runs = c.runs + excluded.runs,
        retries = c.retries + excluded.retries,
        failed_attempts = c.failed_attempts + excluded.failed_attempts;
    IF sign < 0 THEN
        DELETE FROM simulation_counts
        WHERE machine_id = run.machine_id AND status = run.status AND runs = 0;
    END IF;
END $$;

-- A run that moves takes its old counter and its new one in a fixed order (machine, then
-- status), so that two runs moving in opposite directions cannot deadlock.
CREATE FUNCTION simulation_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM simulation_counts_add(NEW, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM simulation_counts_add(OLD, -1);
    ELSIF (OLD.machine_id, OLD.status) <= (NEW.machine_id, NEW.status) THEN
        PERFORM simulation_counts_add(OLD, -1);
        PERFORM simulation_counts_add(NEW, 1);
    ELSE
        PERFORM simulation_counts_add(NEW, 1);
        PERFORM simulation_counts_add(OLD, -1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER simulations_count_change AFTER INSERT OR DELETE ON simulations
    FOR EACH ROW EXECUTE FUNCTION simulation_counts_follow();

CREATE TRIGGER simulations_count_update AFTER UPDATE OF status, machine_id, attempts, error
    ON simulations FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.machine_id IS DISTINCT FROM NEW.machine_id
          OR OLD.attempts IS DISTINCT FROM NEW.attempts OR OLD.error IS DISTINCT FROM NEW.error)
    EXECUTE FUNCTION simulation_counts_follow();

-- "Name contains" from a trigram index of the folded names. pg_trgm ships with PostgreSQL and
-- is a trusted extension, but a server may lack it or refuse it: then the search reads the
-- table, the program says so in its log, and nothing else changes.
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available (%): name search reads the table', SQLERRM;
    END;
    IF EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gin_trgm_ops') THEN
        CREATE INDEX simulations_name_trgm_idx ON simulations USING gin (name_folded gin_trgm_ops);
    END IF;
END $$;
