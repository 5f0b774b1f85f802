-- The status and the machine order's indexes end with the folded name too, as the creation, the
-- name and the update order's do (migrations 022, 023 and 025): a walk by status or by machine
-- that checks each name for a text, alone or under the other filter, tests it in the index and
-- looks up only the rows that match. The machine's index also serves the machines' foreign key.
DROP INDEX simulations_status_rank_idx;
CREATE INDEX simulations_status_rank_idx ON simulations (
    (CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2
     WHEN 'failed' THEN 3 ELSE 4 END), simulation_id, name_folded);

DROP INDEX simulations_machine_idx;
CREATE INDEX simulations_machine_idx ON simulations (machine_id, simulation_id, name_folded);

DROP INDEX simulations_machine_rank_idx;
CREATE INDEX simulations_machine_rank_idx ON simulations (machine_id,
    (CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2
     WHEN 'failed' THEN 3 ELSE 4 END), simulation_id, name_folded);

DROP INDEX simulations_status_machine_idx;
CREATE INDEX simulations_status_machine_idx ON simulations (
    status, machine_id, simulation_id, name_folded);
