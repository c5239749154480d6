package io.ossserve.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401, 403 and 503 answers of the security layer, as OpenAI error bodies. */
final class OpenAiAuthErrorHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof AuthBackendUnavailableException) {
            request.setAttribute(SecurityAttributes.AUTH_FAILURE, "authentication backend unavailable");
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            OpenAiErrors.write(response, 503, "server_error", "service_unavailable",
                    "Credentials cannot be checked right now; retry shortly.");
            return;
        }
        boolean missing = request.getHeader(HttpHeaders.AUTHORIZATION) == null;
        String message = missing
                ? "You didn't provide an API key. Provide it in the Authorization header (Authorization: Bearer YOUR_KEY)."
                : messageOf(e);
        request.setAttribute(SecurityAttributes.AUTH_FAILURE, missing ? "missing credentials" : message);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, missing ? "Bearer" : "Bearer error=\"invalid_token\"");
        OpenAiErrors.write(response, 401, "invalid_request_error", missing ? null : "invalid_api_key", message);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        request.setAttribute(SecurityAttributes.AUTH_FAILURE, "forbidden");
        OpenAiErrors.write(response, 403, "permission_error", "insufficient_permissions",
                "You do not have permission to access " + sanitize(request.getRequestURI()) + ".");
    }

    private static String messageOf(AuthenticationException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank() || m.length() > 200) {
            return "Invalid credentials.";
        }
        return m;
    }

    private static String sanitize(String uri) {
        if (uri == null) {
            return "this resource";
        }
        String s = uri.length() > 100 ? uri.substring(0, 100) : uri;
        return s.replaceAll("[^A-Za-z0-9/._~-]", "?");
    }
}
