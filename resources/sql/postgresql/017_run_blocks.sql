-- A page deep into the id or creation order, without filters, finds the row before it from the
-- number of runs in each block of 4,096 ids instead of walking the order's index up to it
-- (SimulationBlocks). Kept in the transaction of every change, as the counters are, in the same
-- shards (one per connection) and by the same trigger per statement, with the earliest and
-- latest creation dates a run of the block was given: where no other block's dates reach into a
-- block's span (runs are created about in id order), the creation order holds the blocks one
-- after the other. Deleted runs leave the span as it was, wider than the rest: the check stays
-- safe. A shard may hold a negative share of a block; rows are folded into shard 0 by
-- simulation_blocks_fold(), never deleted by a change, so that no run's creation date leaves the
-- span of its block.
CREATE TABLE simulation_blocks (
    block BIGINT NOT NULL,
    shard SMALLINT NOT NULL,
    runs BIGINT NOT NULL,
    first_created BIGINT,
    last_created BIGINT,
    PRIMARY KEY (block, shard)
);

INSERT INTO simulation_blocks (block, shard, runs, first_created, last_created)
    SELECT simulation_id / 4096, 0, COUNT(*), MIN(creation_date), MAX(creation_date)
    FROM simulations GROUP BY simulation_id / 4096;

-- Migration 014's trigger per statement, which now also counts the statement's runs by block.
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
    RETURN NULL;
END $$;

-- A run given another id or creation date leaves its block and joins the other one.
CREATE FUNCTION simulation_blocks_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    here SMALLINT := pg_backend_pid() % 16;
BEGIN
    INSERT INTO simulation_blocks AS b (block, shard, runs)
    VALUES (OLD.simulation_id / 4096, here, -1)
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs - 1;
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created)
    VALUES (NEW.simulation_id / 4096, here, 1, NEW.creation_date, NEW.creation_date)
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + 1,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created);
    RETURN NULL;
END $$;

CREATE TRIGGER simulations_block_move AFTER UPDATE OF simulation_id, creation_date
    ON simulations FOR EACH ROW
    WHEN (OLD.simulation_id IS DISTINCT FROM NEW.simulation_id
          OR OLD.creation_date IS DISTINCT FROM NEW.creation_date)
    EXECUTE FUNCTION simulation_blocks_follow();

-- Folds the shards of the blocks below the newest into shard 0, a row a block, so that reading
-- the blocks reads few rows. Rows being written meanwhile wait for it or are folded next time.
CREATE FUNCTION simulation_blocks_fold() RETURNS void LANGUAGE sql AS $$
    WITH folded AS (
        DELETE FROM simulation_blocks
        WHERE shard <> 0 AND block < (SELECT MAX(block) FROM simulation_blocks)
        RETURNING block, runs, first_created, last_created
    )
    INSERT INTO simulation_blocks AS b (block, shard, runs, first_created, last_created)
    SELECT block, 0, SUM(runs), MIN(first_created), MAX(last_created)
    FROM folded GROUP BY block ORDER BY block
    ON CONFLICT (block, shard) DO UPDATE SET runs = b.runs + excluded.runs,
        first_created = LEAST(b.first_created, excluded.first_created),
        last_created = GREATEST(b.last_created, excluded.last_created);
$$;
