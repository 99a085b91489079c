/**
 * SessionKit's API: the {@link io.sessionkit.SessionManager} façade that applications use, the
 * {@link io.sessionkit.SessionStore} SPI that backends implement, and the values between them.
 *
 * <p>Everything in this package is non-null unless its Javadoc says otherwise. Times are {@link java.time.Instant}s
 * taken from an injected {@link java.time.Clock}; durations are {@link java.time.Duration}s.
 */
package io.sessionkit;
