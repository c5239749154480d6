package io.ossserve.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code x-request-id}: accepted from the client when it is a sane token (1-128 of {@code [A-Za-z0-9._:-]}),
 * otherwise minted as {@code req_<32 hex>}; echoed on the response, stored in the audit record, and available to
 * the chat layer (engine request id, logs) through {@link #of(HttpServletRequest)}.
 */
public final class RequestIds {
    public static final String HEADER = "x-request-id";
    public static final String ATTRIBUTE = RequestIds.class.getName();
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {}

    /** The id of this request (set by the audit filter; minted here if the filter did not run). */
    public static String of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof String id) {
            return id;
        }
        String id = accept(request.getHeader(HEADER));
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    static String accept(String header) {
        return header != null && VALID.matcher(header).matches() ? header : mint();
    }

    static String mint() {
        return "req_" + UUID.randomUUID().toString().replace("-", "");
    }
}
