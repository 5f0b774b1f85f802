-- Every change of a run updated its machine's and status's counter row, and held it until its
-- commit: the workers of every process, claiming and finishing runs of one machine, queued on
-- the same two or three rows, and more processes finished fewer runs. Each counter is now kept
-- in shards, one per database connection (its server process's pid modulo 16): concurrent
-- transactions update different rows, and a count is the sum of its shards, as every reader
-- already computes it.
ALTER TABLE simulation_counts ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE simulation_counts DROP CONSTRAINT simulation_counts_pkey;
ALTER TABLE simulation_counts ADD PRIMARY KEY (machine_id, status, shard);

-- Adds one run (sign 1) or takes it away (-1) from its machine's and status's counter, in this
-- connection's shard. A shard may hold a negative share of a counter (a run counted in one shard
-- leaves from another); a shard's row goes once it holds nothing.
CREATE OR REPLACE FUNCTION simulation_counts_add(run simulations, sign INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
BEGIN
    INSERT INTO simulation_counts AS c (machine_id, status, shard, runs, retries, failed_attempts)
    VALUES (run.machine_id, run.status, here, sign,
        sign * CASE WHEN run.attempts > 1 THEN run.attempts - 1 ELSE 0 END,
        sign * CASE WHEN run.error IS NULL THEN 0 WHEN run.status IN ('failed', 'pending')
            THEN run.attempts WHEN run.attempts > 1 THEN run.attempts - 1 ELSE 0 END)
    ON CONFLICT (machine_id, status, shard) DO UPDATE SET runs = c.runs + excluded.runs,
        retries = c.retries + excluded.retries,
        failed_attempts = c.failed_attempts + excluded.failed_attempts;
    DELETE FROM simulation_counts
    WHERE machine_id = run.machine_id AND status = run.status AND shard = here AND runs = 0
        AND retries = 0 AND failed_attempts = 0;
END $$;
