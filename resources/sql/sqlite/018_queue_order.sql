-- Two indexes that others serve, dropped as on PostgreSQL: (status, machine_id, creation_date),
-- which a claim no longer reads (each machine's pending runs come in the queue's order from
-- simulations_machine_status_creation_idx), and (machine_id, status, simulation_id), whose
-- filters simulations_status_machine_idx answers in the same order. (machine_id) stays: here
-- it holds the id too, and serves the machine order. Every index costs each insert of a run
-- and each change of its status: a page of the log per commit.
DROP INDEX simulations_queue_idx;
DROP INDEX simulations_machine_status_idx;
