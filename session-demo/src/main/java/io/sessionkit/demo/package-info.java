/**
 * The SessionKit demo: a small shopping cart on embedded Jetty whose plain {@code HttpSession} lives in a SessionKit
 * store, so that a restart keeps the cart and several instances behind a load balancer share it. Start it with
 * {@link io.sessionkit.demo.DemoApp}. Everything but the launcher is package-private. Nullness is declared with
 * JSpecify: {@code @NullMarked}, so every type is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.sessionkit.demo;

import org.jspecify.annotations.NullMarked;
