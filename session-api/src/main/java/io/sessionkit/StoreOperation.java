package io.sessionkit;

/** The {@link SessionStore} calls a {@link SessionObserver} is told about, one value per SPI method. */
public enum StoreOperation {
    CREATE,
    LOAD,
    REPLACE,
    DELETE,
    /** {@link SessionStore#delete(SessionKey, long)}: the compare-and-set removal rotation uses. */
    DELETE_IF_VERSION,
    FIND_BY_PRINCIPAL,
    PURGE_EXPIRED,
    CLAIM_EXPIRED,
    REMOVE_EXPIRED,
    /** {@link SessionStore#scan(String, int)}: one page. */
    SCAN,
    PING;

    /** The lower-case name used in metric tags and span names, e.g. {@code delete_if_version}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
