-- The lowest and highest name sort keys (name_key, the name order's key) a run of each block of
-- 4,096 ids (migration 017) was given. A walk of the name order that checks each name for a text
-- (NameSearch) reads only the keys from the lowest to the highest of the blocks that may hold
-- the text (migration 020): where names follow the ids (run-0000001, run-0000002 …), a text of
-- the newest runs no longer walks the names of all the older ones first.
-- The span only widens: a run deleted or renamed leaves it as it was, and the walk checks every
-- name anyway. Kept in the transaction that adds, moves or renames the run, by the blocks'
-- triggers; a block's span is that of all its shards' rows together.
ALTER TABLE simulation_blocks ADD COLUMN first_name_key TEXT COLLATE "C",
    ADD COLUMN last_name_key TEXT COLLATE "C";

UPDATE simulation_blocks AS b SET first_name_key = held.first_name_key,
    last_name_key = held.last_name_key
FROM (SELECT simulation_id / 4096 AS block, MIN(name_key) AS first_name_key,
             MAX(name_key) AS last_name_key
      FROM simulations GROUP BY simulation_id / 4096) AS held
WHERE b.block = held.block;

-- Migration 020's trigger per statement, which now also widens the blocks' spans of names.
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
        first_name_key, last_name_key)
    SELECT simulation_id / 4096, here, sign * COUNT(*),
        CASE WHEN sign > 0 THEN MIN(creation_date) END,
        CASE WHEN sign > 0 THEN MAX(creation_date) END,
        CASE WHEN sign > 0 THEN MIN(name_key) END,
        CASE WHEN sign > 0 THEN MAX(name_key) END
    FROM changed GROUP BY simulation_id / 4096 ORDER BY simulation_id / 4096
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key);
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

-- Migration 017's functions, which now also carry the spans of names.
CREATE OR REPLACE FUNCTION simulation_blocks_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
BEGIN
    INSERT INTO simulation_blocks AS b (block, shard, runs)
    VALUES (OLD.simulation_id / 4096, here, -1)
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs - 1;
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created,
        first_name_key, last_name_key)
    VALUES (NEW.simulation_id / 4096, here, 1, NEW.creation_date, NEW.creation_date,
        NEW.name_key, NEW.name_key)
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + 1,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION simulation_blocks_fold() RETURNS void LANGUAGE sql AS $$
    WITH folded AS (
        DELETE FROM simulation_blocks
        WHERE shard <> 0 AND block < (SELECT MAX(block) FROM simulation_blocks)
        RETURNING block, runs, first_created, last_created, first_name_key, last_name_key
    )
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created,
        first_name_key, last_name_key)
    SELECT block, 0, SUM(runs), MIN(first_created), MAX(last_created), MIN(first_name_key),
        MAX(last_name_key)
    FROM folded GROUP BY block ORDER BY block
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created),
        first_name_key = LEAST(b.first_name_key, excluded.first_name_key),
        last_name_key = GREATEST(b.last_name_key, excluded.last_name_key);
$$;

-- A run renamed (or its name folded) widens its block's span to its new name, in every shard's
-- row of the block (at least one: the run's own).
CREATE FUNCTION simulation_block_names_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE simulation_blocks SET first_name_key = LEAST(first_name_key, NEW.name_key),
        last_name_key = GREATEST(last_name_key, NEW.name_key)
    WHERE block = NEW.simulation_id / 4096;
    RETURN NULL;
END $$;

CREATE TRIGGER simulations_block_names_follow AFTER UPDATE OF name_key ON simulations
    FOR EACH ROW WHEN (OLD.name_key IS DISTINCT FROM NEW.name_key)
    EXECUTE FUNCTION simulation_block_names_follow();
