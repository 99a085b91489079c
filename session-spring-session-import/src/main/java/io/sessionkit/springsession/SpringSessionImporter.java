package io.sessionkit.springsession;

import static java.util.Objects.requireNonNull;

import io.sessionkit.JavaSerializedValues;
import io.sessionkit.SessionCodecException;
import io.sessionkit.servlet.ImportedSession;
import io.sessionkit.servlet.SessionImporter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@link SessionImporter} for Spring Session: a request whose session cookie holds a Spring Session id (the
 * {@code SESSION} cookie, Base64 of the id) is looked up once in the legacy store ({@link SpringSessionRedisSource} or
 * {@link SpringSessionJdbcSource}); a live record becomes a new SessionKit session with its attributes and principal,
 * and once that is stored the legacy record is deleted, so the old cookie opens nothing afterwards (on Redis, for
 * 10 seconds it still opens the new session, for requests already in flight; see
 * below).
 *
 * <pre>{@code
 * SessionImporter importer = SpringSessionImporter.builder(SpringSessionRedisSource.builder(jedis).build())
 *         .allow("com.example.cart.*")
 *         .build();
 * SessionFilterConfig config = SessionFilterConfig.builder().importer(importer).build();
 * }</pre>
 *
 * <p>What is imported:
 * <ul>
 *   <li>every attribute whose Java-serialized value the allow-list admits: the JDK value types and their collections
 *       (as SessionKit's {@code java} codec), Spring Security's context classes ({@link #SPRING_SECURITY_ALLOW_LIST}),
 *       and what {@link Builder#allow(String)} adds. An attribute holding any other class is refused before that class
 *       is instantiated, reported (one WARNING per attribute name naming the class, later ones at DEBUG) and
 *       skipped; the others are imported;</li>
 *   <li>the principal, as Spring Session indexed it: the {@code PRINCIPAL_NAME_INDEX_NAME} attribute if present,
 *       else the name of the {@code SPRING_SECURITY_CONTEXT}'s authentication, else the JDBC row's
 *       {@code PRINCIPAL_NAME}.</li>
 * </ul>
 * Not imported: the id (the session gets a fresh SessionKit id and cookie), the creation and last-access times and
 * the max inactive interval (the new session has SessionKit's own expiry from now), and records Spring Session would
 * itself consider expired (judged by their own {@code lastAccessedTime} and {@code maxInactiveInterval} against this
 * importer's clock; they are left for Spring Session's cleanup or the store's TTL).
 *
 * <p>Concurrent requests presenting the same legacy cookie (a page and its XHRs, on one node or several) end in one
 * SessionKit session: the first to find the record claims its import (Redis: an atomic {@code SET NX} of
 * {@code <namespace>:sessionkit-imports:<SHA-256 of the id>}; JDBC: an {@code INSERT} of a claim row into Spring
 * Session's table, see {@link SpringSessionJdbcSource}; held 10 seconds); the others wait, at most 5 seconds, and then
 * join the session it was imported as (recorded in the claim, sealed under the legacy id, before the record is
 * deleted, for 10 seconds), getting its cookie. A claim whose import does not finish in time is not waited for
 * further: the waiting request imports the record itself.
 */
public final class SpringSessionImporter implements SessionImporter {
    /** The attribute Spring Security keeps its context in ({@code HttpSessionSecurityContextRepository}). */
    public static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";
    /** The attribute Spring Session indexes a principal by when the application sets it itself. */
    public static final String PRINCIPAL_NAME_INDEX_NAME =
            "org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME";

    /**
     * Always allowed besides the JDK value types: what a {@code SPRING_SECURITY_CONTEXT} of a form, HTTP Basic or
     * remember-me login holds (Spring Security 6 and 7), none of which runs application code when read.
     */
    public static final String SPRING_SECURITY_ALLOW_LIST =
            "org.springframework.security.core.context.SecurityContextImpl;"
                    + "org.springframework.security.authentication.AbstractAuthenticationToken;"
                    + "org.springframework.security.authentication.UsernamePasswordAuthenticationToken;"
                    + "org.springframework.security.authentication.RememberMeAuthenticationToken;"
                    + "org.springframework.security.core.userdetails.User;"
                    + "org.springframework.security.core.userdetails.User$AuthorityComparator;"
                    + "org.springframework.security.core.authority.SimpleGrantedAuthority;"
                    + "org.springframework.security.core.authority.FactorGrantedAuthority;"
                    + "org.springframework.security.web.authentication.WebAuthenticationDetails";

    private static final System.Logger LOG = System.getLogger("io.sessionkit.springsession");
    /** Where {@link #find} leaves the legacy record for {@link #imported} on the same request. */
    private static final String PENDING = SpringSessionImporter.class.getName() + ".pending";
    /** How long a request waits for a concurrent request's import of the same record before importing it itself. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(5);
    /** How often a waiting request looks again. */
    private static final Duration JOIN_POLL = Duration.ofMillis(20);
    /** How many attribute names get their own WARNING; beyond, DEBUG only (a bound on the set below). */
    private static final int REPORTED_NAMES = 1000;

    private final SpringSessionSource source;
    private final JavaSerializedValues values;
    private final Clock clock;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** The legacy record one request found, and the principal it was indexed under. */
    private record Pending(LegacySession legacy, @Nullable String principal, ImportedSession imported) {}

    private SpringSessionImporter(Builder b) {
        this.source = b.source;
        this.values = JavaSerializedValues.allowing(
                SPRING_SECURITY_ALLOW_LIST + (b.allowList.isEmpty() ? "" : ";" + b.allowList));
        this.clock = b.clock;
    }

    /** An importer from {@code source}. */
    public static Builder builder(SpringSessionSource source) {
        return new Builder(requireNonNull(source, "source"));
    }

    /**
     * The live Spring Session record the cookie value names, as a session to import; empty when the value is no
     * Spring Session cookie (never looked up), or names no record, or an expired one.
     *
     * @throws io.sessionkit.SessionStoreUnavailableException when the legacy store cannot be read
     */
    @Override
    public Optional<ImportedSession> find(HttpServletRequest request, String unrecognisedCookieValue) {
        Optional<String> id = LegacyIds.fromCookie(unrecognisedCookieValue);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        String state = source.importState(id.get());
        if (state == null) {
            Optional<LegacySession> found = source.find(id.get());
            if (found.isEmpty()) {
                // Deleted a moment ago by a concurrent import? It forwards before it deletes.
                return joined(source.importState(id.get()));
            }
            if (source.claim(id.get())) {
                return read(request, found.get());
            }
            state = source.importState(id.get());
        }
        Optional<ImportedSession> joined = joined(awaitImport(id.get(), state));
        if (joined.isPresent()) {
            return joined;
        }
        // The other import did not finish in time (its store failed, its node died): import here.
        return source.find(id.get()).flatMap(legacy -> read(request, legacy));
    }

    /** The session another request imported the record as, if {@code state} names one. */
    private Optional<ImportedSession> joined(@Nullable String state) {
        return state == null || state.equals(SpringSessionSource.PENDING)
                ? Optional.empty()
                : Optional.of(ImportedSession.alreadyImported(source.name(), state));
    }

    /**
     * Waits, at most {@link #JOIN_WAIT}, while another request's claimed import of {@code id} is pending; returns the
     * import state then (null: the claim lapsed).
     */
    private @Nullable String awaitImport(String id, @Nullable String state) {
        long deadline = System.nanoTime() + JOIN_WAIT.toNanos();
        String s = state;
        while (SpringSessionSource.PENDING.equals(s) && System.nanoTime() < deadline) {
            try {
                // The import runs on another request, perhaps another node: nothing here to wait on but the legacy
                // store's state. Bounded by JOIN_WAIT; each poll is one read of the import key.
                Thread.sleep(JOIN_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
            s = source.importState(id);
        }
        return s;
    }

    private Optional<ImportedSession> read(HttpServletRequest request, LegacySession legacy) {
        Instant now = clock.instant();
        if (legacy.expiredAt(now)) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0}: Spring Session record {1} expired, not imported",
                    source.name(),
                    LegacyIds.fingerprint(legacy.id()));
            return Optional.empty();
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        legacy.attributes().forEach((name, bytes) -> {
            try {
                Object value = values.read(name, bytes);
                if (value != null) {
                    attributes.put(name, value);
                }
            } catch (SessionCodecException e) {
                skipped(name, e);
            }
        });
        String principal = principal(attributes, legacy);
        ImportedSession imported = new ImportedSession(source.name(), attributes, principal);
        request.setAttribute(PENDING, new Pending(legacy, principal, imported));
        return Optional.of(imported);
    }

    /**
     * Deletes the legacy record {@link #find} read for {@code s} on this request. Nothing happens for a session this
     * importer did not find on this request.
     *
     * @throws io.sessionkit.SessionStoreUnavailableException when the legacy store cannot be written (the new session
     *                                                        stays; the old record then expires on its own)
     */
    @Override
    public void imported(HttpServletRequest request, ImportedSession s) {
        if (!(request.getAttribute(PENDING) instanceof Pending pending)
                || !pending.imported().equals(s)) {
            return;
        }
        request.removeAttribute(PENDING);
        // Forward first, delete second: a concurrent request that finds the record gone finds the forward.
        HttpSession imported = request.getSession(false);
        if (imported != null) {
            source.forward(pending.legacy().id(), imported.getId());
        }
        source.delete(pending.legacy(), pending.principal());
        LOG.log(
                System.Logger.Level.DEBUG,
                "{0}: Spring Session record {1} imported ({2} attributes) and deleted",
                source.name(),
                LegacyIds.fingerprint(pending.legacy().id()),
                s.attributes().size());
    }

    private static @Nullable String principal(Map<String, Object> attributes, LegacySession legacy) {
        if (attributes.get(PRINCIPAL_NAME_INDEX_NAME) instanceof String name && !name.isEmpty()) {
            return name;
        }
        Object context = attributes.get(SPRING_SECURITY_CONTEXT);
        if (context != null) {
            String name = SecurityContexts.principal(context);
            if (name != null) {
                return name;
            }
        }
        return legacy.principalName();
    }

    private void skipped(String name, SessionCodecException e) {
        boolean first = reported.size() < REPORTED_NAMES && reported.add(name);
        LOG.log(
                first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                "{0}: attribute ''{1}'' of a Spring Session record skipped, the others are imported: {2}"
                        + " (add the class to SpringSessionImporter.Builder.allow to import it)",
                source.name(),
                name,
                e.getMessage());
    }

    /** Builds a {@link SpringSessionImporter}. */
    public static final class Builder {
        private final SpringSessionSource source;
        private String allowList = "";
        private Clock clock = Clock.systemUTC();

        private Builder(SpringSessionSource source) {
            this.source = source;
        }

        /**
         * The application's own classes to import, a JEP 290 pattern such as {@code com.example.cart.*;com.example.User}
         * (as {@code sessionkit.codec.java.filter}); added to the JDK value types and
         * {@link #SPRING_SECURITY_ALLOW_LIST}. Default: none.
         */
        public Builder allow(String allowList) {
            this.allowList = requireNonNull(allowList, "allowList").trim();
            return this;
        }

        /** The clock records are judged expired by; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public SpringSessionImporter build() {
            return new SpringSessionImporter(this);
        }
    }
}
