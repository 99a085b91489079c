/**
 * The conformance kit every {@link io.sessionkit.SessionStore} passes: extend
 * {@link io.sessionkit.tck.SessionStoreConformanceKit}, give it a store factory and, optionally, a
 * {@link io.sessionkit.tck.StoreBackdoor}. Rule numbers and titles are those of the module's {@code SPEC.md}.
 * Nullness is checked by the compiler: everything here is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.tck;

import org.jspecify.annotations.NullMarked;
