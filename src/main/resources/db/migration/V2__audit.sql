-- Hash-chained audit trail (issue 5). One chain per replica (chain_id); seq is gap-free within a chain,
-- hash = SHA-256(prev_hash || canonical record), see io.ossserve.audit.AuditHasher.
CREATE TABLE audit_event (
    chain_id          VARCHAR(64)   NOT NULL,
    seq               BIGINT        NOT NULL,
    event_id          VARCHAR(40)   NOT NULL,
    ts                BIGINT        NOT NULL,
    kind              VARCHAR(24)   NOT NULL,
    request_id        VARCHAR(128),
    tenant_id         VARCHAR(64),
    key_id            VARCHAR(32),
    principal         VARCHAR(200),
    client_address    VARCHAR(64),
    method            VARCHAR(10),
    endpoint          VARCHAR(300),
    model             VARCHAR(200),
    status            INTEGER       NOT NULL,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    reasoning_tokens  INTEGER,
    cached_tokens     INTEGER,
    latency_ms        BIGINT,
    ttft_ms           BIGINT,
    finish_reason     VARCHAR(32),
    tools             VARCHAR(2000),
    detail            VARCHAR(500),
    prompt_text       TEXT,
    completion_text   TEXT,
    prev_hash         VARCHAR(64)   NOT NULL,
    hash              VARCHAR(64)   NOT NULL,
    PRIMARY KEY (chain_id, seq)
);
CREATE UNIQUE INDEX audit_event_id ON audit_event (event_id);
CREATE INDEX audit_event_tenant_ts ON audit_event (tenant_id, ts);
CREATE INDEX audit_event_ts ON audit_event (ts);
