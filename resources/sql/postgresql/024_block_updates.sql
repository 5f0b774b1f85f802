-- The span of update dates of the runs of each block of 4,096 ids (migration 017). A walk of the
-- update order that checks each name for a text (NameSearch) starts from the lowest date of the
-- blocks that may hold the text (migration 020), the highest newest first: where runs were
-- updated about in id order, a text of the newest runs no longer walks the updates of all the
-- older ones first, nor a text of the oldest those of all the newer ones.
-- The span only widens: a run deleted or moved leaves it as it was. The lowest date is the
-- lowest a run of the block has had; it falls when a run's date is set back. The highest is
-- rounded up to the end of its minute: a run's update date moves forward with each point, and
-- widens the span once a minute at most. Kept by the blocks' triggers, in the transaction that
-- adds, moves or updates the run; a block's span is that of all its shards' rows together.
ALTER TABLE simulation_blocks ADD COLUMN first_updated BIGINT;
ALTER TABLE simulation_blocks ADD COLUMN last_updated BIGINT;

UPDATE simulation_blocks AS b SET first_updated = held.first_updated,
    last_updated = held.last_updated
FROM (SELECT simulation_id / 4096 AS block, MIN(update_date) AS first_updated,
             (MAX(update_date) / 60000 + 1) * 60000 AS last_updated
      FROM simulations GROUP BY simulation_id / 4096) AS held
WHERE b.block = held.block;

-- Migration 021's trigger per statement, which now also lowers the blocks' bounds.
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
        first_name_key, last_name_key, first_updated, last_updated)
    SELECT simulation_id / 4096, here, sign * COUNT(*),
        CASE WHEN sign > 0 THEN MIN(creation_date) END,
        CASE WHEN sign > 0 THEN MAX(creation_date) END,
        CASE WHEN sign > 0 THEN MIN(name_key) END,
        CASE WHEN sign > 0 THEN MAX(name_key) END,
        CASE WHEN sign > 0 THEN MIN(update_date) END,
        CASE WHEN sign > 0 THEN (MAX(update_date) / 60000 + 1) * 60000 END
    FROM changed GROUP BY simulation_id / 4096 ORDER BY simulation_id / 4096
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key),
        first_updated = LEAST(b.first_updated, excluded.first_updated),
        last_updated = GREATEST(b.last_updated, excluded.last_updated);
    IF sign > 0 THEN
        INSERT INTO simulation_block_grams (gram, block, shard)
        SELECT DISTINCT gram, simulation_id / 4096, here
        FROM changed, simulation_name_grams(name_folded) AS gram
        WHERE name_folded IS NOT NULL
        ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

-- Migration 021's functions, which now also carry the spans of update dates.
CREATE OR REPLACE FUNCTION simulation_blocks_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
BEGIN
    INSERT INTO simulation_blocks AS b (block, shard, runs)
    VALUES (OLD.simulation_id / 4096, here, -1)
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs - 1;
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created,
        first_name_key, last_name_key, first_updated, last_updated)
    VALUES (NEW.simulation_id / 4096, here, 1, NEW.creation_date, NEW.creation_date,
        NEW.name_key, NEW.name_key, NEW.update_date, (NEW.update_date / 60000 + 1) * 60000)
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + 1,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key),
        first_updated = LEAST(b.first_updated, excluded.first_updated),
        last_updated = GREATEST(b.last_updated, excluded.last_updated);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION simulation_blocks_fold() RETURNS void LANGUAGE sql AS $$
    WITH folded AS (
        DELETE FROM simulation_blocks
        WHERE shard <> 0 AND block < (SELECT MAX(block) FROM simulation_blocks)
        RETURNING block, runs, first_created, last_created, first_name_key, last_name_key,
            first_updated, last_updated
    )
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created,
        first_name_key, last_name_key, first_updated, last_updated)
    SELECT block, 0, SUM(runs), MIN(first_created), MAX(last_created), MIN(first_name_key),
        MAX(last_name_key), MIN(first_updated), MAX(last_updated)
    FROM folded GROUP BY block ORDER BY block
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key),
        first_updated = LEAST(b.first_updated, excluded.first_updated),
        last_updated = GREATEST(b.last_updated, excluded.last_updated);
$$;

-- A run whose update date is set back, or moves into a later minute, widens its block's span, in
-- the connection's own shard's row of the block, as the trigger per statement does.
CREATE FUNCTION simulation_block_updates_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_updated, last_updated)
    VALUES (NEW.simulation_id / 4096, pg_backend_pid() % 16, 0, NEW.update_date,
        (NEW.update_date / 60000 + 1) * 60000)
    ON CONFLICT (block, shard) DO UPDATE SET
        first_updated = LEAST(b.first_updated, excluded.first_updated),
        last_updated = GREATEST(b.last_updated, excluded.last_updated);
    RETURN NULL;
END $$;

CREATE TRIGGER simulations_block_updates_follow AFTER UPDATE OF update_date ON simulations
    FOR EACH ROW WHEN (NEW.update_date < OLD.update_date
                       OR NEW.update_date / 60000 > OLD.update_date / 60000)
    EXECUTE FUNCTION simulation_block_updates_follow();
