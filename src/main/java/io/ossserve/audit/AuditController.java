package io.ossserve.audit;

import io.ossserve.security.AdminException;
import io.ossserve.security.TenantContext;
import io.ossserve.security.TenantPrincipal;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Reading the audit trail. Admins: {@code /admin/audit/events|export|verify} for any tenant. Tenants:
 * {@code /tenant/audit/events|export} for their own records only (another tenant's: 403).
 * Time bounds are ISO-8601 instants or epoch milliseconds; {@code to} is exclusive.
 */
@RestController
class AuditController {
    private static final int MAX_LIMIT = 1000;
    private final JdbcAuditStore store;

    AuditController(JdbcAuditStore store) {
        this.store = store;
    }

    record EventPage(String object, List<StoredAuditEvent> data) {}

    @GetMapping("/admin/audit/events")
    EventPage adminEvents(@RequestParam(required = false) String tenant, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "100") int limit) {
        return new EventPage("list", store.query(tenant, time(from, 0), time(to, Long.MAX_VALUE), limit(limit)));
    }

    @GetMapping(value = "/admin/audit/export", produces = "application/x-ndjson")
    ResponseEntity<StreamingResponseBody> adminExport(@RequestParam(required = false) String tenant,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return export(tenant, time(from, 0), time(to, Long.MAX_VALUE));
    }

    @GetMapping("/admin/audit/verify")
    AuditVerification verify() {
        return store.verify();
    }

    @GetMapping("/tenant/audit/events")
    EventPage tenantEvents(@RequestParam(required = false) String tenant, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "100") int limit) {
        return new EventPage("list", store.query(ownTenant(tenant), time(from, 0), time(to, Long.MAX_VALUE),
                limit(limit)));
    }

    @GetMapping(value = "/tenant/audit/export", produces = "application/x-ndjson")
    ResponseEntity<StreamingResponseBody> tenantExport(@RequestParam(required = false) String tenant,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return export(ownTenant(tenant), time(from, 0), time(to, Long.MAX_VALUE));
    }

    private ResponseEntity<StreamingResponseBody> export(String tenant, long from, long to) {
        StreamingResponseBody body = out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            store.forEach(tenant, from, to, r -> {
                try {
                    w.write(AuditJson.line(r));
                    w.write('\n');
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            w.flush();
        };
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson")).body(body);
    }

    private static String ownTenant(String requested) {
        TenantPrincipal p = TenantContext.require();
        if (requested != null && !requested.equals(p.tenantId())) {
            throw new AdminException(403, "insufficient_permissions", "You can only read your own tenant's audit records.");
        }
        return p.tenantId();
    }

    private static int limit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
        return Math.min(limit, MAX_LIMIT);
    }

    static long time(String value, long dflt) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            return value.chars().allMatch(Character::isDigit) ? Long.parseLong(value) : Instant.parse(value).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("time must be ISO-8601 (2026-01-31T12:00:00Z) or epoch milliseconds");
        }
    }
}
