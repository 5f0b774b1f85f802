-- Every list, filter, count and name search of a million runs answered from an index.
--
-- name_key sorts names ignoring case and in natural order ("burst-4" before "burst-39"): the
-- folded name with each run of digits padded with zeros, computed by the program whenever a
-- name is written. Clearing name_folded makes the program fold every name again, key included,
-- when it next opens the database.
ALTER TABLE simulations ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

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
    status, COALESCE(COALESCE(finished_at, update_date) - started_at, 0), simulation_id);
CREATE INDEX simulations_status_progress_idx ON simulations (
    status, (points_done * 1.0 / points_total), simulation_id);

CREATE INDEX simulations_machine_creation_idx ON simulations (machine_id, creation_date, simulation_id);
CREATE INDEX simulations_machine_update_idx ON simulations (machine_id, update_date, simulation_id);
CREATE INDEX simulations_machine_name_idx ON simulations (machine_id, name_key, simulation_id);
CREATE INDEX simulations_machine_rank_idx ON simulations (machine_id,
    (CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2
     WHEN 'failed' THEN 3 ELSE 4 END), simulation_id);
CREATE INDEX simulations_machine_duration_idx ON simulations (
    machine_id, COALESCE(COALESCE(finished_at, update_date) - started_at, 0), simulation_id);
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
    COALESCE(COALESCE(finished_at, update_date) - started_at, 0), simulation_id);
CREATE INDEX simulations_machine_status_progress_idx ON simulations (machine_id, status,
    (points_done * 1.0 / points_total), simulation_id);

-- Runs per machine and status, with what /metrics reports of their attempts, kept exact by
-- triggers in the transaction of every change: counts read a few rows instead of the table.
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

CREATE TRIGGER simulations_count_insert AFTER INSERT ON simulations BEGIN
    INSERT INTO simulation_counts (machine_id, status, runs, retries, failed_attempts)
    VALUES (NEW.machine_id, NEW.status, 1,
        CASE WHEN NEW.attempts > 1 THEN NEW.attempts - 1 ELSE 0 END,
        CASE WHEN NEW.error IS NULL THEN 0 WHEN NEW.status IN ('failed', 'pending')
            THEN NEW.attempts WHEN NEW.attempts > 1 THEN NEW.attempts - 1 ELSE 0 END)
    ON CONFLICT (machine_id, status) DO UPDATE SET runs = runs + 1,
        retries = retries + excluded.retries,
        failed_attempts = failed_attempts + excluded.failed_attempts;
END;

CREATE TRIGGER simulations_count_delete AFTER DELETE ON simulations BEGIN
    UPDATE simulation_counts SET runs = runs - 1,
        retries = retries - CASE WHEN OLD.attempts > 1 THEN OLD.attempts - 1 ELSE 0 END,
        failed_attempts = failed_attempts - CASE WHEN OLD.error IS NULL THEN 0
            WHEN OLD.status IN ('failed', 'pending') THEN OLD.attempts
            WHEN OLD.attempts > 1 THEN OLD.attempts - 1 ELSE 0 END
    WHERE machine_id = OLD.machine_id AND status = OLD.status;
    DELETE FROM simulation_counts
    WHERE machine_id = OLD.machine_id AND status = OLD.status AND runs = 0;
END;

CREATE TRIGGER simulations_count_update AFTER UPDATE OF status, machine_id, attempts, error
ON simulations BEGIN
    UPDATE simulation_counts SET runs = runs - 1,
        retries = retries - CASE WHEN OLD.attempts > 1 THEN OLD.attempts - 1 ELSE 0 END,
        failed_attempts = failed_attempts - CASE WHEN OLD.error IS NULL THEN 0
            WHEN OLD.status IN ('failed', 'pending') THEN OLD.attempts
            WHEN OLD.attempts > 1 THEN OLD.attempts - 1 ELSE 0 END
    WHERE machine_id = OLD.machine_id AND status = OLD.status;
    INSERT INTO simulation_counts (machine_id, status, runs, retries, failed_attempts)
    VALUES (NEW.machine_id, NEW.status, 1,
        CASE WHEN NEW.attempts > 1 THEN NEW.attempts - 1 ELSE 0 END,
        CASE WHEN NEW.error IS NULL THEN 0 WHEN NEW.status IN ('failed', 'pending')
            THEN NEW.attempts WHEN NEW.attempts > 1 THEN NEW.attempts - 1 ELSE 0 END)
    ON CONFLICT (machine_id, status) DO UPDATE SET runs = runs + 1,
        retries = retries + excluded.retries,
        failed_attempts = failed_attempts + excluded.failed_attempts;
    DELETE FROM simulation_counts
    WHERE machine_id = OLD.machine_id AND status = OLD.status AND runs = 0;
END;

-- "Name contains" from a trigram index of the folded names (FTS5 keeps them in its own
-- tables; the triggers keep it in step with every insert, rename and delete). Names are folded
-- by the program, so the index compares them as they are.
CREATE VIRTUAL TABLE simulation_names USING fts5 (
    name_folded, content = 'simulations', content_rowid = 'simulation_id',
    tokenize = 'trigram case_sensitive 1');

CREATE TRIGGER simulation_names_insert AFTER INSERT ON simulations
WHEN NEW.name_folded IS NOT NULL BEGIN
    INSERT INTO simulation_names (rowid, name_folded) VALUES (NEW.simulation_id, NEW.name_folded);
END;

CREATE TRIGGER simulation_names_delete AFTER DELETE ON simulations
WHEN OLD.name_folded IS NOT NULL BEGIN
    INSERT INTO simulation_names (simulation_names, rowid, name_folded)
    VALUES ('delete', OLD.simulation_id, OLD.name_folded);
END;

-- One trigger, so that the old entry always goes before the new one comes.
CREATE TRIGGER simulation_names_rename AFTER UPDATE OF name_folded ON simulations BEGIN
    INSERT INTO simulation_names (simulation_names, rowid, name_folded)
    SELECT 'delete', OLD.simulation_id, OLD.name_folded WHERE OLD.name_folded IS NOT NULL;
    INSERT INTO simulation_names (rowid, name_folded)
    SELECT NEW.simulation_id, NEW.name_folded WHERE NEW.name_folded IS NOT NULL;
END;
