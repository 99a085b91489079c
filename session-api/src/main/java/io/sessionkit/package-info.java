/**
 * SessionKit's API: the {@link io.sessionkit.SessionManager} façade that applications use, the
 * {@link io.sessionkit.SessionStore} SPI that backends implement, and the values between them.
 *
 * <p>Nullness is declared with JSpecify: this package is {@link org.jspecify.annotations.NullMarked}, so only what is
 * marked {@link org.jspecify.annotations.Nullable} may be null. Times are {@link java.time.Instant}s taken from an
 * injected {@link java.time.Clock}; durations are {@link java.time.Duration}s.
 */
@NullMarked
package io.sessionkit;

import org.jspecify.annotations.NullMarked;
