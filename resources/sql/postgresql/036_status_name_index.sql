-- The trigram index keyed by the status of runs that have not finished too, through btree_gin
-- (migration 030): a search among the failed runs, or those pending, running or cancelled,
-- reads from the index the matches of its name that have that status alone. At a million runs
-- 042 is in 13,979 names and 240 of the 20,000 failed runs: a page of them by name read every
-- match of the name (6 ms) or walked the failed runs' names until it had a hundred (3.5-5.6 ms):
-- from the index it reads the 240, counts and sorts them (1 ms). Finished runs, most of them,
-- have no key (NULLIF): a search among them asks the index for the name alone, as before, since
-- intersecting a rare name's few candidates with a key that most rows hold costs more than
-- checking each candidate's status (at a million runs 0000424 among the finished: 4.4 against
-- 0.6 ms). The key is asked for by the searches alone (NameSearch::indexedStatus), never by a
-- plain filter on the status. Where btree_gin was refused the index stays as it was.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin')
        OR to_regclass('simulations_name_trgm_idx') IS NULL THEN
        RETURN;
    END IF;
    DROP INDEX simulations_name_trgm_idx;
    CREATE INDEX simulations_name_trgm_idx ON simulations
        USING gin (NULLIF(status, 'finished'), (simulation_id / 4096), name_folded gin_trgm_ops)
        WITH (gin_pending_list_limit = 256);
END $$;
