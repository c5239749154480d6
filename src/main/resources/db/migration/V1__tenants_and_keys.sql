-- Tenants and their API keys (issue 5). Portable SQL: H2 (default) and PostgreSQL.
-- Times are epoch milliseconds (BIGINT) so that hashes and comparisons never depend on a time zone.
CREATE TABLE tenant (
    id                     VARCHAR(64)  NOT NULL PRIMARY KEY,
    name                   VARCHAR(200) NOT NULL,
    prompt_logging         BOOLEAN      NOT NULL DEFAULT FALSE,
    disabled               BOOLEAN      NOT NULL DEFAULT FALSE,
    -- per-tenant limits; NULL = the configured default, 0 = unlimited
    requests_per_minute    BIGINT,
    tokens_per_minute      BIGINT,
    tokens_per_day         BIGINT,
    max_concurrent         INTEGER,
    max_context_tokens     INTEGER,
    max_tokens_per_request INTEGER,
    allowed_models         VARCHAR(2000),
    created_at             BIGINT       NOT NULL,
    updated_at             BIGINT       NOT NULL
);

-- A key is "oss_<id>_<secret>"; only a salted SHA-256 of the whole key is stored.
CREATE TABLE api_key (
    id          VARCHAR(32)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenant (id),
    name        VARCHAR(200) NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    salt        VARCHAR(64)  NOT NULL,
    hash        VARCHAR(128) NOT NULL,
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT,
    replaced_by VARCHAR(32)
);
CREATE INDEX api_key_tenant ON api_key (tenant_id);
