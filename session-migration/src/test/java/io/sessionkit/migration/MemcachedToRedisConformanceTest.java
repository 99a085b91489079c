package io.sessionkit.migration;

/** The kit on a migration from memcached (127.0.0.1:11211) to Redis (127.0.0.1:6379), in both phases. */
class MemcachedToRedisConformanceTest extends MigrationConformanceKit {
    @Override
    Pair pair() {
        return Pair.MEMCACHED_TO_REDIS;
    }
}
