package io.sessionkit.boot;

import io.sessionkit.SessionInfo;
import io.sessionkit.SessionManager;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code sessions} Actuator endpoint, over the store's principal index (every node's sessions):
 *
 * <ul>
 *   <li>{@code GET /actuator/sessions?principal=alice}: the user's live sessions, metadata only: a short key (the
 *       first {@value #SHORT_KEY_LENGTH} characters of the hashed key, as SessionKit's logs show it), the principal and
 *       the creation, last access and expiry times. Never a raw id (it is not stored) nor an attribute value.
 *   <li>{@code DELETE /actuator/sessions/alice/<short key>}: ends that session of the user.
 *   <li>{@code DELETE /actuator/sessions?principal=alice}: ends every session of the user.
 * </ul>
 *
 * Like every endpoint it is exposed only when configured ({@code management.endpoints.web.exposure.include=sessions});
 * protect it as an administrator's tool. Needs a store with {@code StoreFeature.PRINCIPAL_INDEX}.
 */
@Endpoint(id = "sessions")
public class SessionsEndpoint {
    /** Characters of the hashed key shown and accepted. */
    public static final int SHORT_KEY_LENGTH = 8;

    private final SessionManager manager;

    /** The endpoint over {@code manager}'s store. */
    public SessionsEndpoint(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** The user's live sessions. */
    @ReadOperation
    public List<SessionView> sessions(String principal) {
        return manager.findByPrincipal(principal).stream().map(SessionView::of).toList();
    }

    /**
     * Ends the user's session whose short key this is.
     *
     * @return how many sessions were ended: 1, or 0 when the user has no such session
     */
    @DeleteOperation
    public int deleteSession(@Selector String principal, @Selector String key) {
        int n = 0;
        for (SessionInfo info : manager.findByPrincipal(principal)) {
            if (SessionView.shortKey(info).equals(key)) {
                manager.invalidate(info.key());
                n++;
            }
        }
        return n;
    }

    /**
     * Ends every session of the user.
     *
     * @return how many sessions were ended
     */
    @DeleteOperation
    public int deleteSessions(String principal) {
        return manager.invalidateAll(principal);
    }

    /**
     * One session as the endpoint shows it.
     *
     * @param key            the first {@value #SHORT_KEY_LENGTH} characters of the hashed key
     * @param principal      the user
     * @param createdAt      creation time, ISO-8601
     * @param lastAccessedAt last written access, ISO-8601
     * @param expiresAt      expiry, ISO-8601
     */
    public record SessionView(String key, String principal, String createdAt, String lastAccessedAt, String expiresAt) {
        static SessionView of(SessionInfo info) {
            return new SessionView(
                    shortKey(info),
                    info.principal(),
                    info.createdAt().toString(),
                    info.lastAccessedAt().toString(),
                    info.expiresAt().toString());
        }

        static String shortKey(SessionInfo info) {
            return info.key().value().substring(0, SHORT_KEY_LENGTH);
        }
    }
}
