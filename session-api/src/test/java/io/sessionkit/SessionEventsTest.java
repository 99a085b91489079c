package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Events and observers of {@link SessionManager}: what listeners receive, that they never see raw ids or (unless they
 * ask) principals, that a slow or throwing listener or observer never fails or holds up a request, what the observer
 * is told about store calls, conflicts and refusals, the sweeper, and the health check.
 */
class SessionEventsTest {
    private final AtomicLong millis =
            new AtomicLong(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };
    private final EnvelopeMapStore store = new EnvelopeMapStore(clock);
    private final List<SessionManager> managers = new ArrayList<>();

    @AfterEach
    void close() {
        managers.forEach(SessionManager::close);
    }

    private SessionManager.Builder builder() {
        return SessionManager.builder(store).clock(clock).sweepInterval(Duration.ZERO);
    }

    private SessionManager built(SessionManager.Builder b) {
        SessionManager m = b.build();
        managers.add(m);
        return m;
    }

    /** A listener that queues what it receives, asking for principals or not. */
    private static final class Recorder {
        final BlockingQueue<SessionEvent> events = new LinkedBlockingQueue<>();
        final SessionEventListener listener;

        Recorder(boolean principals) {
            this.listener = principals ? SessionEventListener.withPrincipal(events::add) : events::add;
        }

        SessionEvent next() throws InterruptedException {
            SessionEvent e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("an event within 10 s").isNotNull();
            return e;
        }
    }

    @Test
    void lifecycleEventsCarryHashedKeysAndPrincipalsOnlyForListenersThatAsk() throws Exception {
        Recorder named = new Recorder(true);
        Recorder anonymous = new Recorder(false);
        SessionManager m = built(builder().listener(named.listener).listener(anonymous.listener));
        Session s = m.create();
        s.setPrincipal("alice");
        m.save(s);
        SessionKey first = s.id().key();
        m.rotateId(s);
        SessionKey second = s.id().key();
        m.invalidate(s);
        Session other = m.create();
        m.save(other);
        m.invalidate(other.id().key());

        List<SessionEvent> seen = List.of(named.next(), named.next(), named.next(), named.next(), named.next());
        assertThat(seen)
                .extracting(SessionEvent::type, SessionEvent::key, SessionEvent::principal, SessionEvent::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(SessionEvent.Type.CREATED, first, "alice", null),
                        org.assertj.core.groups.Tuple.tuple(SessionEvent.Type.ROTATED, second, "alice", null),
                        org.assertj.core.groups.Tuple.tuple(
                                SessionEvent.Type.INVALIDATED, second, "alice", SessionEvent.Reason.REQUEST),
                        org.assertj.core.groups.Tuple.tuple(
                                SessionEvent.Type.CREATED, other.id().key(), null, null),
                        org.assertj.core.groups.Tuple.tuple(
                                SessionEvent.Type.INVALIDATED, other.id().key(), null, SessionEvent.Reason.ADMIN));
        assertThat(seen.get(1).previousKey()).isEqualTo(first);
        for (int i = 0; i < 5; i++) {
            assertThat(anonymous.next().principal()).isNull();
        }
        String all = seen.toString();
        assertThat(all).doesNotContain(s.id().value()).doesNotContain(other.id().value());
    }

    @Test
    void aSlowListenerNeverHoldsUpARequestAndAFullQueueDropsAndCounts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        AtomicLong dropped = new AtomicLong();
        SessionManager m = built(builder()
                .eventQueueCapacity(2)
                .observer(new SessionObserver() {
                    @Override
                    public void eventsDropped(long count) {
                        dropped.addAndGet(count);
                    }
                })
                .listener(e -> {
                    try {
                        release.await();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    delivered.incrementAndGet();
                }));
        // The listener blocks on the first event; every save still returns, and what does not fit is dropped.
        for (int i = 0; i < 10; i++) {
            Session s = m.create();
            assertThat(m.save(s)).isEqualTo(SaveResult.CREATED);
        }
        assertThat(dropped.get()).isBetween(7L, 8L);
        release.countDown();
        m.close();
        assertThat(delivered.get() + dropped.get()).isEqualTo(10);
    }

    @Test
    void aThrowingListenerOrObserverNeverFailsARequest() throws Exception {
        Recorder after = new Recorder(false);
        SessionObserver broken = new SessionObserver() {
            @Override
            public StoreCall storeCall(StoreOperation operation) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void saved(SaveResult result, long encodedBytes) {
                throw new IllegalStateException("observer bug");
            }
        };
        SessionManager m = built(builder()
                .observer(broken)
                .listener(e -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(after.listener));
        try (LogCapture log = LogCapture.of("io.sessionkit")) {
            Session s = m.create();
            s.setAttribute("n", 1);
            assertThat(m.save(s)).isEqualTo(SaveResult.CREATED);
            assertThat(m.find(s.id())).isPresent();
            assertThat(after.next().type()).isEqualTo(SessionEvent.Type.CREATED);
            assertThat(log.warnings().toString()).contains("listener bug").contains("observer bug");
        }
    }

    /** Records what an observer is told, as "operation:outcome" and signal names. */
    private static final class Signals implements SessionObserver {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<String> signals = new CopyOnWriteArrayList<>();

        @Override
        public StoreCall storeCall(StoreOperation operation) {
            return outcome -> calls.add(operation.tag() + ":" + outcome.tag());
        }

        @Override
        public void saved(SaveResult result, long encodedBytes) {
            signals.add("saved:" + result + ":" + (encodedBytes > 0 ? "bytes" : encodedBytes));
        }

        @Override
        public void conflict(int retry) {
            signals.add("conflict:" + retry);
        }

        @Override
        public void conflictsExhausted(int attempts) {
            signals.add("exhausted:" + attempts);
        }

        @Override
        public void decodeFailure(DecodeFailurePolicy policy) {
            signals.add("decode:" + policy);
        }

        @Override
        public void tooLarge(long bytes, long limit) {
            signals.add("tooLarge:" + limit);
        }

        @Override
        public void swept(int collected, Duration took) {
            signals.add("swept:" + collected);
        }
    }

    @Test
    void theObserverSeesEveryStoreCallWithItsOutcomeAndEverySignal() {
        Signals signals = new Signals();
        SessionManager m = built(builder().observer(signals).maxRetries(0).maxSessionSize(2048));
        Session s = m.create();
        s.setAttribute("n", 1);
        m.save(s);
        Session a = m.find(s.id()).orElseThrow();
        Session b = m.find(s.id()).orElseThrow();
        a.setAttribute("n", 2);
        b.setAttribute("m", 3);
        m.save(a);
        assertThatThrownBy(() -> m.save(b)).isInstanceOf(SessionConflictException.class);
        Session big = m.create();
        big.setAttribute("x", "y".repeat(4096));
        assertThatThrownBy(() -> m.save(big)).isInstanceOf(SessionTooLargeException.class);
        assertThat(signals.calls).containsExactly("create:ok", "load:ok", "load:ok", "replace:ok", "replace:conflict");
        assertThat(signals.signals)
                .containsExactly("saved:CREATED:bytes", "saved:UPDATED:bytes", "exhausted:1", "tooLarge:2048");
    }

    @Test
    void theObserverSeesDecodeFailuresAndFailedCalls() {
        Signals signals = new Signals();
        SessionManager m = built(builder().observer(signals));
        Session s = m.create();
        m.save(s);
        SessionRecord stored = store.load(s.id().key()).orElseThrow();
        store.replace(stored.withVersion(2).withAttributes("{\"t\":{\"@type\":\"nobody\",\"@value\":1}}"), 1);
        assertThat(m.find(s.id())).isEmpty();
        assertThat(signals.signals).contains("decode:DROP_SESSION");

        SessionManager down = built(SessionManager.builder(new DownStore())
                .clock(clock)
                .sweepInterval(Duration.ZERO)
                .observer(signals));
        assertThatThrownBy(() -> down.find(SessionId.generate())).isInstanceOf(SessionStoreUnavailableException.class);
        assertThat(signals.calls).endsWith("load:unavailable");
    }

    @Test
    void theSweepReportsExpiredSessionsToListenersThenRemovesThem() throws Exception {
        Recorder named = new Recorder(true);
        Signals signals = new Signals();
        SessionManager m = built(builder().listener(named.listener).observer(signals));
        Session s = m.create();
        s.setPrincipal("bob");
        m.save(s);
        named.next(); // CREATED
        millis.addAndGet(ExpiryPolicy.DEFAULT_MAX_IDLE.toMillis() + 1);
        assertThat(m.sweepExpired()).isEqualTo(1);
        SessionEvent expired = named.next();
        assertThat(expired)
                .isEqualTo(new SessionEvent(SessionEvent.Type.EXPIRED, s.id().key(), null, "bob", null, s.expiresAt()));
        assertThat(store.storedAttributes(s.id().key())).isNull();
        assertThat(m.sweepExpired()).isZero();
        assertThat(signals.calls).contains("claim_expired:ok", "remove_expired:ok");
        assertThat(signals.signals).contains("swept:1", "swept:0");
    }

    @Test
    void theBackgroundSweeperRunsOnItsInterval() throws Exception {
        expiresAndIsReportedByTheBackgroundSweeper(Duration.ofMillis(20));
    }

    @Test
    void theSweeperKeepsRunningWhenItsFirstRunStartsAtOnce() throws Exception {
        // With a 1 ms interval the first run often starts before the constructor returns; it must still reschedule.
        for (int i = 0; i < 20; i++) {
            expiresAndIsReportedByTheBackgroundSweeper(Duration.ofMillis(1)).close();
        }
    }

    /** A session saved, then the clock moved past its expiry: the sweeper reports it with its key. */
    private SessionManager expiresAndIsReportedByTheBackgroundSweeper(Duration interval) throws Exception {
        Recorder listener = new Recorder(false);
        SessionManager m = built(builder().listener(listener.listener).sweepInterval(interval));
        Session s = m.create();
        m.save(s);
        listener.next(); // CREATED
        millis.addAndGet(ExpiryPolicy.DEFAULT_MAX_IDLE.toMillis() + 1);
        SessionEvent expired = listener.next();
        assertThat(expired.type()).isEqualTo(SessionEvent.Type.EXPIRED);
        assertThat(expired.key()).isEqualTo(s.id().key());
        return m;
    }

    @Test
    void healthIsOneCallAndReportsAStoreThatIsDown() {
        Signals signals = new Signals();
        StoreHealth up = built(builder().observer(signals)).health();
        assertThat(up.up()).isTrue();
        assertThat(up.failure()).isNull();
        assertThat(signals.calls).containsExactly("ping:ok");
        StoreHealth down = built(SessionManager.builder(new DownStore()).sweepInterval(Duration.ZERO))
                .health();
        assertThat(down.up()).isFalse();
        assertThat(down.failure()).isEqualTo("SessionStoreUnavailableException: store is down");
    }

    @Test
    void configuredSweepAndEventKeysAreValidated() {
        assertThatThrownBy(() -> SessionManager.policyFrom(SessionKitConfig.of(Map.of("sessionkit.sweep.lease", "0s"))))
                .hasMessageContaining("sessionkit.sweep.lease");
        assertThatThrownBy(() ->
                        SessionManager.policyFrom(SessionKitConfig.of(Map.of("sessionkit.sweep.batch-size", "0"))))
                .hasMessageContaining("sessionkit.sweep.batch-size");
        assertThatThrownBy(() ->
                        SessionManager.policyFrom(SessionKitConfig.of(Map.of("sessionkit.events.queue-capacity", "0"))))
                .hasMessageContaining("sessionkit.events.queue-capacity");
        assertThatThrownBy(() ->
                        SessionManager.policyFrom(SessionKitConfig.of(Map.of("sessionkit.sweep.interval", "-1s"))))
                .hasMessageContaining("sessionkit.sweep.interval");
    }

    @Test
    void listenersCannotBeAddedToAClosedManager() {
        SessionManager m = builder().build();
        m.close();
        assertThatThrownBy(() -> m.addListener(e -> {})).isInstanceOf(IllegalStateException.class);
    }

    /** A store whose server is down: every call fails as a driver timeout would. */
    private static final class DownStore implements SessionStore {
        private static SessionStoreUnavailableException down() {
            return new SessionStoreUnavailableException("store is down");
        }

        @Override
        public Set<StoreFeature> features() {
            return Set.of();
        }

        @Override
        public boolean create(SessionRecord record) {
            throw down();
        }

        @Override
        public Optional<SessionRecord> load(SessionKey key) {
            throw down();
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            throw down();
        }

        @Override
        public void delete(SessionKey key) {
            throw down();
        }

        @Override
        public void close() {}
    }
}
