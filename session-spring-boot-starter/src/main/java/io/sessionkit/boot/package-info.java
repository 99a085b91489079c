/**
 * Spring Boot 4 auto-configuration for SessionKit: {@link io.sessionkit.boot.SessionKitProperties} ({@code sessionkit.*}),
 * the {@code SessionManager} on the store the application's own connections give, the servlet filter before Spring
 * Security's chain, Spring Security integration and Actuator support. Nullness is declared with JSpecify:
 * {@code @NullMarked}, so every type is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.sessionkit.boot;

import org.jspecify.annotations.NullMarked;
