package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.CountingSessionStore;
import io.sessionkit.testing.BadRecordWriter;
import io.sessionkit.testing.Corruption;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input on every backend: malformed ids, corrupted stored records, oversize sessions. Everything goes through
 * {@link SessionManager} over a store opened from configuration, wrapped in {@link CountingSessionStore} to see exactly
 * which keys reach the backend.
 */
class BadInputTest {
    private static final Pattern HASHED_KEY = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern ID_SHAPE = Pattern.compile("[A-Za-z0-9_-]{32}");
    static final int MALFORMED = 10_000;
    static final int WELL_FORMED_UNKNOWN = 2_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sessionkit.reliability.Backends#all")
    @DisplayName("12 000 hostile ids: all absent, no backend error, no raw value in a backend key or a log line")
    void hostileIdsAreAbsentAndNeverReachABackendOrALog(Backend backend) {
        List<MalformedIds.Presented> presented = MalformedIds.generate(MALFORMED, WELL_FORMED_UNKNOWN, 10);
        try (Fixture f = new Fixture(backend);
                LogCapture logs = new LogCapture()) {
            CountingSessionStore store = new CountingSessionStore(f.open());
            SessionManager manager = SessionManager.builder(store).build();
            // A live session that an injection (flush_all, DROP TABLE, FLUSHALL, a glob delete) would destroy.
            Session bystander = manager.create();
            bystander.setAttribute("n", 42);
            bystander.setPrincipal("bystander");
            manager.save(bystander);
            String bystanderId = bystander.id().value();
            store.reset();

            List<String> errors = new ArrayList<>();
            Set<String> expectedKeys = new HashSet<>();
            int malformedSeen = 0;
            for (MalformedIds.Presented p : presented) {
                String raw = p.value();
                // The test's own oracle for the shape, independent of SessionId.
                assertThat(ID_SHAPE.matcher(raw).matches())
                        .as("generator classification of a value")
                        .isEqualTo(p.wellFormed());
                int callsBefore = store.calls();
                try {
                    assertThat(manager.find(raw)).isEmpty();
                    assertThat(manager.update(raw, s -> s.setAttribute("pwned", true)))
                            .isEmpty();
                    manager.invalidate(raw);
                } catch (RuntimeException e) {
                    errors.add(e.getClass().getName() + ": " + e.getMessage());
                    continue;
                }
                if (p.wellFormed()) {
                    expectedKeys.add(sha256Key(raw));
                } else {
                    malformedSeen++;
                    assertThat(store.calls())
                            .as("store calls for a malformed id")
                            .isEqualTo(callsBefore);
                }
            }
            assertThat(errors).as("backend errors").isEmpty();
            assertThat(malformedSeen).isEqualTo(MALFORMED);

            // Well-formed but unknown ids cost one load for find, one for update and one delete; nothing else.
            assertThat(store.loads()).isEqualTo(2 * WELL_FORMED_UNKNOWN);
            assertThat(store.deletes()).isEqualTo(WELL_FORMED_UNKNOWN);
            assertThat(store.creates() + store.replaces()).isZero();
            List<String> keysSeen = store.keysSeen();
            assertThat(keysSeen).allMatch(k -> HASHED_KEY.matcher(k).matches());
            assertThat(new HashSet<>(keysSeen)).isEqualTo(expectedKeys);
            Set<String> raws = new HashSet<>();
            presented.forEach(p -> raws.add(p.value()));
            assertThat(keysSeen).noneMatch(raws::contains);

            // No log line holds a presented value (short ones like "*" or "" would match anything, so >= 8 chars).
            List<String> lines = logs.lines();
            List<String> leaked = new ArrayList<>();
            for (String raw : raws) {
                if (raw.length() >= 8 && lines.stream().anyMatch(l -> l.contains(raw))) {
                    leaked.add(raw.length() > 40 ? raw.substring(0, 40) + "..." : raw);
                }
            }
            assertThat(leaked).as("presented values found in log lines").isEmpty();

            Optional<Session> survivor = manager.find(bystanderId);
            assertThat(survivor).as("the live session survived the flood").isPresent();
            assertThat(survivor.get().getAttribute("n")).isEqualTo(42);
            System.out.printf(
                    "[bad-input] %s: %d malformed ids -> 0 store calls; %d unknown well-formed ids -> %d loads, %d deletes,"
                            + " all keys SHA-256; 0 errors; %d log lines, none with a presented value%n",
                    backend, MALFORMED, WELL_FORMED_UNKNOWN, store.loads(), store.deletes(), lines.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sessionkit.reliability.Backends#all")
    @DisplayName(
            "corrupted records (truncated JSON, wrong version field, foreign data, wrong field type) are absent, one load per request, logged by hashed key")
    void corruptedRecordsAreAbsentAndNeverLoop(Backend backend) {
        try (Fixture f = new Fixture(backend);
                LogCapture logs = new LogCapture()) {
            SessionStore raw = f.open();
            BadRecordWriter badRecords = backend.badRecords(raw);
            CountingSessionStore store = new CountingSessionStore(raw);
            SessionManager manager = SessionManager.builder(store).build();
            SessionManager failing = SessionManager.builder(store)
                    .decodeFailurePolicy(DecodeFailurePolicy.FAIL)
                    .build();
            for (Corruption kind : badRecords.kinds()) {
                Session s = manager.create();
                s.setAttribute("n", 1);
                s.setPrincipal("victim-" + kind.name().toLowerCase(Locale.ROOT));
                manager.save(s);
                String id = s.id().value();
                SessionKey key = s.id().key();
                badRecords.corrupt(key, kind);
                store.reset();

                int requests = 50;
                for (int i = 0; i < requests; i++) {
                    assertThat(manager.find(id)).as(kind + ": find").isEmpty();
                    assertThat(manager.update(id, x -> x.setAttribute("n", 2)))
                            .as(kind + ": update")
                            .isEmpty();
                }
                // One load per request and nothing else: no retry storm, no write over the bad record.
                assertThat(store.loads()).as(kind + ": loads").isEqualTo(2 * requests);
                assertThat(store.creates() + store.replaces())
                        .as(kind + ": writes")
                        .isZero();
                assertThatThrownBy(() -> failing.find(id))
                        .as(kind + ": FAIL policy")
                        .isInstanceOf(SessionCodecException.class);

                List<String> mentions = logs.linesContaining(key.shortForm());
                assertThat(mentions).as(kind + ": logged with the hashed key").isNotEmpty();
                assertThat(mentions.size())
                        .as(kind + ": at most one line per request")
                        .isLessThanOrEqualTo(2 * requests + 1);
                assertThat(logs.linesContaining(id))
                        .as(kind + ": raw id in logs")
                        .isEmpty();

                // The user simply gets a fresh session.
                Session fresh = manager.create();
                fresh.setAttribute("n", 1);
                manager.save(fresh);
                assertThat(manager.find(fresh.id().value())).isPresent();
            }
            System.out.printf(
                    "[bad-input] %s: corruptions %s -> absent (drop-session), 1 load per request, no writes,"
                            + " SessionCodecException under FAIL, logged by short key only%n",
                    backend, badRecords.kinds());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sessionkit.reliability.Backends#all")
    @DisplayName("a corrupted record does not make \"log out everywhere\" fail for its user")
    void corruptedRecordDoesNotBlockInvalidateAll(Backend backend) {
        try (Fixture f = new Fixture(backend)) {
            SessionStore raw = f.open();
            SessionManager manager = SessionManager.builder(raw).build();
            if (!raw.features().contains(StoreFeature.PRINCIPAL_INDEX)) {
                assertThatThrownBy(() -> manager.invalidateAll("victim"))
                        .isInstanceOf(UnsupportedOperationException.class);
                return;
            }
            BadRecordWriter badRecords = backend.badRecords(raw);
            for (Corruption kind : badRecords.kinds()) {
                String principal = "victim-" + kind.name().toLowerCase(Locale.ROOT);
                Session good = manager.create();
                good.setPrincipal(principal);
                manager.save(good);
                Session bad = manager.create();
                bad.setPrincipal(principal);
                bad.setAttribute("n", 1);
                manager.save(bad);
                badRecords.corrupt(bad.id().key(), kind);

                assertThatCode(() -> manager.invalidateAll(principal))
                        .as(kind + ": invalidateAll")
                        .doesNotThrowAnyException();
                assertThat(manager.find(good.id().value()))
                        .as(kind + ": the good session is logged out")
                        .isEmpty();
                assertThat(manager.find(bad.id().value()))
                        .as(kind + ": the bad one stays absent")
                        .isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sessionkit.reliability.Backends#all")
    @DisplayName("oversize sessions and attributes are refused before any write; the stored record is unchanged")
    void oversizeIsRefusedWithNothingWritten(Backend backend) {
        try (Fixture f = new Fixture(backend)) {
            CountingSessionStore store = new CountingSessionStore(f.open());
            // The shipped default limit, 256 KiB of encoded attributes.
            SessionManager manager = SessionManager.builder(store).build();
            String big = "x".repeat(300 * 1024);

            Session fresh = manager.create();
            fresh.setAttribute("big", big);
            store.reset();
            assertThatThrownBy(() -> manager.save(fresh)).isInstanceOf(SessionTooLargeException.class);
            assertThat(store.calls())
                    .as("store calls for a refused new session")
                    .isZero();
            assertThat(store.delegate().load(fresh.id().key())).isEmpty();

            Session s = manager.create();
            s.setAttribute("n", 1);
            manager.save(s);
            SessionRecord before = store.delegate().load(s.id().key()).orElseThrow();

            s.setAttribute("big", big);
            store.reset();
            assertThatThrownBy(() -> manager.save(s)).isInstanceOf(SessionTooLargeException.class);
            assertThat(store.creates() + store.replaces()).isZero();

            // Many small attributes that add up past the limit.
            Session many = manager.find(s.id().value()).orElseThrow();
            for (int i = 0; i < 300; i++) {
                many.setAttribute("a" + i, "y".repeat(1024));
            }
            store.reset();
            assertThatThrownBy(() -> manager.save(many)).isInstanceOf(SessionTooLargeException.class);
            assertThatThrownBy(() -> manager.update(s.id().value(), x -> x.setAttribute("big", big)))
                    .isInstanceOf(SessionTooLargeException.class);
            assertThat(store.creates() + store.replaces()).isZero();

            SessionRecord after = store.delegate().load(s.id().key()).orElseThrow();
            assertThat(after.version()).isEqualTo(before.version());
            assertThat(after.attributes()).isEqualTo(before.attributes());

            // Attribute names: bounded length, no control characters; refused when set, before any encoding.
            Session named = manager.find(s.id().value()).orElseThrow();
            assertThatThrownBy(() -> named.setAttribute("k".repeat(257), 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> named.setAttribute("a\r\nb", 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> named.setAttribute("a\0b", 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> named.setPrincipal("p".repeat(257))).isInstanceOf(IllegalArgumentException.class);
            assertThat(named.hasChanges()).isFalse();
            System.out.printf(
                    "[bad-input] %s: 300 KiB attribute, 300 x 1 KiB attributes -> SessionTooLargeException, 0 writes,"
                            + " stored record unchanged%n",
                    backend);
        }
    }

    static String sha256Key(String raw) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
