package io.ossserve.api;

import io.ossserve.chat.ChatRequestException;
import io.ossserve.chat.ModelNotReadyException;
import io.ossserve.engine.EngineOverloadedException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one place HTTP errors of the API are shaped: always {@code {"error": {message, type, param, code}}}, never a
 * stack trace, 4xx for client mistakes (naming the field), 503 + Retry-After when overloaded or loading.
 */
@RestControllerAdvice
class OpenAiErrorAdvice {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiErrorAdvice.class);

    static ResponseEntity<ErrorBody> body(HttpStatus status, String type, String message, String param, String code) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(ErrorBody.of(message, type, param, code));
    }

    @ExceptionHandler(OpenAiException.class)
    ResponseEntity<ErrorBody> openAi(OpenAiException e) {
        return body(e.status, e.type, e.getMessage(), e.param, e.code);
    }

    @ExceptionHandler(ChatRequestException.class)
    ResponseEntity<ErrorBody> chatRequest(ChatRequestException e) {
        return body(HttpStatus.BAD_REQUEST, "invalid_request_error", e.getMessage(), e.param(), e.code());
    }

    @ExceptionHandler(EngineOverloadedException.class)
    ResponseEntity<ErrorBody> overloaded(EngineOverloadedException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()))
                .header("retry-after-ms", Long.toString(e.retryAfterSeconds() * 1000L))
                .contentType(MediaType.APPLICATION_JSON)
                .body(ErrorBody.of("The server is overloaded: " + e.getMessage() + ". Retry after "
                        + e.retryAfterSeconds() + " s.", "server_overloaded", null, "server_overloaded"));
    }

    @ExceptionHandler(ModelNotReadyException.class)
    ResponseEntity<ErrorBody> notReady(ModelNotReadyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .contentType(MediaType.APPLICATION_JSON)
                .body(ErrorBody.of(e.getMessage(), "service_unavailable", null, "model_not_ready"));
    }

    @ExceptionHandler(BodySizeLimit.TooLargeException.class)
    ResponseEntity<ErrorBody> tooLarge(BodySizeLimit.TooLargeException e) {
        return body(HttpStatus.PAYLOAD_TOO_LARGE, "invalid_request_error", e.getMessage(), null, "request_too_large");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof BodySizeLimit.TooLargeException tl) {
            return tooLarge(tl);
        }
        String detail = cause == null || cause == e ? "" : ": " + firstLine(cause.getMessage());
        return body(HttpStatus.BAD_REQUEST, "invalid_request_error",
                "We could not parse the JSON body of your request" + detail, null, "invalid_json");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "invalid_request_error",
                "Content-Type must be application/json", null, "unsupported_media_type");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ErrorBody> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return body(HttpStatus.NOT_ACCEPTABLE, "invalid_request_error", "Not acceptable: " + e.getMessage(), null, null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "invalid_request_error",
                "Method " + e.getMethod() + " is not allowed here", null, "method_not_allowed");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorBody> notFound(NoResourceFoundException e) {
        return body(HttpStatus.NOT_FOUND, "invalid_request_error", "Unknown endpoint /" + e.getResourcePath(), null,
                "unknown_url");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> internal(Exception e, HttpServletRequest request) {
        LOG.error("internal error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "server_error",
                "The server had an error while processing your request (" + e.getClass().getSimpleName() + ")", null,
                "internal_error");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
