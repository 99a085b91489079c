-- SessionKit JDBC store, MariaDB 10.4+ and MySQL 8.0+. Times are epoch milliseconds (UTC), max_idle_seconds whole
-- seconds. session_id is base64url(SHA-256(session id)) and is case-sensitive, hence the binary collation.
-- JSON is LONGTEXT with a JSON_VALID check on MariaDB and the native JSON type on MySQL.
-- claimed_until (epoch ms) and claim_token mark a row an expiry sweep has claimed (both NULL otherwise).
CREATE TABLE IF NOT EXISTS sessionkit_sessions (
    session_id       VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    principal        VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    created_at       BIGINT       NOT NULL,
    last_accessed_at BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    max_idle_seconds BIGINT       NOT NULL,
    version          BIGINT       NOT NULL,
    data             JSON         NOT NULL,
    claimed_until    BIGINT,
    claim_token      BIGINT,
    PRIMARY KEY (session_id),
    INDEX sessionkit_sessions_expires_idx (expires_at),
    INDEX sessionkit_sessions_principal_idx (principal)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
