-- The three characters of the names a run adds to its block (migration 020) are no longer
-- written in the transaction that adds the run: a block's row in the writer's shard counts the
-- names added to it since its characters were last gathered, and a block with such names in any
-- shard may hold any text. The engine's housekeeper gathers them (simulation_block_grams_fold
-- below, through SimulationBlocks::foldGrams), a block at a time, once the block is no longer
-- the newest, and the newest too every half minute. The trigger per statement of a POST then no
-- longer looks up every three characters of its name among the blocks' (about a quarter of what
-- the trigger did), and a search reads a block still to gather as one that may hold its text:
-- the matches stay exact, since the walk checks every name anyway.
-- A rename (or a new id) still adds the characters of its name itself (migration 020).
ALTER TABLE simulation_blocks ADD COLUMN grams_pending BIGINT NOT NULL DEFAULT 0;

-- Migration 027's trigger per statement, which now counts the names still to gather instead.
CREATE OR REPLACE FUNCTION simulation_counts_add_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created,
        first_name_key, last_name_key, first_updated, last_updated, grams_pending)
    SELECT simulation_id / 4096, here, sign * COUNT(*),
        CASE WHEN sign > 0 THEN MIN(creation_date) END,
        CASE WHEN sign > 0 THEN MAX(creation_date) END,
        CASE WHEN sign > 0 THEN MIN(name_key) END,
        CASE WHEN sign > 0 THEN MAX(name_key) END,
        CASE WHEN sign > 0 THEN MIN(update_date) END,
        CASE WHEN sign > 0 THEN (MAX(update_date) / 60000 + 1) * 60000 END,
        CASE WHEN sign > 0 THEN COUNT(name_folded) ELSE 0 END
    FROM changed GROUP BY simulation_id / 4096 ORDER BY simulation_id / 4096
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key),
        first_updated = LEAST(b.first_updated, excluded.first_updated),
        last_updated = GREATEST(b.last_updated, excluded.last_updated),
        grams_pending = b.grams_pending + excluded.grams_pending;
    INSERT INTO simulation_block_runs AS r (machine_id, status, block, shard, runs)
    SELECT machine_id, status, simulation_id / 4096, here, sign * COUNT(*)
    FROM changed GROUP BY machine_id, status, simulation_id / 4096 ORDER BY 1, 2, 3
    ON CONFLICT (machine_id, status, block, shard) DO UPDATE SET runs = r.runs + excluded.runs;
    RETURN NULL;
END $$;

-- Migration 024's folding of the shards' rows, which now carries the names still to gather.
CREATE OR REPLACE FUNCTION simulation_blocks_fold() RETURNS void LANGUAGE sql AS $$
    WITH folded AS (
        DELETE FROM simulation_blocks
        WHERE shard <> 0 AND block < (SELECT MAX(block) FROM simulation_blocks)
        RETURNING block, runs, first_created, last_created, first_name_key, last_name_key,
            first_updated, last_updated, grams_pending
    )
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created,
        first_name_key, last_name_key, first_updated, last_updated, grams_pending)
    SELECT block, 0, SUM(runs), MIN(first_created), MAX(last_created), MIN(first_name_key),
        MAX(last_name_key), MIN(first_updated), MAX(last_updated), SUM(grams_pending)
    FROM folded GROUP BY block ORDER BY block
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key),
        first_updated = LEAST(b.first_updated, excluded.first_updated),
        last_updated = GREATEST(b.last_updated, excluded.last_updated),
        grams_pending = b.grams_pending + excluded.grams_pending;
$$;

-- Gathers the three characters of the names of one block still to gather: the lowest such
-- block, below the newest unless newest is true. Its rows with names to gather are locked
-- first, those a writer holds passed over; the names are read after (each statement reads what
-- was committed before it), and only the rows locked are marked gathered. A writer that counted
-- a name in a row before it was locked committed first, and its name is read; one that counts a
-- name in a locked row waits, and counts it again once this commits; a row passed over or added
-- meanwhile stays to gather. Waiting for no row, it deadlocks with no writer nor with
-- simulation_blocks_fold(). The block, or NULL where none was left or writers hold its rows.
-- The characters go to shard 0. JIT is off: the planner takes a block's 4,096 names for a
-- million three-character rows, and would spend more compiling the statement than running it.
CREATE FUNCTION simulation_block_grams_fold(newest BOOLEAN) RETURNS BIGINT LANGUAGE plpgsql
SET jit = off AS $$
DECLARE
    gathered BIGINT;
    shards SMALLINT[];
BEGIN
    SELECT MIN(block) INTO gathered FROM simulation_blocks
    WHERE grams_pending > 0
        AND (newest OR block < (SELECT MAX(block) FROM simulation_blocks));
    IF gathered IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(shard) INTO shards FROM (
        SELECT shard FROM simulation_blocks WHERE block = gathered AND grams_pending > 0
        ORDER BY shard FOR UPDATE SKIP LOCKED) AS locked;
    IF shards IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO simulation_block_grams (gram, block, shard)
    SELECT DISTINCT gram, gathered, 0
    FROM simulations, simulation_name_grams(name_folded) AS gram
    WHERE simulation_id >= gathered * 4096 AND simulation_id < (gathered + 1) * 4096
        AND name_folded IS NOT NULL
    ORDER BY 1
    ON CONFLICT DO NOTHING;
    UPDATE simulation_blocks SET grams_pending = 0
    WHERE block = gathered AND shard = ANY (shards);
    RETURN gathered;
END $$;
