package io.sessionkit;

/** How a {@link SessionStore} call ended, as a {@link SessionObserver} sees it (low cardinality: a metric tag). */
public enum StoreOutcome {
    /** It succeeded (a load that found nothing succeeded too). */
    OK,
    /** A compare-and-set found another version. */
    CONFLICT,
    /** A compare-and-set found no live record. */
    GONE,
    /** {@link SessionStoreUnavailableException}: the store was down, slow or refused. */
    UNAVAILABLE,
    /** {@link SessionCodecException}: a stored record could not be decoded. */
    UNDECODABLE,
    /** Any other exception. */
    ERROR;

    /** The lower-case name used in metric tags. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static StoreOutcome of(ReplaceResult result) {
        return switch (result) {
            case OK -> OK;
            case CONFLICT -> CONFLICT;
            case GONE -> GONE;
        };
    }

    static StoreOutcome of(Throwable failure) {
        if (failure instanceof SessionStoreUnavailableException) {
            return UNAVAILABLE;
        }
        if (failure instanceof SessionCodecException) {
            return UNDECODABLE;
        }
        return ERROR;
    }
}
