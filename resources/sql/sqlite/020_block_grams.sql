-- Which blocks of 4,096 ids (migration 017) hold a name with a given three characters, as on
-- PostgreSQL (its migration 020): a walk that checks each name for a text (NameSearch) reads
-- only the blocks that hold every three characters of that text. FTS5 yields a name's matches
-- in id order, so a page in creation order needs no walk; a page with a status, a machine or a
-- verdict, or in another order, walks that filter's or order's index and checks each name.
-- A row says only that the block may hold such a name: a run deleted or renamed leaves it, and
-- the walk checks every name anyway. Rows are added by the triggers below, in the transaction
-- that adds the name. The characters are those of the folded name (code points), cut at each
-- position given by json_each over an array as long as the name less two: a trigger may not
-- hold a WITH clause.
CREATE TABLE simulation_block_grams (
    gram TEXT NOT NULL,
    block INTEGER NOT NULL,
    PRIMARY KEY (gram, block)
) WITHOUT ROWID;

WITH RECURSIVE position (i) AS (
    SELECT 1
    UNION ALL
    SELECT i + 1 FROM position
    WHERE i < (SELECT MAX(length(name_folded)) FROM simulations) - 2
)
INSERT OR IGNORE INTO simulation_block_grams (gram, block)
    SELECT DISTINCT substr(name_folded, i, 3), simulation_id / 4096
    FROM simulations JOIN position ON i <= length(name_folded) - 2
    WHERE name_folded IS NOT NULL;

CREATE TRIGGER simulations_block_grams_insert AFTER INSERT ON simulations
WHEN NEW.name_folded IS NOT NULL BEGIN
    INSERT OR IGNORE INTO simulation_block_grams (gram, block)
    SELECT DISTINCT substr(NEW.name_folded, key + 1, 3), NEW.simulation_id / 4096
    FROM json_each('[' || rtrim(replace(hex(zeroblob(length(NEW.name_folded) - 2)), '00', '0,'),
                                ',') || ']');
END;

-- A run renamed (or folded, or given another id) adds the grams of its name to its block.
CREATE TRIGGER simulations_block_grams_follow AFTER UPDATE OF name_folded, simulation_id
ON simulations
WHEN NEW.name_folded IS NOT NULL
     AND (OLD.name_folded IS NOT NEW.name_folded OR OLD.simulation_id IS NOT NEW.simulation_id)
BEGIN
    INSERT OR IGNORE INTO simulation_block_grams (gram, block)
    SELECT DISTINCT substr(NEW.name_folded, key + 1, 3), NEW.simulation_id / 4096
    FROM json_each('[' || rtrim(replace(hex(zeroblob(length(NEW.name_folded) - 2)), '00', '0,'),
                                ',') || ']');
END;
