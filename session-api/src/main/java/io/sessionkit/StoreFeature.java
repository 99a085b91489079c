package io.sessionkit;

/**
 * Optional capabilities of a {@link SessionStore}. A store declares what it supports in
 * {@link SessionStore#features()}; calling the method of an undeclared feature throws
 * {@link UnsupportedOperationException}. The conformance kit runs a feature's rules only when it is declared.
 */
public enum StoreFeature {
    /** {@link SessionStore#findByPrincipal(String)}: sessions by user, for "log out everywhere". */
    PRINCIPAL_INDEX,
    /** {@link SessionStore#purgeExpired()}: the store removes expired records on request (e.g. JDBC sweeps). */
    PURGE_EXPIRED,
    /**
     * {@link SessionStore#claimExpired(int, java.time.Duration)} and
     * {@link SessionStore#removeExpired(java.util.List)}: the store can find
     * the records that expired, claim them atomically (each claim seen by one node) and remove them, so that
     * {@link SessionManager} reports every expired session to its {@link SessionEventListener}s at least once. Stores
     * that cannot enumerate their records (memcached) do not declare it.
     */
    EXPIRY_EVENTS,
    /**
     * {@link SessionStore#scan(String, int)}: the store streams every live record in bounded pages without blocking
     * the server (Redis {@code SCAN} per node, SQL keyset pagination, a Mongo index range, Caffeine iteration), for
     * bulk copies, counts and operator tools. memcached cannot enumerate its items and does not declare it.
     */
    SCAN
}
