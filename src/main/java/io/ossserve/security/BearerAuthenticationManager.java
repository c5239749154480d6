package io.ossserve.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Routes a bearer token to the API-key check or, when JWT mode is on and the token looks like a JWT, to the
 * JWT provider. Records failures for the throttle and the successful principal on the request (for quota,
 * audit and the chat layer).
 */
final class BearerAuthenticationManager implements AuthenticationManagerResolver<HttpServletRequest> {
    private final ApiKeyService apiKeys;
    private final AuthenticationProvider jwt; // null when JWT mode is off
    private final AuthFailureThrottle throttle;

    BearerAuthenticationManager(ApiKeyService apiKeys, AuthenticationProvider jwt, AuthFailureThrottle throttle) {
        this.apiKeys = apiKeys;
        this.jwt = jwt;
        this.throttle = throttle;
    }

    @Override
    public AuthenticationManager resolve(HttpServletRequest request) {
        return authentication -> {
            if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
                throw new BadCredentialsException("unsupported authentication");
            }
            try {
                TenantAuthentication result = authenticate(bearer);
                request.setAttribute(TenantContext.REQUEST_ATTRIBUTE, result.getPrincipal());
                return result;
            } catch (AuthenticationServiceException e) {
                throw new AuthBackendUnavailableException("authentication backend unavailable", e);
            } catch (AuthBackendUnavailableException e) {
                throw e;
            } catch (AuthenticationException e) {
                throttle.recordFailure(request.getRemoteAddr());
                throw e;
            }
        };
    }

    private TenantAuthentication authenticate(BearerTokenAuthenticationToken bearer) {
        String token = bearer.getToken();
        if (jwt != null && looksLikeJwt(token)) {
            if (jwt.authenticate(bearer) instanceof TenantAuthentication t) {
                return t;
            }
            throw new BadCredentialsException("unsupported token");
        }
        return new TenantAuthentication(apiKeys.authenticate(token));
    }

    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first && !token.startsWith(ApiKeys.PREFIX);
    }
}
