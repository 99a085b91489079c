/**
 * Test support for SessionKit's own modules, used in test scope only and never published: where the shared test
 * servers are ({@link io.sessionkit.testing.TestServers}), private server processes a test may stop, freeze or kill
 * ({@link io.sessionkit.testing.ServerProcess}, {@link io.sessionkit.testing.RedisCluster}), a counting and
 * failure-injecting store wrapper ({@link io.sessionkit.testing.ForwardingSessionStore}), memcached's text protocol
 * ({@link io.sessionkit.testing.MemcachedText}) and the kinds of corrupted record
 * ({@link io.sessionkit.testing.Corruption}). Nullness is checked by the compiler: everything here is
 * {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.testing;

import org.jspecify.annotations.NullMarked;
