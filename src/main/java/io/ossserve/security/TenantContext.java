package io.ossserve.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * How code behind the security filters learns the caller. On the request thread use {@link #current()};
 * code that runs later on another thread (streaming) should capture the principal first, or read it from the
 * request with {@link #of(HttpServletRequest)}, which stays valid for the whole request including async parts.
 */
public final class TenantContext {
    /** Request attribute holding the {@link TenantPrincipal} once authentication succeeded. */
    public static final String REQUEST_ATTRIBUTE = TenantPrincipal.class.getName();

    private TenantContext() {}

    /** The caller of the current request thread, if authenticated. */
    public static Optional<TenantPrincipal> current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof TenantAuthentication t) {
            return Optional.of(t.getPrincipal());
        }
        return Optional.empty();
    }

    /** The caller of the current request thread; throws when called on an unauthenticated path. */
    public static TenantPrincipal require() {
        return current().orElseThrow(() -> new IllegalStateException("no authenticated tenant on this thread"));
    }

    /** The caller of {@code request}, from any thread. */
    public static Optional<TenantPrincipal> of(HttpServletRequest request) {
        return request.getAttribute(REQUEST_ATTRIBUTE) instanceof TenantPrincipal p ? Optional.of(p) : Optional.empty();
    }
}
