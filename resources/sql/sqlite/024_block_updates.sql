-- The span of update dates of the runs of each block of 4,096 ids (migration 017). A walk of the
-- update order that checks each name for a text (NameSearch) starts from the lowest date of the
-- blocks that may hold the text (migration 020), the highest newest first: where runs were
-- updated about in id order, a text of the newest runs no longer walks the updates of all the
-- older ones first, nor a text of the oldest those of all the newer ones.
-- The span only widens: a run deleted or moved leaves it as it was. The lowest date is the
-- lowest a run of the block has had; it falls when a run's date is set back. The highest is
-- rounded up to the end of its minute: a run's update date moves forward with each point, and
-- widens the span once a minute at most. Kept by the blocks' triggers, in the transaction that
-- adds, moves or updates the run. NULL: not known.
ALTER TABLE simulation_blocks ADD COLUMN first_updated INTEGER;
ALTER TABLE simulation_blocks ADD COLUMN last_updated INTEGER;

UPDATE simulation_blocks SET
    first_updated = (SELECT MIN(update_date) FROM simulations
                     WHERE simulation_id BETWEEN block * 4096 AND block * 4096 + 4095),
    last_updated = (SELECT (MAX(update_date) / 60000 + 1) * 60000 FROM simulations
                    WHERE simulation_id BETWEEN block * 4096 AND block * 4096 + 4095);

-- Migration 021's triggers, which now also widen the span of update dates.
DROP TRIGGER simulations_block_insert;
CREATE TRIGGER simulations_block_insert AFTER INSERT ON simulations BEGIN
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key, first_updated, last_updated)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key, NEW.update_date, (NEW.update_date / 60000 + 1) * 60000)
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

DROP TRIGGER simulations_block_move;
CREATE TRIGGER simulations_block_move AFTER UPDATE OF simulation_id, creation_date ON simulations
WHEN NEW.simulation_id <> OLD.simulation_id OR NEW.creation_date <> OLD.creation_date BEGIN
    UPDATE simulation_blocks SET runs = runs - 1 WHERE block = OLD.simulation_id / 4096;
    DELETE FROM simulation_blocks WHERE block = OLD.simulation_id / 4096 AND runs = 0;
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key, first_updated, last_updated)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key, NEW.update_date, (NEW.update_date / 60000 + 1) * 60000)
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

-- A run whose update date is set back, or moves into a later minute, widens its block's span.
CREATE TRIGGER simulations_block_updates_follow AFTER UPDATE OF update_date ON simulations
WHEN NEW.update_date < OLD.update_date OR NEW.update_date / 60000 > OLD.update_date / 60000
BEGIN
    UPDATE simulation_blocks SET first_updated = MIN(first_updated, NEW.update_date),
        last_updated = MAX(last_updated, (NEW.update_date / 60000 + 1) * 60000)
    WHERE block = NEW.simulation_id / 4096;
END;
