-- A search for a common name (more matches than a page reads from the trigram index) walks the
-- creation order's index and checks each name, fetching every row it walks from the table:
-- 50,000 rows for a page of 100 where the text is rare among the newest runs. The index now
-- carries the folded names, so that the walk reads them from it alone (an index-only scan,
-- where the table's pages are all visible) and fetches only the page's rows.
CREATE INDEX simulations_creation_names_idx ON simulations (creation_date, simulation_id)
    INCLUDE (name_folded);
DROP INDEX simulations_creation_idx;
ALTER INDEX simulations_creation_names_idx RENAME TO simulations_creation_idx;
