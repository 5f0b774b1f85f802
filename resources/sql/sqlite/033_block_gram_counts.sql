-- A block's three characters are gathered with the number of its names that hold each
-- (simulation_block_grams.names): for a text of three characters, the count of its matches in
-- that block, exact while the block has nothing left to gather (as on PostgreSQL, its migration
-- 033). A page deep among a text's matches is then placed by these counts instead of counting
-- every match through FTS5.
-- Counts stay exact only if every change to a block's names leaves it to gather again: a run
-- deleted, renamed or given another id now counts in the block's names to gather, as a run
-- added does (migration 031), instead of adding its characters at once (migration 020), and the
-- housekeeper gathers the block afresh: its rows replaced by the characters of the names it
-- holds then, with their counts. Every block is gathered afresh once, with counts.
ALTER TABLE simulation_block_grams ADD COLUMN names INTEGER;
-- A block's rows are replaced as one.
CREATE INDEX simulation_block_grams_block ON simulation_block_grams (block);

UPDATE simulation_blocks SET grams_pending = grams_pending + 1;

-- Migration 017's trigger for a run deleted, which now leaves its block's names to gather.
DROP TRIGGER simulations_block_delete;
CREATE TRIGGER simulations_block_delete AFTER DELETE ON simulations BEGIN
    UPDATE simulation_blocks SET runs = runs - 1,
        grams_pending = grams_pending + (OLD.name_folded IS NOT NULL)
    WHERE block = OLD.simulation_id / 4096;
    DELETE FROM simulation_blocks WHERE block = OLD.simulation_id / 4096 AND runs = 0;
END;

-- Migration 032's trigger for a run given another id or creation date, which now leaves the
-- names of both blocks to gather where the id changed.
DROP TRIGGER simulations_block_move;
CREATE TRIGGER simulations_block_move AFTER UPDATE OF simulation_id, creation_date ON simulations
WHEN NEW.simulation_id <> OLD.simulation_id OR NEW.creation_date <> OLD.creation_date BEGIN
    UPDATE simulation_blocks SET runs = runs - 1,
        grams_pending = grams_pending + (NEW.simulation_id <> OLD.simulation_id)
    WHERE block = OLD.simulation_id / 4096;
    DELETE FROM simulation_blocks WHERE block = OLD.simulation_id / 4096 AND runs = 0;
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key, first_updated, last_updated, grams_pending,
                                   grams_epoch)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key, NEW.update_date, (NEW.update_date / 60000 + 1) * 60000,
            NEW.simulation_id <> OLD.simulation_id, random())
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

-- Migration 020's trigger for a run renamed, which now leaves its block's names to gather
-- instead of adding the characters of its new name (a run given another id is the trigger's
-- above).
DROP TRIGGER simulations_block_grams_follow;
CREATE TRIGGER simulations_block_grams_follow AFTER UPDATE OF name_folded ON simulations
WHEN OLD.name_folded IS NOT NEW.name_folded BEGIN
    UPDATE simulation_blocks SET grams_pending = grams_pending + 1
    WHERE block = NEW.simulation_id / 4096;
END;

-- Migration 008's trigger of the trigram index, which now follows a run given another id too:
-- the index's rows are the runs' ids, and the blocks' counts are read beside the index's
-- matches.
DROP TRIGGER simulation_names_rename;
CREATE TRIGGER simulation_names_rename AFTER UPDATE OF name_folded, simulation_id ON simulations
WHEN OLD.name_folded IS NOT NEW.name_folded OR OLD.simulation_id <> NEW.simulation_id BEGIN
    INSERT INTO simulation_names (simulation_names, rowid, name_folded)
    SELECT 'delete', OLD.simulation_id, OLD.name_folded WHERE OLD.name_folded IS NOT NULL;
    INSERT INTO simulation_names (rowid, name_folded)
    SELECT NEW.simulation_id, NEW.name_folded WHERE NEW.name_folded IS NOT NULL;
END;
