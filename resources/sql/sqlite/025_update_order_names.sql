-- The update order's indexes end with the folded name too, as the creation and the name order's
-- do (migrations 022 and 023): a walk by update date that checks each name for a text, alone or
-- under a status, a machine or both, tests it in the index and looks up only the rows that
-- match. A run's update date changes with its points, and each point writes these entries anew,
-- and a name adds its bytes to them.
DROP INDEX simulations_update_idx;
CREATE INDEX simulations_update_idx ON simulations (update_date, simulation_id, name_folded);

DROP INDEX simulations_status_update_idx;
CREATE INDEX simulations_status_update_idx ON simulations (
    status, update_date, simulation_id, name_folded);

DROP INDEX simulations_machine_update_idx;
CREATE INDEX simulations_machine_update_idx ON simulations (
    machine_id, update_date, simulation_id, name_folded);

DROP INDEX simulations_machine_status_update_idx;
CREATE INDEX simulations_machine_status_update_idx ON simulations (
    machine_id, status, update_date, simulation_id, name_folded);
