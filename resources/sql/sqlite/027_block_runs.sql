-- The runs of each block of 4,096 ids (migration 017) counted per machine and status: a page deep
-- into the id or creation order under a status or a machine filter, or into the status or the
-- machine order, finds the row before it from these counts (SimulationBlocks) instead of walking
-- the order's index up to it. Kept by triggers in the transaction of every change, as the
-- counters are. A row that counts nothing stays: the few rows of a block's machines and statuses
-- cost less than a delete with every change, and readers sum only rows that count runs.
CREATE TABLE simulation_block_runs (
    machine_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    block INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    PRIMARY KEY (machine_id, status, block)
) WITHOUT ROWID;
-- A status filter alone, or the status order, reads the blocks of every machine.
CREATE INDEX simulation_block_runs_status_idx ON simulation_block_runs (status, block);

INSERT INTO simulation_block_runs (machine_id, status, block, runs)
    SELECT machine_id, status, simulation_id / 4096, COUNT(*)
    FROM simulations GROUP BY machine_id, status, simulation_id / 4096;

CREATE TRIGGER simulations_counted_block_runs_insert AFTER INSERT ON simulations BEGIN
    INSERT INTO simulation_block_runs (machine_id, status, block, runs)
    VALUES (NEW.machine_id, NEW.status, NEW.simulation_id / 4096, 1)
    ON CONFLICT (machine_id, status, block) DO UPDATE SET runs = runs + 1;
END;

CREATE TRIGGER simulations_counted_block_runs_delete AFTER DELETE ON simulations BEGIN
    UPDATE simulation_block_runs SET runs = runs - 1
    WHERE machine_id = OLD.machine_id AND status = OLD.status
        AND block = OLD.simulation_id / 4096;
END;

-- A run leaves the count of its old machine, status and block and joins the new one's, in one
-- statement: each claim and each end of a run passes here.
CREATE TRIGGER simulations_counted_block_runs_follow
    AFTER UPDATE OF status, machine_id, simulation_id ON simulations
WHEN NEW.status <> OLD.status OR NEW.machine_id <> OLD.machine_id
    OR NEW.simulation_id / 4096 <> OLD.simulation_id / 4096 BEGIN
    INSERT INTO simulation_block_runs (machine_id, status, block, runs)
    VALUES (OLD.machine_id, OLD.status, OLD.simulation_id / 4096, -1),
        (NEW.machine_id, NEW.status, NEW.simulation_id / 4096, 1)
    ON CONFLICT (machine_id, status, block) DO UPDATE SET runs = runs + excluded.runs;
END;
