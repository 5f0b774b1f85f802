-- The update order's indexes carry the folded names too, as the creation and the name order's do
-- (migrations 016, 022 and 023): a walk by update date that checks each name for a text, alone
-- or under a status, a machine or both, reads them from the index alone and fetches only the
-- page's rows. A run's update date changes with its points, and each point writes these entries
-- anew (with every other index's: a changed key leaves no update in place); a name adds its bytes
-- to four of them. At a million runs, placing a page of run-09 at offset 5,000 by update date:
-- 32 -> 4.5 ms.
CREATE INDEX simulations_update_names_idx ON simulations (update_date, simulation_id)
    INCLUDE (name_folded);
DROP INDEX simulations_update_idx;
ALTER INDEX simulations_update_names_idx RENAME TO simulations_update_idx;

CREATE INDEX simulations_status_update_names_idx ON simulations (
    status, update_date, simulation_id) INCLUDE (name_folded);
DROP INDEX simulations_status_update_idx;
ALTER INDEX simulations_status_update_names_idx RENAME TO simulations_status_update_idx;

CREATE INDEX simulations_machine_update_names_idx ON simulations (
    machine_id, update_date, simulation_id) INCLUDE (name_folded);
DROP INDEX simulations_machine_update_idx;
ALTER INDEX simulations_machine_update_names_idx RENAME TO simulations_machine_update_idx;

CREATE INDEX simulations_machine_status_update_names_idx ON simulations (
    machine_id, status, update_date, simulation_id) INCLUDE (name_folded);
DROP INDEX simulations_machine_status_update_idx;
ALTER INDEX simulations_machine_status_update_names_idx
    RENAME TO simulations_machine_status_update_idx;
