-- The name search folds case for every script (QString::toCaseFolded()), which SQL's LOWER()
-- does only for ASCII. The folded name is written with each run; runs older than this column
-- get theirs when the program next opens the database.
ALTER TABLE simulations ADD COLUMN name_folded TEXT;

-- The runs still to fold, found at every start without reading every run.
CREATE INDEX simulations_unfolded_idx ON simulations (simulation_id) WHERE name_folded IS NULL;
