/**
 * A {@link io.sessionkit.SessionStore} on memcached (one node or many, Ketama consistent hashing) via spymemcached:
 * {@link io.sessionkit.memcached.MemcachedSessionStore} and its provider, named {@code memcached}.
 *
 * <p>Non-null unless marked {@code @Nullable}: the package is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.memcached;

import org.jspecify.annotations.NullMarked;
