/**
 * SessionKit on Micrometer: {@link io.sessionkit.micrometer.SessionKitMetrics} turns a
 * {@link io.sessionkit.SessionManager}'s events and operational signals into meters with low-cardinality tags only
 * (store, operation, outcome, result, reason, policy; never an id, a hashed key or a principal) and, with an
 * {@link io.micrometer.observation.ObservationRegistry}, into {@code sessionkit.store} Observations around the
 * request-path store calls. The meters are listed in the module README.
 *
 * <p>Non-null unless marked {@code @Nullable}: the package is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.micrometer;

import org.jspecify.annotations.NullMarked;
