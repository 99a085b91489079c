package io.sessionkit.boot;

import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Objects;
import org.springframework.security.core.Authentication;

/**
 * "Log out everywhere" and "log out my other devices", over the store's principal index: every node's sessions of the
 * user, found by the principal the starter set on login. A bean of the starter when Spring Security is present. Needs a
 * store with {@code StoreFeature.PRINCIPAL_INDEX} (every SessionKit store).
 */
public final class UserSessions {
    private final SessionManager manager;

    /** Helpers over {@code manager}'s store. */
    public UserSessions(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** The live sessions of the user (metadata only: hashed key, times; never a raw id or an attribute). */
    public List<SessionInfo> sessionsOf(String principal) {
        return manager.findByPrincipal(principal);
    }

    /**
     * Deletes every session of the user, this one included.
     *
     * @return how many were deleted
     */
    public int logOutEverywhere(Authentication user) {
        return manager.invalidateAll(PrincipalIndexSessionRegistry.nameOf(Objects.requireNonNull(user.getPrincipal())));
    }

    /**
     * Deletes every session of the user except the one of {@code request}.
     *
     * @return how many were deleted
     */
    public int logOutOtherDevices(Authentication user, HttpServletRequest request) {
        HttpSession current = request.getSession(false);
        SessionKey keep = current == null ? null : PrincipalIndexSessionRegistry.keyOf(current.getId());
        int n = 0;
        for (SessionInfo info :
                sessionsOf(PrincipalIndexSessionRegistry.nameOf(Objects.requireNonNull(user.getPrincipal())))) {
            if (!info.key().equals(keep)) {
                manager.invalidate(info.key());
                n++;
            }
        }
        return n;
    }
}
