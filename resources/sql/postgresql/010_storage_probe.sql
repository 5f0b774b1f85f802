-- A row written and removed again while storage fails, to see when writes succeed once more.
CREATE TABLE storage_probe (
    probe_id BIGSERIAL PRIMARY KEY,
    written_at BIGINT NOT NULL,
    filler BYTEA NOT NULL
);
