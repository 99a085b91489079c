/**
 * A {@link io.sessionkit.SessionStore} on memcached (one node or many, Ketama consistent hashing) via spymemcached:
 * {@link io.sessionkit.memcached.MemcachedSessionStore} and its provider, named {@code memcached}.
 *
 * <p>Everything in this package is non-null unless its Javadoc says otherwise.
 */
package io.sessionkit.memcached;
