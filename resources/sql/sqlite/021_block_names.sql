-- The lowest and highest name sort keys (name_key, the name order's key) a run of each block of
-- 4,096 ids (migration 017) was given. A walk of the name order that checks each name for a text
-- (NameSearch) reads only the keys from the lowest to the highest of the blocks that may hold
-- the text (migration 020): where names follow the ids (run-0000001, run-0000002 …), a text of
-- the newest runs no longer walks the names of all the older ones first.
-- The span only widens: a run deleted or renamed leaves it as it was, and the walk checks every
-- name anyway. Kept by the blocks' triggers, in the transaction that adds or renames the run.
ALTER TABLE simulation_blocks ADD COLUMN first_name_key TEXT;
ALTER TABLE simulation_blocks ADD COLUMN last_name_key TEXT;

UPDATE simulation_blocks SET
    first_name_key = (SELECT MIN(name_key) FROM simulations
                      WHERE simulation_id BETWEEN block * 4096 AND block * 4096 + 4095),
    last_name_key = (SELECT MAX(name_key) FROM simulations
                     WHERE simulation_id BETWEEN block * 4096 AND block * 4096 + 4095);

-- Migration 017's triggers, which now also widen the span of names. IFNULL: a block's row
-- written before this migration by a run added meanwhile holds no span yet.
DROP TRIGGER simulations_block_insert;
CREATE TRIGGER simulations_block_insert AFTER INSERT ON simulations BEGIN
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key)
    ON CONFLICT (block) DO UPDATE SET runs = runs + 1,
        first_created = MIN(first_created, excluded.first_created),
        last_created = MAX(last_created, excluded.last_created),
        first_name_key = MIN(IFNULL(first_name_key, excluded.first_name_key),
                             excluded.first_name_key),
        last_name_key = MAX(IFNULL(last_name_key, excluded.last_name_key),
                            excluded.last_name_key);
END;

DROP TRIGGER simulations_block_move;
CREATE TRIGGER simulations_block_move AFTER UPDATE OF simulation_id, creation_date ON simulations
WHEN NEW.simulation_id <> OLD.simulation_id OR NEW.creation_date <> OLD.creation_date BEGIN
    UPDATE simulation_blocks SET runs = runs - 1 WHERE block = OLD.simulation_id / 4096;
    DELETE FROM simulation_blocks WHERE block = OLD.simulation_id / 4096 AND runs = 0;
    INSERT INTO simulation_blocks (block, runs, first_created, last_created, first_name_key,
                                   last_name_key)
    VALUES (NEW.simulation_id / 4096, 1, NEW.creation_date, NEW.creation_date, NEW.name_key,
            NEW.name_key)
    ON CONFLICT (block) DO UPDATE SET runs = runs + 1,
        first_created = MIN(first_created, excluded.first_created),
        last_created = MAX(last_created, excluded.last_created),
        first_name_key = MIN(IFNULL(first_name_key, excluded.first_name_key),
                             excluded.first_name_key),
        last_name_key = MAX(IFNULL(last_name_key, excluded.last_name_key),
                            excluded.last_name_key);
END;

-- A run renamed (or its name folded) widens its block's span to its new name.
CREATE TRIGGER simulations_block_names_follow AFTER UPDATE OF name_key ON simulations
WHEN OLD.name_key IS NOT NEW.name_key BEGIN
    UPDATE simulation_blocks SET
        first_name_key = MIN(IFNULL(first_name_key, NEW.name_key), NEW.name_key),
        last_name_key = MAX(IFNULL(last_name_key, NEW.name_key), NEW.name_key)
    WHERE block = NEW.simulation_id / 4096;
END;
