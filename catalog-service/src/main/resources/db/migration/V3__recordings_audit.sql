-- The recordings index, built from the completion events and the bucket's metadata documents
-- (the bucket is the source of truth: reindex rebuilds this table from it). One row per stored
-- recording; metadata is the document as stored.
CREATE TABLE recordings (
    id               text PRIMARY KEY,
    tenant           text NOT NULL,
    bucket           text NOT NULL,
    metadata_key     text NOT NULL,
    audio_keys       text[] NOT NULL,
    segment_bytes    bigint[] NOT NULL,
    device           text NOT NULL DEFAULT '',
    direction        text NOT NULL DEFAULT '',
    local_number     text NOT NULL DEFAULT '',
    remote_number    text NOT NULL DEFAULT '',
    codec            text NOT NULL DEFAULT '',
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    duration_seconds double precision NOT NULL DEFAULT 0,
    stop_reason      text NOT NULL DEFAULT '',
    intact           boolean NOT NULL DEFAULT true,
    audio_bytes      bigint NOT NULL DEFAULT 0,
    metadata         jsonb NOT NULL,
    indexed_at       timestamptz NOT NULL DEFAULT now(),
    -- legal hold: set while held (the bucket keeps a marker object too, so reindex restores it)
    held_at          timestamptz,
    held_by          text,
    hold_reason      text
);
-- Search: newest first within a tenant, by start then id (the cursor's sort key)
CREATE INDEX recordings_tenant_start ON recordings (tenant, started_at DESC, id DESC);
CREATE INDEX recordings_start ON recordings (started_at DESC, id DESC);
CREATE INDEX recordings_tenant_local ON recordings (tenant, local_number, started_at DESC, id DESC);
CREATE INDEX recordings_tenant_remote ON recordings (tenant, remote_number, started_at DESC, id DESC);
CREATE INDEX recordings_tenant_device ON recordings (tenant, device, started_at DESC, id DESC);

-- Recordings deleted by a user or by retention: a replayed completion event does not bring one
-- back into the index.
CREATE TABLE recordings_deleted (
    id         text PRIMARY KEY,
    tenant     text NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now(),
    deleted_by text NOT NULL,
    reason     text NOT NULL
);

-- Waveform peaks, computed once per recording at its first request.
CREATE TABLE recording_peaks (
    recording_id text PRIMARY KEY REFERENCES recordings (id) ON DELETE CASCADE,
    peaks        bytea NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now()
);

-- Reindex runs (one at a time), for their progress.
CREATE TABLE reindex_runs (
    id          bigserial PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    started_by  text NOT NULL,
    state       text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    scanned     bigint NOT NULL DEFAULT 0,
    indexed     bigint NOT NULL DEFAULT 0,
    skipped     bigint NOT NULL DEFAULT 0,
    error       text
);

-- The audit trail: append-only (the triggers refuse UPDATE, DELETE and TRUNCATE), never pruned
-- by the service, so it outlives the recordings it names.
CREATE TABLE audit_log (
    seq    bigserial PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    tenant text NOT NULL,
    actor  text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_tenant_seq ON audit_log (tenant, seq DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
