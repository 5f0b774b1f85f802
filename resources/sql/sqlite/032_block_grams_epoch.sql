-- The housekeeper gathers a block's characters a part of its ids at a time, each part a short
-- transaction of its own, so that writers wait milliseconds for it rather than the time of the
-- whole block. The names it counted to gather when it began are then taken off the block's
-- count: those added meanwhile stay to gather. A block whose runs were all deleted loses its
-- row, and one made afresh by new runs could hold as many names to gather as the one the
-- housekeeper began with: each row made gets a random epoch, and the count is taken off only
-- where the epoch is the one the housekeeper read.
ALTER TABLE simulation_blocks ADD COLUMN grams_epoch INTEGER;

-- Migration 031's trigger, which now also gives a block's row made its epoch.
DROP TRIGGER simulations_block_insert;
CREATE TRIGGER simulations_block_insert AFTER INSERT ON simulations BEGIN
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key, first_updated, last_updated, grams_pending,
                                   grams_epoch)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key, NEW.update_date, (NEW.update_date / 60000 + 1) * 60000,
            NEW.name_folded IS NOT NULL, random())
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

-- Migration 024's trigger for a run given another id or creation date, likewise.
DROP TRIGGER simulations_block_move;
CREATE TRIGGER simulations_block_move AFTER UPDATE OF simulation_id, creation_date ON simulations
WHEN NEW.simulation_id <> OLD.simulation_id OR NEW.creation_date <> OLD.creation_date BEGIN
    UPDATE simulation_blocks SET runs = runs - 1 WHERE block = OLD.simulation_id / 4096;
    DELETE FROM simulation_blocks WHERE block = OLD.simulation_id / 4096 AND runs = 0;
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key, first_updated, last_updated, grams_epoch)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key, NEW.update_date, (NEW.update_date / 60000 + 1) * 60000, random())
    ON CONFLICT (block) DO UPDATE SET runs = runs + 1,
        first_created = MIN(first_created, excluded.first_created),
        last_created = MAX(last_created, excluded.last_created),
        first_name_key = MIN(IFNULL(first_name_key, excluded.first_name_key),
                             excluded.first_name_key),
        last_name_key = MAX(IFNULL(last_name_key, excluded.last_name_key),
                            excluded.last_name_key),
        first_updated = MIN(first_updated, excluded.first_updated),
        last_updated = MAX(last_updated, excluded.last_updated);
END;
