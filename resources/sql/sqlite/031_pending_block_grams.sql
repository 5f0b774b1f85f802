-- The three characters of the names a run adds to its block (migration 020) are no longer
-- written in the transaction that adds the run: a block counts the names added to it since its
-- characters were last gathered, and a block with such names may hold any text. The engine's
-- housekeeper gathers them (SimulationBlocks::foldGrams), a block at a time, once the block is
-- no longer the newest, and the newest too every half minute. A POST then no longer looks up
-- every three characters of its name among all the blocks' (at a million runs about a twelfth
-- of what SQLite does for a POST), and a search reads a block still to gather as one that may
-- hold its text: the matches stay exact, since the walk checks every name anyway.
-- A rename (or a new id) still adds the characters of its name itself (migration 020).
ALTER TABLE simulation_blocks ADD COLUMN grams_pending INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER simulations_block_grams_insert;

-- Migration 024's trigger, which now also counts the names still to gather.
DROP TRIGGER simulations_block_insert;
CREATE TRIGGER simulations_block_insert AFTER INSERT ON simulations BEGIN
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key, first_updated, last_updated, grams_pending)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key, NEW.update_date, (NEW.update_date / 60000 + 1) * 60000,
            NEW.name_folded IS NOT NULL)
    ON CONFLICT (block) DO UPDATE SET runs = runs + 1,
        first_created = MIN(first_created, excluded.first_created),
        last_created = MAX(last_created, excluded.last_created),
        first_name_key = MIN(IFNULL(first_name_key, excluded.first_name_key),
                             excluded.first_name_key),
        last_name_key = MAX(IFNULL(last_name_key, excluded.last_name_key),
                            excluded.last_name_key),
        first_updated = MIN(first_updated, excluded.first_updated),
        last_updated = MAX(last_updated, excluded.last_updated),
        grams_pending = grams_pending + excluded.grams_pending;
END;
