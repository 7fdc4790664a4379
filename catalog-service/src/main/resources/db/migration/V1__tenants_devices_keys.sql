-- Tenants, their devices and API keys; the registry outbox; per-recording usage.

CREATE TABLE tenants (
    id                    text PRIMARY KEY,
    name                  text NOT NULL,
    status                text NOT NULL CHECK (status IN ('active', 'suspended')),
    allowed_networks      text[] NOT NULL DEFAULT '{}',
    concurrent_recordings integer CHECK (concurrent_recordings >= 1),
    max_recording_seconds integer CHECK (max_recording_seconds >= 1),
    retention_days        integer CHECK (retention_days >= 1),
    placement_bucket      text,
    placement_prefix      text,
    placement_kms_key_id  text,
    unknown_devices       text NOT NULL CHECK (unknown_devices IN ('refuse', 'accept')),
    version               bigint NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- A MAC belongs to one tenant at a time (the primary key is the normalised MAC).
CREATE TABLE devices (
    mac        text PRIMARY KEY,
    tenant     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    label      text,
    enabled    boolean NOT NULL DEFAULT true,
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_tenant_mac ON devices (tenant, mac);

-- Tenant API keys: only the SHA-256 of the key is kept.
CREATE TABLE api_keys (
    id         text PRIMARY KEY,
    tenant     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_hash   bytea NOT NULL UNIQUE,
    scopes     text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_tenant ON api_keys (tenant);

-- Registry records waiting to be published to the compacted topic callrec.registry, in seq
-- order; record_value NULL is a tombstone. Written in the transaction of the change.
CREATE TABLE registry_outbox (
    seq          bigserial PRIMARY KEY,
    record_key   text NOT NULL,
    record_value text,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per stored recording (from the completion events, idempotent by recording id).
CREATE TABLE recording_usage (
    recording_id     text PRIMARY KEY,
    tenant           text NOT NULL,
    day              date NOT NULL,
    audio_bytes      bigint NOT NULL DEFAULT 0,
    duration_seconds double precision NOT NULL DEFAULT 0,
    received_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recording_usage_tenant_day ON recording_usage (tenant, day);
