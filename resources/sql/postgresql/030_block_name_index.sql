-- The trigram index of the folded names keyed by block of ids too (migration 017's blocks,
-- simulation_id / 4096), through btree_gin: the matches of a text within a few blocks are read
-- from the index alone, without reading the rows of its matches in the other blocks. A page of
-- a name whose runs lie in a few blocks of ids (its rows by name, by update date, newest first)
-- reads those blocks' matches (NameSearch::matchSpans); a text's other searches use the index
-- as before, a GIN index serving a condition on any of its columns. btree_gin ships with
-- PostgreSQL beside pg_trgm and is a trusted extension; where the server refuses it, the index
-- stays the names' alone and the same pages read all their matches.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gin_trgm_ops') THEN
        RETURN;
    END IF;
    BEGIN
        CREATE EXTENSION IF NOT EXISTS btree_gin;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'btree_gin is not available (%): the name index is not keyed by block',
            SQLERRM;
        RETURN;
    END;
    DROP INDEX IF EXISTS simulations_name_trgm_idx;
    CREATE INDEX simulations_name_trgm_idx ON simulations
        USING gin ((simulation_id / 4096), name_folded gin_trgm_ops);
END $$;
