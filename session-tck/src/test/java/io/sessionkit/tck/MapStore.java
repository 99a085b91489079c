package io.sessionkit.tck;

import io.sessionkit.ExpiredSession;
import io.sessionkit.KeysetCursor;
import io.sessionkit.ReplaceResult;
import io.sessionkit.ScanPage;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFailures;
import io.sessionkit.StoreFeature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * A minimal correct store on a ConcurrentHashMap: the reference the kit must accept and, given a {@link Flaw}, a
 * store that breaks exactly that one promise, which the kit must reject.
 */
class MapStore implements SessionStore {
    /** The one promise a broken store breaks. */
    enum Flaw {
        /** None: the reference store. */
        NONE,
        /** Sweeps by its own clock alone: a node ahead deletes other nodes' sessions in their last seconds. */
        SWEEPS_WITHOUT_GRACE,
        /** Last writer wins: replace ignores the expected version. */
        NO_COMPARE_AND_SET,
        /** Relies on native expiry alone: load returns records past their expiresAt. */
        RETURNS_EXPIRED,
        /** Upsert instead of compare-and-set: replace writes a record that is gone. */
        RESURRECTS,
        /** Create is a plain put: a second create overwrites a live session. */
        CREATE_OVERWRITES,
        /** Drops the principal on the floor. */
        FORGETS_PRINCIPAL,
        /** Hands every caller the one mutable set it declares by: a caller that clears it changes the store. */
        SHARES_MUTABLE_FEATURES,
        /** The store is correct, but its backdoor reports no expiry for live records (rule 5.8 must fail it). */
        REPORTS_NO_EXPIRY,
        /** Claims expired records by its own clock alone, without the grace. */
        CLAIMS_WITHOUT_GRACE,
        /** Claims without marking: every claim returns the same expired records again. */
        CLAIMS_WITHOUT_LEASE,
        /** Ends the scan one page early: the page before the last says it is the last. */
        SCAN_DROPS_LAST_PAGE,
        /** Scans without the expiry filter: expired records that are still held are returned. */
        SCAN_RETURNS_EXPIRED,
        /** Resumes at the cursor's key instead of after it: the last record of each page comes again. */
        SCAN_REPEATS,
        /** Returns one record more than the page size asks for. */
        SCAN_IGNORES_PAGE_SIZE,
        /** Reads any cursor's payload as a position, whatever its kind. */
        SCAN_READS_FOREIGN_CURSORS,
        /** Fails the whole scan on an undecodable record instead of skipping it. */
        SCAN_FAILS_ON_UNDECODABLE
    }

    private static final KeysetCursor CURSOR = KeysetCursor.of("t");
    private static final System.Logger LOG = System.getLogger("io.sessionkit.tck.MapStore");

    static final Duration GRACE = Duration.ofSeconds(60);

    private static final Set<StoreFeature> SHARED_MUTABLE_FEATURES = EnumSet.of(
            StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED, StoreFeature.EXPIRY_EVENTS, StoreFeature.SCAN);

    /** The records; two instances given the same map are two nodes of one store. */
    ConcurrentMap<SessionKey, SessionRecord> map = new ConcurrentHashMap<>();

    /** Until when each claimed record is claimed; shared by the nodes like {@link #map}. */
    ConcurrentMap<SessionKey, Instant> claims = new ConcurrentHashMap<>();

    final Clock clock;
    final Flaw flaw;

    MapStore(Clock clock) {
        this(clock, Flaw.NONE);
    }

    MapStore(Clock clock, Flaw flaw) {
        this.clock = clock;
        this.flaw = flaw;
    }

    private boolean expired(SessionRecord r) {
        return r.isExpiredAt(clock.instant());
    }

    @Override
    public Set<StoreFeature> features() {
        return flaw == Flaw.SHARES_MUTABLE_FEATURES
                ? SHARED_MUTABLE_FEATURES
                : Set.of(
                        StoreFeature.PRINCIPAL_INDEX,
                        StoreFeature.PURGE_EXPIRED,
                        StoreFeature.EXPIRY_EVENTS,
                        StoreFeature.SCAN);
    }

    @Override
    public boolean create(SessionRecord record) {
        boolean[] inserted = {false};
        map.compute(record.key(), (k, old) -> {
            if (old != null && !expired(old) && flaw != Flaw.CREATE_OVERWRITES) {
                return old;
            }
            inserted[0] = true;
            return stored(record);
        });
        return inserted[0];
    }

    /** What is kept for a record. */
    private SessionRecord stored(SessionRecord r) {
        return flaw == Flaw.FORGETS_PRINCIPAL ? r.withPrincipal(null) : r;
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        SessionRecord r = map.get(key);
        return r == null || (expired(r) && flaw != Flaw.RETURNS_EXPIRED) ? Optional.empty() : Optional.of(r);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        ReplaceResult[] result = {ReplaceResult.GONE};
        map.compute(record.key(), (k, old) -> {
            boolean gone = old == null || expired(old);
            if (gone && flaw != Flaw.RESURRECTS) {
                return null;
            }
            if (!gone && old.version() != expectedVersion && flaw != Flaw.NO_COMPARE_AND_SET) {
                result[0] = ReplaceResult.CONFLICT;
                return old;
            }
            result[0] = ReplaceResult.OK;
            return stored(record);
        });
        return result[0];
    }

    @Override
    public void delete(SessionKey key) {
        map.remove(key);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        return map.values().stream()
                .filter(r -> principal.equals(r.principal()) && !expired(r))
                .toList();
    }

    @Override
    public int purgeExpired() {
        // Only records expired for longer than the grace: another node's clock may be behind this one's by up to it.
        Instant cutoff = clock.instant().minus(flaw == Flaw.SWEEPS_WITHOUT_GRACE ? Duration.ZERO : GRACE);
        int before = map.size();
        map.values().removeIf(r -> r.isExpiredAt(cutoff));
        return before - map.size();
    }

    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(flaw == Flaw.CLAIMS_WITHOUT_GRACE ? Duration.ZERO : GRACE);
        List<ExpiredSession> claimed = new ArrayList<>();
        for (SessionKey key : map.keySet()) {
            if (claimed.size() == max) {
                break;
            }
            // Under the record's own lock, so a record another node removes meanwhile is not claimed after it went.
            map.computeIfPresent(key, (k, r) -> {
                if (r.isExpiredAt(cutoff) && claim(k, now, lease)) {
                    claimed.add(new ExpiredSession(k, r.principal(), r.expiresAt()));
                }
                return r;
            });
        }
        return claimed;
    }

    /** Claims {@code key} unless another claim on it still holds; called under the record's lock. */
    private boolean claim(SessionKey key, Instant now, Duration lease) {
        if (flaw == Flaw.CLAIMS_WITHOUT_LEASE) {
            return true;
        }
        Instant until = claims.get(key);
        if (until != null && until.isAfter(now)) {
            return false;
        }
        claims.put(key, now.plus(lease));
        return true;
    }

    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        Instant now = clock.instant();
        for (ExpiredSession e : claimed) {
            map.computeIfPresent(e.key(), (k, r) -> {
                if (!r.isExpiredAt(now)) {
                    return r;
                }
                claims.remove(k);
                return null;
            });
        }
    }

    /** Keyset pagination over the sorted keys: the keys after the cursor's, {@code pageSize} of them. */
    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        int size = ScanPage.requirePageSize(pageSize) + (flaw == Flaw.SCAN_IGNORES_PAGE_SIZE ? 1 : 0);
        String after = position(cursor);
        Instant now = clock.instant();
        List<SessionKey> keys = map.keySet().stream()
                .filter(k -> after == null
                        || (flaw == Flaw.SCAN_REPEATS
                                ? k.value().compareTo(after) >= 0
                                : k.value().compareTo(after) > 0))
                .sorted(Comparator.comparing(SessionKey::value))
                .toList();
        List<SessionRecord> page = new ArrayList<>();
        SessionKey last = null;
        int read = 0;
        for (SessionKey key : keys) {
            if (read == size) {
                break;
            }
            SessionRecord r = map.get(key);
            if (r == null || (r.isExpiredAt(now) && flaw != Flaw.SCAN_RETURNS_EXPIRED)) {
                continue; // expired rows are not read, as a keyset query's "expires_at > now" leaves them out
            }
            read++;
            last = key;
            if (!r.attributes().startsWith("{")) {
                SessionCodecException e = new SessionCodecException("record " + key.shortForm() + " is not an object");
                if (flaw == Flaw.SCAN_FAILS_ON_UNDECODABLE) {
                    throw e;
                }
                StoreFailures.skipped(LOG, "map", "scan", key, e);
                continue;
            }
            page.add(r);
        }
        boolean more = read == size;
        if (flaw == Flaw.SCAN_DROPS_LAST_PAGE && more && keys.size() <= 2 * size) {
            more = false;
        }
        return new ScanPage(page, more && last != null ? CURSOR.after(last) : null);
    }

    private @Nullable String position(@Nullable String cursor) {
        if (flaw == Flaw.SCAN_READS_FOREIGN_CURSORS && cursor != null && cursor.indexOf(':') == 2) {
            return CURSOR.position("t1:" + cursor.substring(3));
        }
        return CURSOR.position(cursor);
    }

    @Override
    public void close() {
        // The records belong to the "server" (shared by the nodes of one test), not to this node.
    }
}
