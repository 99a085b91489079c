/**
 * A SessionKit store on Redis (standalone, Sentinel, Cluster) through Jedis: {@link io.sessionkit.redis.RedisSessionStore}
 * and its provider, selected by {@code sessionkit.store=redis}.
 *
 * <p>Non-null unless marked {@link org.jspecify.annotations.Nullable @Nullable}: see {@link NullMarked}.
 */
@NullMarked
package io.sessionkit.redis;

import org.jspecify.annotations.NullMarked;
