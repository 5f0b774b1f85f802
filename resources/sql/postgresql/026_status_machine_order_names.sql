-- The status and the machine order's indexes carry the folded names too, as the creation, the
-- name and the update order's do (migrations 016, 022, 023 and 025): a walk by status or by
-- machine that checks each name for a text, alone or under the other filter, reads them from the
-- index alone and fetches only the page's rows. The status order's indexes hold the status too:
-- their key is an expression of it, which the planner reads from the index only where the
-- status itself is there.
CREATE INDEX simulations_status_rank_names_idx ON simulations ((
    CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2
    WHEN 'failed' THEN 3 ELSE 4 END), simulation_id) INCLUDE (name_folded, status);
DROP INDEX simulations_status_rank_idx;
ALTER INDEX simulations_status_rank_names_idx RENAME TO simulations_status_rank_idx;

CREATE INDEX simulations_machine_order_names_idx ON simulations (machine_id, simulation_id)
    INCLUDE (name_folded);
DROP INDEX simulations_machine_order_idx;
ALTER INDEX simulations_machine_order_names_idx RENAME TO simulations_machine_order_idx;

CREATE INDEX simulations_machine_rank_names_idx ON simulations (machine_id, (
    CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2
    WHEN 'failed' THEN 3 ELSE 4 END), simulation_id) INCLUDE (name_folded, status);
DROP INDEX simulations_machine_rank_idx;
ALTER INDEX simulations_machine_rank_names_idx RENAME TO simulations_machine_rank_idx;

CREATE INDEX simulations_status_machine_names_idx ON simulations (
    status, machine_id, simulation_id) INCLUDE (name_folded);
DROP INDEX simulations_status_machine_idx;
ALTER INDEX simulations_status_machine_names_idx RENAME TO simulations_status_machine_idx;
