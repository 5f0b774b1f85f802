-- The counters followed every inserted or deleted run with an upsert and a delete of its own:
-- a POST of ten runs, written in one statement, cost twenty statements in the trigger, as much
-- time as the insert itself. Runs inserted or deleted together are now counted together: a
-- trigger per statement reads the statement's rows (its transition table) and changes each of
-- their machines' and statuses' counters once, in this connection's shard, in the order of
-- (machine, status), the order in which a run that moves takes its two counters. A change of a
-- run's status or machine stays with the trigger per row.
-- What a run adds to its counter's retries and failed attempts, in one place for every trigger
-- and for the move of migration 015 (inlined by the planner).
CREATE FUNCTION simulation_retries(attempts INTEGER) RETURNS BIGINT
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END::BIGINT
$$;

CREATE FUNCTION simulation_failed_attempts(attempts INTEGER, status TEXT, error TEXT)
RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN error IS NULL THEN 0 WHEN status IN ('failed', 'pending') THEN attempts
        WHEN attempts > 1 THEN attempts - 1 ELSE 0 END::BIGINT
$$;

-- The trigger per row (migration 013) with the same two.
CREATE OR REPLACE FUNCTION simulation_counts_add(run simulations, sign INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
BEGIN
    INSERT INTO simulation_counts AS c (machine_id, status, shard, runs, retries, failed_attempts)
    VALUES (run.machine_id, run.status, here, sign, sign * simulation_retries(run.attempts),
        sign * simulation_failed_attempts(run.attempts, run.status, run.error))
    ON CONFLICT (machine_id, status, shard) DO UPDATE SET runs = c.runs + excluded.runs,
        retries = c.retries + excluded.retries,
        failed_attempts = c.failed_attempts + excluded.failed_attempts;
    DELETE FROM simulation_counts
    WHERE machine_id = run.machine_id AND status = run.status AND shard = here AND runs = 0
        AND retries = 0 AND failed_attempts = 0;
END $$;

CREATE FUNCTION simulation_counts_add_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    RETURN NULL;
END $$;

DROP TRIGGER simulations_count_change ON simulations;

CREATE TRIGGER simulations_count_insert AFTER INSERT ON simulations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION simulation_counts_add_changed();

CREATE TRIGGER simulations_count_delete AFTER DELETE ON simulations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION simulation_counts_add_changed();
