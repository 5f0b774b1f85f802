-- A claim takes the oldest pending runs of its machine: simulations_queue_idx (status,
-- machine_id, creation_date) found them but not in the claim's order (creation_date,
-- simulation_id). Without statistics (before the table's first ANALYZE) the planner takes any
-- such set for one row and prefers the smallest index, so the claim read and sorted every
-- pending run of the machine: at 45,000 pending runs a claim of 32 took 31–61 ms, where
-- simulations_machine_status_creation_idx reads the 32 runs in order (0.5 ms). Dropped with
-- it, two more that others serve: (machine_id) and (machine_id, status, simulation_id), whose
-- filters simulations_machine_order_idx and simulations_status_machine_idx answer in the same
-- order. Every index costs each insert of a run and each change of its status.
DROP INDEX simulations_queue_idx;
DROP INDEX simulations_machine_idx;
DROP INDEX simulations_machine_status_idx;
