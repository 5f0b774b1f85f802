-- Runs are numbered as they are created, so their creation order is nearly always their id
-- order. While it is, a name search in creation (or id) order reads the trigram index's
-- matches in id order, as FTS5 gives them, and stops at the end of its page however few of
-- the runs match. One fact records it: set when the table is in id order, cleared for good by
-- a run created out of it (an id below a newer run's, a creation date before an older run's)
-- or by a creation date or id changed. Since the table was in order before each insert, the
-- new run's two neighbours by id tell whether it still is.
CREATE TABLE creation_order (
    follows_id INTEGER NOT NULL
);

INSERT INTO creation_order (follows_id)
    SELECT NOT EXISTS (
        SELECT 1 FROM (SELECT creation_date,
            LAG(creation_date) OVER (ORDER BY simulation_id) AS previous FROM simulations)
        WHERE creation_date < previous);

CREATE TRIGGER simulations_creation_order AFTER INSERT ON simulations
WHEN (SELECT follows_id FROM creation_order) = 1 AND (
    (SELECT creation_date FROM simulations WHERE simulation_id < NEW.simulation_id
     ORDER BY simulation_id DESC LIMIT 1) > NEW.creation_date
    OR (SELECT creation_date FROM simulations WHERE simulation_id > NEW.simulation_id
        ORDER BY simulation_id LIMIT 1) < NEW.creation_date) BEGIN
    UPDATE creation_order SET follows_id = 0;
END;

CREATE TRIGGER simulations_creation_moved AFTER UPDATE OF creation_date, simulation_id
ON simulations WHEN NEW.creation_date <> OLD.creation_date
    OR NEW.simulation_id <> OLD.simulation_id BEGIN
    UPDATE creation_order SET follows_id = 0;
END;
