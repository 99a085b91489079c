package io.sessionkit.boot;

import io.sessionkit.SessionId;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.AuthenticatedPrincipal;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Spring Security's {@link SessionRegistry} over the store's principal index ({@link SessionManager#findByPrincipal}),
 * so that {@code sessionManagement().maximumSessions(n)}, {@code maxSessionsPreventsLogin} and
 * {@link SessionInformation#expireNow()} see and end the sessions of every node, not only this one's. Spring Security
 * takes it from the context when {@code maximumSessions} is configured.
 *
 * <ul>
 *   <li>{@link #getAllSessions} lists the principal's live sessions in the store. Their {@code sessionId} is the hashed
 *       key ({@link SessionKey#value()}), never a raw id: the raw id exists only in the browser's cookie.
 *   <li>{@code expireNow()} on one of them deletes that session from the store at once: its next request, on any node,
 *       is anonymous. (Spring's in-memory registry only marks it, for {@code ConcurrentSessionFilter} to log it out.)
 *   <li>{@link #getSessionInformation} answers null: the expiry is the deletion, so {@code ConcurrentSessionFilter}
 *       needs no store read per request.
 *   <li>{@link #registerNewSession}, {@link #refreshLastRequest} and {@link #removeSessionInformation} do nothing: the
 *       store keeps the index with each write (the starter sets the principal when Spring Security saves the login).
 *   <li>{@link #getAllPrincipals} is empty: the index is looked up by principal, it is not listed.
 * </ul>
 *
 * Needs a store with {@code StoreFeature.PRINCIPAL_INDEX} (every SessionKit store); otherwise {@link #getAllSessions}
 * throws {@link UnsupportedOperationException}.
 */
public final class PrincipalIndexSessionRegistry implements SessionRegistry {
    private final SessionManager manager;

    /** A registry over {@code manager}'s store. */
    public PrincipalIndexSessionRegistry(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** The name the principal index files {@code principal} under, as the starter sets it on login. */
    public static String nameOf(Object principal) {
        if (principal instanceof UserDetails user) {
            return user.getUsername();
        }
        if (principal instanceof AuthenticatedPrincipal p) {
            return p.getName();
        }
        if (principal instanceof Principal p) {
            return p.getName();
        }
        return principal.toString();
    }

    @Override
    public List<Object> getAllPrincipals() {
        return List.of();
    }

    @Override
    public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
        List<SessionInformation> out = new ArrayList<>();
        for (SessionInfo info : manager.findByPrincipal(nameOf(principal))) {
            out.add(new StoreSessionInformation(principal, info, manager));
        }
        return out;
    }

    @Override
    public @Nullable SessionInformation getSessionInformation(String sessionId) {
        return null;
    }

    @Override
    public void refreshLastRequest(String sessionId) {}

    @Override
    public void registerNewSession(String sessionId, Object principal) {}

    @Override
    public void removeSessionInformation(String sessionId) {}

    /** The hashed key of a raw session id, for callers that hold one; empty if it is not a well-formed id. */
    static @Nullable SessionKey keyOf(@Nullable String rawId) {
        return rawId == null ? null : SessionId.parse(rawId).map(SessionId::key).orElse(null);
    }

    /** One stored session; {@link #expireNow()} deletes it from the store. */
    static final class StoreSessionInformation extends SessionInformation {
        private final transient SessionManager manager;
        private final SessionKey key;

        StoreSessionInformation(Object principal, SessionInfo info, SessionManager manager) {
            super(principal, info.key().value(), Date.from(info.lastAccessedAt()));
            this.manager = manager;
            this.key = info.key();
        }

        @Override
        public void expireNow() {
            manager.invalidate(key);
            super.expireNow();
        }
    }
}
