-- A page deep into the id or creation order, without filters, finds the row before it from the
-- number of runs in each block of 4,096 ids instead of walking the order's index up to it
-- (SimulationBlocks). Kept by triggers in the transaction of every change, as the counters are,
-- with the earliest and latest creation dates a run of the block was given: where no other
-- block's dates reach into a block's span (runs are created about in id order), the creation
-- order holds the blocks one after the other. Deleted runs leave the span as it was, wider than
-- the rest: the check stays safe.
CREATE TABLE simulation_blocks (
    block INTEGER PRIMARY KEY,
    runs INTEGER NOT NULL,
    first_created BIGINT,
    last_created BIGINT
);

INSERT INTO simulation_blocks (block, runs, first_created, last_created)
    SELECT simulation_id / 4096, COUNT(*), MIN(creation_date), MAX(creation_date)
    FROM simulations GROUP BY simulation_id / 4096;

CREATE TRIGGER simulations_block_insert AFTER INSERT ON simulations BEGIN
    INSERT INTO simulation_blocks (block, runs, first_created, last_created)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date)
    ON CONFLICT (block) DO UPDATE SET runs = runs + 1,
        first_created = MIN(first_created, excluded.first_created),
        last_created = MAX(last_created, excluded.last_created);
END;

CREATE TRIGGER simulations_block_delete AFTER DELETE ON simulations BEGIN
    UPDATE simulation_blocks SET runs = runs - 1 WHERE block = OLD.simulation_id / 4096;
    DELETE FROM simulation_blocks WHERE block = OLD.simulation_id / 4096 AND runs = 0;
END;

-- A run given another id or creation date leaves its block and joins the other one.
CREATE TRIGGER simulations_block_move AFTER UPDATE OF simulation_id, creation_date ON simulations
WHEN NEW.simulation_id <> OLD.simulation_id OR NEW.creation_date <> OLD.creation_date BEGIN
    UPDATE simulation_blocks SET runs = runs - 1 WHERE block = OLD.simulation_id / 4096;
    DELETE FROM simulation_blocks WHERE block = OLD.simulation_id / 4096 AND runs = 0;
    INSERT INTO simulation_blocks (block, runs, first_created, last_created)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date)
    ON CONFLICT (block) DO UPDATE SET runs = runs + 1,
        first_created = MIN(first_created, excluded.first_created),
        last_created = MAX(last_created, excluded.last_created);
END;
