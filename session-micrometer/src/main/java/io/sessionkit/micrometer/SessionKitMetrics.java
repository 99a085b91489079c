package io.sessionkit.micrometer;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.SessionEvent;
import io.sessionkit.SessionEventListener;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionObserver;
import io.sessionkit.StoreOperation;
import io.sessionkit.StoreOutcome;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionManager}'s events and operational signals as Micrometer meters, and its request-path store calls as
 * {@code sessionkit.store} {@link Observation}s (so a traced application shows each store call as a span).
 *
 * <pre>{@code
 * SessionKitMetrics metrics = SessionKitMetrics.builder(meterRegistry)
 *         .store("redis")                              // the "store" tag
 *         .observationRegistry(observationRegistry)    // optional: spans around store calls
 *         .build();
 * SessionManager sessions = metrics.bindTo(SessionManager.builder(store)).build();
 * }</pre>
 *
 * <p>Every meter carries the tag {@code store} and, where listed, one more low-cardinality tag taken from an enum
 * (operation, outcome, result, reason, policy): a meter never carries a session id, a hashed key or a principal. The
 * meters, their units and tags are listed in the module README. Meters of a fixed small set are registered by
 * {@link Builder#build()}; the store call timers (operation × outcome) when a combination first occurs.
 *
 * <p>It is both the manager's {@link SessionObserver} (called inline: a meter update, and an Observation when an
 * {@link ObservationRegistry} is set) and a {@link SessionEventListener} (session counters, off the request thread).
 * {@link #bindTo} registers it as both; a manager has one observer, so this replaces any other. On a manager that is
 * already built, {@link SessionManager#addListener addListener(metrics)} adds the session counters only.
 *
 * <p>Cost per store call: one clock read at each end, one small handle (what a {@code Timer.Sample} would be), and an
 * array read for the timer of that operation and outcome; no registry lookup. With an {@link ObservationRegistry},
 * what Micrometer needs for one Observation, opened in scope on the calling thread for the duration of the call (the
 * manager ends every call on the thread that started it). Thread-safe; one instance may serve
 * several managers on the same store.
 */
public final class SessionKitMetrics implements SessionObserver, SessionEventListener {
    /** The {@code store} tag when {@link Builder#store} is not called. */
    public static final String DEFAULT_STORE_NAME = "default";
    /** The name of the Observations around store calls. */
    public static final String OBSERVATION_NAME = "sessionkit.store";

    /**
     * Calls made on a request's path get an Observation. The sweeper's and health checks' do not: they run on their own
     * threads, outside any request, and would each start a trace of their own every interval.
     */
    static final Set<StoreOperation> OBSERVED = EnumSet.of(
            StoreOperation.CREATE,
            StoreOperation.LOAD,
            StoreOperation.REPLACE,
            StoreOperation.DELETE,
            StoreOperation.DELETE_IF_VERSION,
            StoreOperation.FIND_BY_PRINCIPAL);

    private final MeterRegistry registry;
    private final Clock clock;
    private final ObservationRegistry observations;
    private final String store;
    private final Tags storeTags;

    /** Made up front, read-only after: the hot path reads these without a registry lookup. */
    private final ByEnum<StoreOperation, Operation> operations;

    private final ByEnum<StoreOutcome, KeyValue> outcomeKeyValues;
    private final ByEnum<SaveResult, Counter> saves;
    private final DistributionSummary sessionSize;
    private final DistributionSummary casRetries;
    private final Counter casExhausted;
    private final ByEnum<DecodeFailurePolicy, Counter> decodeFailures;
    private final Counter oversize;
    private final Counter created;
    private final Counter rotated;
    private final Counter expired;
    private final ByEnum<SessionEvent.Reason, Counter> invalidated;
    private final DistributionSummary sweepCollected;
    private final Timer sweeps;
    private final Counter eventsDropped;
    /**
     * {@code sessionkit.sessions.adopted} and {@code sessionkit.import.skipped} by source: a source is an importer's
     * fixed name ({@code container}, {@code spring-session-redis}), so there are few, registered on first use.
     */
    private final Map<String, Counter> adopted = new ConcurrentHashMap<>();

    private final Map<String, Counter> importSkipped = new ConcurrentHashMap<>();

    private SessionKitMetrics(Builder b) {
        this.registry = b.registry;
        this.clock = registry.config().clock();
        this.observations = b.observations;
        this.store = b.store;
        this.storeTags = Tags.of("store", store);

        this.operations = ByEnum.of(StoreOperation.class, Operation::new);
        this.outcomeKeyValues = ByEnum.of(StoreOutcome.class, outcome -> KeyValue.of("outcome", outcome.tag()));
        this.saves = ByEnum.of(
                SaveResult.class,
                r -> counter("sessionkit.saves", "SessionManager.save calls by what they did", null, "result", tag(r)));
        this.sessionSize =
                summary("sessionkit.session.size", "Encoded attributes of each session written by a save", "bytes");
        this.casRetries = summary(
                "sessionkit.cas.retries",
                "Compare-and-set retries, each recorded with its number within its call (1 for the first)",
                "retries");
        this.casExhausted = counter(
                "sessionkit.cas.exhausted",
                "Calls that gave up after sessionkit.max-retries lost races (SessionConflictException)",
                null);
        this.decodeFailures = ByEnum.of(
                DecodeFailurePolicy.class,
                p -> counter(
                        "sessionkit.decode.failures",
                        "Records or attributes that could not be decoded, by the policy that decided",
                        null,
                        "policy",
                        tag(p)));
        this.oversize = counter(
                "sessionkit.oversize.refusals",
                "Saves refused before any write: the session exceeded sessionkit.max-session-size",
                null);
        this.created = sessions("created", "Sessions first written to the store");
        this.rotated = sessions("rotated", "Sessions moved to a new id");
        this.expired = sessions("expired", "Expired sessions collected and reported by this node's sweeps");
        this.invalidated = ByEnum.of(
                SessionEvent.Reason.class,
                r -> counter(
                        "sessionkit.sessions.invalidated",
                        "Sessions deleted before they expired, by who ended them",
                        "sessions",
                        "reason",
                        tag(r)));
        this.sweepCollected =
                summary("sessionkit.sweep.collected", "Expired records one sweep of this node collected", "sessions");
        this.sweeps = Timer.builder("sessionkit.sweeps")
                .description("Sweeps of expired records by this node, and their duration")
                .tags(storeTags)
                .register(registry);
        this.eventsDropped = counter(
                "sessionkit.events.dropped", "Session events dropped because the event queue was full", "events");
        LongSupplier size = b.storeSize;
        if (size != null) {
            Gauge.builder("sessionkit.store.size", () -> size.getAsLong())
                    .description("Sessions the local store holds, expired ones not yet collected included")
                    .baseUnit("sessions")
                    .tags(storeTags)
                    .register(registry);
        }
    }

    /** A builder over {@code registry}, where the meters are registered. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Registers this as {@code manager}'s observer (replacing any other) and as one of its listeners.
     *
     * @return {@code manager}, to go on building it
     */
    public SessionManager.Builder bindTo(SessionManager.Builder manager) {
        Objects.requireNonNull(manager, "manager");
        return manager.observer(this).listener(this);
    }

    /** The value of the {@code store} tag on every meter. */
    public String store() {
        return store;
    }

    // ---- SessionObserver: inline, on the thread doing the work ----

    @Override
    public StoreCall storeCall(StoreOperation operation) {
        Operation op = operations.get(operation);
        Observation observation = null;
        if (op.observed && !observations.isNoop()) {
            observation = Observation.createNotStarted(OBSERVATION_NAME, observations)
                    .contextualName(op.contextualName)
                    .lowCardinalityKeyValues(op.keyValues)
                    .start();
        }
        return new Call(op, clock.monotonicTime(), observation);
    }

    @Override
    public void saved(SaveResult result, long encodedBytes) {
        saves.get(result).increment();
        if (encodedBytes >= 0) {
            sessionSize.record((double) encodedBytes);
        }
    }

    @Override
    public void conflict(int retry) {
        casRetries.record(retry);
    }

    @Override
    public void conflictsExhausted(int attempts) {
        casExhausted.increment();
    }

    @Override
    public void decodeFailure(DecodeFailurePolicy policy) {
        decodeFailures.get(policy).increment();
    }

    @Override
    public void tooLarge(long bytes, long limit) {
        oversize.increment();
    }

    @Override
    public void swept(int collected, Duration took) {
        sweepCollected.record(collected);
        sweeps.record(took);
    }

    @Override
    public void eventsDropped(long count) {
        eventsDropped.increment((double) count);
    }

    @Override
    public void importSkipped(String source) {
        importSkipped
                .computeIfAbsent(
                        source,
                        s -> counter(
                                "sessionkit.import.skipped",
                                "Attributes of imported sessions skipped because they could not be stored, by source",
                                "attributes",
                                "source",
                                s))
                .increment();
    }

    // ---- SessionEventListener: on the event thread (or the sweeper's, for EXPIRED) ----

    @Override
    public void onEvent(SessionEvent event) {
        switch (event.type()) {
            case CREATED -> created.increment();
            case ROTATED -> rotated.increment();
            case EXPIRED -> expired.increment();
            case IMPORTED -> {
                String source = event.source();
                adopted.computeIfAbsent(
                                source == null ? "unknown" : source,
                                s -> counter(
                                        "sessionkit.sessions.adopted",
                                        "Sessions made from one kept elsewhere (the container's, another library's), "
                                                + "by source",
                                        "sessions",
                                        "source",
                                        s))
                        .increment();
            }
            case INVALIDATED -> {
                SessionEvent.Reason reason = event.reason();
                // Always set for INVALIDATED (SessionEvent checks it); REQUEST if a future event type ever omits it.
                invalidated
                        .get(reason == null ? SessionEvent.Reason.REQUEST : reason)
                        .increment();
            }
        }
    }

    // ---- internals ----

    /**
     * What one store operation needs on the hot path: its Observation's key values and name, and its timer per outcome,
     * registered when that outcome first occurs (so a store that never fails shows no failure timers).
     */
    private final class Operation {
        final boolean observed;
        final KeyValues keyValues;
        final String contextualName;
        private final ByEnum<StoreOutcome, LazyTimer> timers;

        Operation(StoreOperation operation) {
            this.observed = OBSERVED.contains(operation);
            this.keyValues = KeyValues.of("store", store, "operation", operation.tag());
            this.contextualName = "sessionkit " + operation.tag();
            this.timers = ByEnum.of(StoreOutcome.class, outcome -> new LazyTimer(operation, outcome));
        }

        Timer timer(StoreOutcome outcome) {
            return timers.get(outcome).get();
        }
    }

    /** The {@code sessionkit.store.calls} timer of one operation and outcome, registered on first use. */
    private final class LazyTimer {
        private final StoreOperation operation;
        private final StoreOutcome outcome;
        private volatile @Nullable Timer timer;

        LazyTimer(StoreOperation operation, StoreOutcome outcome) {
            this.operation = operation;
            this.outcome = outcome;
        }

        Timer get() {
            Timer t = timer;
            if (t == null) {
                // Registration is idempotent (the registry returns the meter it holds), so a race here is harmless.
                t = Timer.builder("sessionkit.store.calls")
                        .description("SessionStore calls made by the SessionManager, by operation and outcome")
                        .tags(storeTags)
                        .tag("operation", operation.tag())
                        .tag("outcome", outcome.tag())
                        .register(registry);
                timer = t;
            }
            return t;
        }
    }

    private Counter sessions(String what, String description) {
        return counter("sessionkit.sessions." + what, description, "sessions");
    }

    /** A counter with the {@code store} tag and {@code tags} (key, value, ...); {@code baseUnit} may be null. */
    private Counter counter(String name, String description, @Nullable String baseUnit, String... tags) {
        return Counter.builder(name)
                .description(description)
                .baseUnit(baseUnit)
                .tags(storeTags)
                .tags(tags)
                .register(registry);
    }

    /** A distribution summary with the {@code store} tag. */
    private DistributionSummary summary(String name, String description, String baseUnit) {
        return DistributionSummary.builder(name)
                .description(description)
                .baseUnit(baseUnit)
                .tags(storeTags)
                .register(registry);
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** One store call in flight: the timer's start, and its Observation if there is one. */
    private final class Call implements StoreCall {
        private final Operation operation;
        private final long startNanos;
        private final @Nullable Observation observation;
        private final Observation.@Nullable Scope scope;

        Call(Operation operation, long startNanos, @Nullable Observation observation) {
            this.operation = operation;
            this.startNanos = startNanos;
            this.observation = observation;
            // In scope while the call runs, so that a traced driver's own spans nest under the store call.
            this.scope = observation == null ? null : observation.openScope();
        }

        @Override
        public void end(StoreOutcome outcome) {
            operation.timer(outcome).record(clock.monotonicTime() - startNanos, TimeUnit.NANOSECONDS);
            Observation o = observation;
            if (o != null) {
                Observation.Scope s = scope;
                if (s != null) {
                    s.close();
                }
                o.lowCardinalityKeyValue(outcomeKeyValues.get(outcome)).stop();
            }
        }
    }

    /** Builds a {@link SessionKitMetrics}; every setting but the registry has a default. */
    public static final class Builder {
        private final MeterRegistry registry;
        private String store = DEFAULT_STORE_NAME;
        private ObservationRegistry observations = ObservationRegistry.NOOP;
        private @Nullable LongSupplier storeSize;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * The {@code store} tag on every meter and Observation; default {@link #DEFAULT_STORE_NAME}. Use the store's
         * provider name ({@code redis}, {@code jdbc}, {@code local}…), or a name per manager when an application has
         * several. A fixed name, never anything per session or per user.
         */
        public Builder store(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("store name must not be blank");
            }
            this.store = name;
            return this;
        }

        /**
         * Where the {@code sessionkit.store} Observations go (tracing, and whatever else its handlers do); default
         * {@link ObservationRegistry#NOOP}: no Observation is made, the meters are recorded all the same.
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observations = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Adds the gauge {@code sessionkit.store.size}, read from {@code sessions} whenever the registry publishes: for
         * a store in this JVM that can count its sessions cheaply, e.g. {@code caffeineStore::estimatedSize}. Shared
         * stores (Redis, SQL, Mongo, memcached) cannot without a scan, so they get no gauge. Default: no gauge.
         */
        public Builder storeSize(LongSupplier sessions) {
            this.storeSize = Objects.requireNonNull(sessions, "sessions");
            return this;
        }

        /** Registers the meters in the registry and returns the binding. */
        public SessionKitMetrics build() {
            return new SessionKitMetrics(this);
        }
    }
}
