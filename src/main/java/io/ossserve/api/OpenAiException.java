package io.ossserve.api;

import org.springframework.http.HttpStatus;

/** An error answered with OpenAI's body {@code {"error": {message, type, param, code}}}. */
class OpenAiException extends RuntimeException {
    final HttpStatus status;
    final String type;
    final String param;
    final String code;

    OpenAiException(HttpStatus status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static OpenAiException invalid(String param, String message) {
        return new OpenAiException(HttpStatus.BAD_REQUEST, "invalid_request_error", message, param, null);
    }

    static OpenAiException modelNotFound(String model) {
        return new OpenAiException(HttpStatus.NOT_FOUND, "invalid_request_error",
                "The model '" + model + "' does not exist or you do not have access to it.", "model", "model_not_found");
    }
}
