-- A block's three characters are gathered with the number of its names that hold each
-- (simulation_block_grams.names): for a text of three characters, the count of its matches in
-- that block, exact while the block has nothing left to gather. A page deep among a text's
-- matches is then placed by these counts instead of reading every match to count them (at a
-- million runs, 042 by name last first at offset 2,000 read its 14,000 matches from the table
-- through the trigram index to check them).
-- Counts stay exact only if every change to a block's names leaves it to gather again: a run
-- deleted, renamed or given another id now counts in the block's names to gather, as a run
-- added does (migration 031), instead of adding its characters at once (migration 020), and the
-- housekeeper gathers the block afresh: its rows replaced by the characters of the names it
-- holds then, with their counts. Every block is gathered afresh once, with counts.
ALTER TABLE simulation_block_grams ADD COLUMN names BIGINT;
-- A block's rows are replaced as one.
CREATE INDEX simulation_block_grams_block ON simulation_block_grams (block);
-- A text's blocks and their counts are read from an index alone (NameSearch::textBlocks): the
-- counts from the table took a page of it a block (at a million runs 1.5 against 0.8 ms).
CREATE INDEX simulation_block_grams_names ON simulation_block_grams (gram, block) INCLUDE (names);

DELETE FROM simulation_block_grams WHERE shard <> 0;
INSERT INTO simulation_blocks AS b (block, shard, runs, grams_pending)
    SELECT DISTINCT block, 0, 0, 1 FROM simulation_blocks ORDER BY 1
    ON CONFLICT (block, shard) DO UPDATE SET grams_pending = b.grams_pending + 1;

-- Migration 031's trigger per statement, which now counts the names a delete takes away too.
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
        COUNT(name_folded)
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


-- A run renamed (its name folded anew, or removed) or given another id leaves the characters of
-- its block, and of the block it joins, to gather again.
CREATE OR REPLACE FUNCTION simulation_block_grams_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
BEGIN
    INSERT INTO simulation_blocks AS b (block, shard, runs, grams_pending)
    SELECT DISTINCT moved.block, here, 0, 1
    FROM (VALUES (OLD.simulation_id / 4096), (NEW.simulation_id / 4096)) AS moved (block)
    ORDER BY 1
    ON CONFLICT (block, shard) DO UPDATE SET grams_pending = b.grams_pending + 1;
    RETURN NULL;
END $$;

DROP TRIGGER simulations_block_grams_follow ON simulations;
CREATE TRIGGER simulations_block_grams_follow AFTER UPDATE OF name_folded, simulation_id
    ON simulations FOR EACH ROW
    WHEN (OLD.name_folded IS DISTINCT FROM NEW.name_folded
          OR OLD.simulation_id IS DISTINCT FROM NEW.simulation_id)
    EXECUTE FUNCTION simulation_block_grams_follow();

-- Migration 031's gathering, which now replaces the block's rows with the characters of its
-- names and how many names hold each. One process gathers a block at a time (an advisory lock
-- on the block, not waited for): two gathering the same block at once could each count the
-- names of the rows the other locked.
CREATE OR REPLACE FUNCTION simulation_block_grams_fold(newest BOOLEAN) RETURNS BIGINT
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    gathered BIGINT;
    shards SMALLINT[];
BEGIN
    SELECT MIN(block) INTO gathered FROM simulation_blocks
    WHERE grams_pending > 0
        AND (newest OR block < (SELECT MAX(block) FROM simulation_blocks));
    IF gathered IS NULL OR NOT pg_try_advisory_xact_lock(20331, gathered::INTEGER) THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(shard) INTO shards FROM (
        SELECT shard FROM simulation_blocks WHERE block = gathered AND grams_pending > 0
        ORDER BY shard FOR UPDATE SKIP LOCKED) AS locked;
    IF shards IS NULL THEN
        RETURN NULL;
    END IF;
    DELETE FROM simulation_block_grams WHERE block = gathered;
    INSERT INTO simulation_block_grams (gram, block, shard, names)
    SELECT gram, gathered, 0, COUNT(*)
    FROM (SELECT DISTINCT simulation_id, gram
          FROM simulations, simulation_name_grams(name_folded) AS gram
          WHERE simulation_id >= gathered * 4096 AND simulation_id < (gathered + 1) * 4096
              AND name_folded IS NOT NULL) AS held
    GROUP BY gram ORDER BY 1;
    UPDATE simulation_blocks SET grams_pending = 0
    WHERE block = gathered AND shard = ANY (shards);
    RETURN gathered;
END $$;
