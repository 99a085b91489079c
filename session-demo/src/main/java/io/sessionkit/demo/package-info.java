/**
 * The SessionKit demo: a small shopping cart on embedded Jetty whose plain {@code HttpSession} lives in a SessionKit
 * store, so that a restart keeps the cart and several instances behind a load balancer share it. Start it with
 * {@link io.sessionkit.demo.DemoApp}. Everything but the launcher is package-private. Non-null by default.
 */
package io.sessionkit.demo;
