/**
 * A SessionKit store on Redis (standalone, Sentinel, Cluster) through Jedis: {@link io.sessionkit.redis.RedisSessionStore}
 * and its provider, selected by {@code sessionkit.store=redis}.
 *
 * <p>Everything in this package is non-null unless its Javadoc says otherwise.
 */
package io.sessionkit.redis;
