package io.sessionkit.migration;

/** The kit on a migration from Redis (127.0.0.1:6379) to PostgreSQL (127.0.0.1:5432), in both phases. */
class RedisToPostgresConformanceTest extends MigrationConformanceKit {
    @Override
    Pair pair() {
        return Pair.REDIS_TO_POSTGRES;
    }
}
