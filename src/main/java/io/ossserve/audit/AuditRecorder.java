package io.ossserve.audit;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The seam for code that produces audit information. Every /v1 and /admin HTTP call is recorded by the audit
 * filter on its own; the chat layer only adds what it alone knows through {@link #call(HttpServletRequest)}.
 */
public interface AuditRecorder {

    /** Records a complete event (asynchronously; never blocks on the database). */
    void record(AuditEvent event);

    /**
     * The pending record of the HTTP call {@code request} belongs to. Obtain it on the request thread; its setters
     * may then be called from any thread until the response completes. Outside an audited call it returns a
     * detached {@link AuditCall} whose data is discarded.
     */
    AuditCall call(HttpServletRequest request);
}
