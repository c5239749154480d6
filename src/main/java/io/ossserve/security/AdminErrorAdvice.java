package io.ossserve.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** OpenAI-shaped errors for the admin and audit controllers (the /v1 controllers have their own advice). */
@RestControllerAdvice(basePackages = {"io.ossserve.security", "io.ossserve.audit"})
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminErrorAdvice {
    private static final Logger log = LoggerFactory.getLogger(AdminErrorAdvice.class);

    @ExceptionHandler(AdminException.class)
    ResponseEntity<String> admin(AdminException e) {
        // OpenAI's types: a refusal of an authenticated caller is a permission_error (as from the security chain)
        return body(e.status(), e.status() == 403 ? "permission_error" : "invalid_request_error", e.code(),
                e.getMessage());
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class,
            MissingServletRequestParameterException.class, IllegalArgumentException.class})
    ResponseEntity<String> badRequest(Exception e) {
        String message = e instanceof HttpMessageNotReadableException
                ? "The request body is not valid JSON for this endpoint."
                : e instanceof MissingServletRequestParameterException m
                        ? "Missing parameter " + m.getParameterName() + "."
                        : e instanceof MethodArgumentTypeMismatchException t
                                ? "Invalid value for parameter " + t.getName() + "."
                                : e.getMessage();
        return body(400, "invalid_request_error", "invalid_value", message);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<String> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(415, "invalid_request_error", "unsupported_media_type", "Send application/json.");
    }

    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<String> database(DataAccessException e) {
        log.warn("admin request failed on the database: {}", e.getMessage());
        return body(503, "server_error", "service_unavailable", "The database is unavailable; retry shortly.");
    }

    static ResponseEntity<String> body(int status, String type, String code, String message) {
        return ResponseEntity.status(HttpStatus.valueOf(status)).contentType(MediaType.APPLICATION_JSON)
                .body(OpenAiErrors.body(type, code, message, null));
    }
}
