/**
 * The in-process {@link io.sessionkit.SessionStore} on Caffeine, provider name {@code local}: for a single node,
 * tests and development. Sessions live in this JVM's heap only: they do not survive a
 * restart and are not shared between instances behind a load balancer.
 *
 * <p>Non-null unless marked {@code @Nullable}: the package is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.caffeine;

import org.jspecify.annotations.NullMarked;
