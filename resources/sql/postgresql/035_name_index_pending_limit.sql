-- The trigram index takes the entries of rows written since (a run added, or any change that
-- writes a new version of its row: a status, a point) into a pending list, which every search of
-- the index reads whole, and moves them into the index proper only when the list passes its
-- limit (4 MB, some 15,000 rows) or a vacuum comes, on a large table seldom. At a million runs
-- 8,000 runs added left 300 pages there, and took the first page of 042 from 1.9 to 6.2 ms. The
-- list now holds at most 256 kB (32 pages: about 0.4 ms a search), and the upkeep moves it into
-- the index every tick (NameSearch::tidyIndex); a POST costs the same (1.29-1.39 ms against
-- 1.34-1.36 at a million runs).
DO $$
BEGIN
    IF to_regclass('simulations_name_trgm_idx') IS NOT NULL THEN
        ALTER INDEX simulations_name_trgm_idx SET (gin_pending_list_limit = 256);
    END IF;
END $$;
