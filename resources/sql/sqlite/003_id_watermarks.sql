-- SQLite gives a new row the largest id in use plus one, so deleting the newest run (or
-- machine) would hand its id to the next one, and a client holding the old id would silently
-- read another run. The highest id ever used is kept here instead, raised by every insert,
-- and the repositories number new rows from it.
CREATE TABLE id_watermarks (
    table_name TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
);

INSERT INTO id_watermarks (table_name, last_id)
    SELECT 'simulations', COALESCE(MAX(simulation_id), 0) FROM simulations;

INSERT INTO id_watermarks (table_name, last_id)
    SELECT 'machines', COALESCE(MAX(machine_id), 0) FROM machines;

CREATE TRIGGER simulations_id_watermark AFTER INSERT ON simulations BEGIN UPDATE id_watermarks SET last_id = MAX(last_id, NEW.simulation_id) WHERE table_name = 'simulations'; END;

CREATE TRIGGER machines_id_watermark AFTER INSERT ON machines BEGIN UPDATE id_watermarks SET last_id = MAX(last_id, NEW.machine_id) WHERE table_name = 'machines'; END;
