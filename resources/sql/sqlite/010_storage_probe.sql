-- A row written and removed again while storage fails, to see when writes succeed once more.
CREATE TABLE storage_probe (
    probe_id INTEGER PRIMARY KEY,
    written_at INTEGER NOT NULL,
    filler BLOB NOT NULL
);
