-- SessionKit JDBC store, PostgreSQL 9.5+. Times are epoch milliseconds (UTC), max_idle_seconds whole seconds.
-- session_id is base64url(SHA-256(session id)): a dump of this table yields no usable token.
-- claimed_until (epoch ms) marks a row an expiry sweep has claimed (NULL otherwise).
CREATE TABLE IF NOT EXISTS sessionkit_sessions (
    session_id       VARCHAR(64)  NOT NULL PRIMARY KEY,
    principal        VARCHAR(256),
    created_at       BIGINT       NOT NULL,
    last_accessed_at BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    max_idle_seconds BIGINT       NOT NULL,
    version          BIGINT       NOT NULL,
    data             JSONB        NOT NULL,
    claimed_until    BIGINT
);
CREATE INDEX IF NOT EXISTS sessionkit_sessions_expires_idx ON sessionkit_sessions (expires_at);
CREATE INDEX IF NOT EXISTS sessionkit_sessions_principal_idx ON sessionkit_sessions (principal) WHERE principal IS NOT NULL;
