-- Times are milliseconds since the epoch, UTC.
CREATE TABLE machines (
    machine_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) > 0),
    created_at BIGINT NOT NULL,
    heartbeat_at BIGINT
);

CREATE TABLE simulations (
    simulation_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) > 0),
    machine_id BIGINT NOT NULL REFERENCES machines (machine_id) ON DELETE RESTRICT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed', 'cancelled')),
    creation_date BIGINT NOT NULL,
    update_date BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    not_before BIGINT,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    heartbeat_at BIGINT,
    started_at BIGINT,
    finished_at BIGINT,
    error TEXT,
    points_done INTEGER NOT NULL DEFAULT 0,
    parameters TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX simulations_queue_idx ON simulations (status, machine_id, creation_date);
CREATE INDEX simulations_creation_idx ON simulations (creation_date, simulation_id);
CREATE INDEX simulations_update_idx ON simulations (update_date, simulation_id);
CREATE INDEX simulations_name_idx ON simulations (name, simulation_id);
CREATE INDEX simulations_machine_idx ON simulations (machine_id);
CREATE INDEX simulations_lease_idx ON simulations (status, lease_expires_at);

CREATE TABLE convergence (
    simulation_id BIGINT NOT NULL REFERENCES simulations (simulation_id) ON DELETE CASCADE,
    seconds DOUBLE PRECISION NOT NULL,
    loss DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (simulation_id, seconds)
);

CREATE TABLE api_tokens (
    token_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
