package io.sessionkit.tck;

/**
 * What the kit hands the store factory for one test.
 *
 * @param clock     the clock the store must use for "now" (expiry filtering, sweeping)
 * @param namespace a short unique string ({@code [a-z0-9]}, at most 16 characters) per test; stores that share a
 *                  server between tests may use it in a key prefix so that tests do not see each other's data
 */
public record TckContext(MutableClock clock, String namespace) {}
