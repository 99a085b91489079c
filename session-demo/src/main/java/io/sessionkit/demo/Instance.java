package io.sessionkit.demo;

/**
 * Who is serving: the instance name from {@code --instance}, its port and process id, and the store in use.
 *
 * @param name  the instance name shown on every page
 * @param port  the port it listens on
 * @param pid   the operating-system process id
 * @param store the store in use
 * @param logoutEverywhere whether the store keeps an index of sessions by user
 *                         ({@link io.sessionkit.StoreFeature#PRINCIPAL_INDEX}), which "log out everywhere" needs
 * @param expiryReported   whether the store reports sessions that expire ({@link io.sessionkit.StoreFeature#EXPIRY_EVENTS})
 * @param counters         the panel's live counters of this instance
 */
record Instance(
        String name,
        int port,
        long pid,
        StoreDescription store,
        boolean logoutEverywhere,
        boolean expiryReported,
        SessionCounters counters) {
    /** A stable hue per instance name, so that switching instances is visible at a glance. */
    int hue() {
        return Math.floorMod(name.hashCode() * 47, 360);
    }
}
