-- Which blocks of 4,096 ids (migration 017) hold a name with a given three characters: a walk
-- of the creation order that checks each name for a text (NameSearch) reads only the creation
-- dates of the blocks that hold every three characters of that text. Where the matches of a
-- common text gather in a few blocks (the newest runs, an old campaign), the walk no longer
-- reads the runs of all the others first: at a million runs, "run-09" in creation order read
-- 900,000 rows before its first match.
-- A row says only that the block may hold such a name: a run deleted or renamed leaves it, and
-- the walk checks every name anyway. Rows are added in the transaction that adds the name, by
-- the trigger per statement of the counters, in the shard of the connection (as the counters
-- are): writers on other connections wait for each other's new rows only where their shards
-- coincide, and add them in one order.
-- The characters are those of the folded name, as the search folds its text (code points).
CREATE TABLE simulation_block_grams (
    gram TEXT COLLATE "C" NOT NULL,
    block BIGINT NOT NULL,
    shard SMALLINT NOT NULL,
    PRIMARY KEY (gram, block, shard)
);

-- Every three characters of a name, from each of its characters but the last two.
CREATE FUNCTION simulation_name_grams(name TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(name, i, 3) FROM generate_series(1, length(name) - 2) AS i
$$;

INSERT INTO simulation_block_grams (gram, block, shard)
    SELECT DISTINCT gram, simulation_id / 4096, 0
    FROM simulations, simulation_name_grams(name_folded) AS gram
    WHERE name_folded IS NOT NULL;

-- Migration 017's trigger per statement, which now also adds the grams of the names it adds.
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
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created)
    SELECT simulation_id / 4096, here, sign * COUNT(*),
        CASE WHEN sign > 0 THEN MIN(creation_date) END,
        CASE WHEN sign > 0 THEN MAX(creation_date) END
    FROM changed GROUP BY simulation_id / 4096 ORDER BY simulation_id / 4096
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created);
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

-- A run renamed (or folded, or given another id) adds the grams of its name to its block.
CREATE FUNCTION simulation_block_grams_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO simulation_block_grams (gram, block, shard)
    SELECT DISTINCT gram, NEW.simulation_id / 4096, pg_backend_pid() % 16
    FROM simulation_name_grams(NEW.name_folded) AS gram
    ORDER BY 1
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER simulations_block_grams_follow AFTER UPDATE OF name_folded, simulation_id
    ON simulations FOR EACH ROW
    WHEN (NEW.name_folded IS NOT NULL
          AND (OLD.name_folded IS DISTINCT FROM NEW.name_folded
               OR OLD.simulation_id IS DISTINCT FROM NEW.simulation_id))
    EXECUTE FUNCTION simulation_block_grams_follow();
