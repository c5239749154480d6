package io.ossserve.security;

import org.springframework.security.core.AuthenticationException;

/**
 * The credential could not be checked (database or JWK set unreachable): answered with 503, not 401 and not
 * 500. Deliberately not an {@code AuthenticationServiceException}, which Spring Security rethrows.
 */
class AuthBackendUnavailableException extends AuthenticationException {
    AuthBackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
