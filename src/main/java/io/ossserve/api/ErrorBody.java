package io.ossserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** OpenAI's error body. {@code param} and {@code code} are always present (null when not applicable). */
record ErrorBody(Detail error) {
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Detail(String message, String type, String param, String code) {}

    static ErrorBody of(String message, String type, String param, String code) {
        return new ErrorBody(new Detail(message, type, param, code));
    }
}
