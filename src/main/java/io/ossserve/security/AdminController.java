package io.ossserve.security;

import io.ossserve.security.AdminDtos.CreateKey;
import io.ossserve.security.AdminDtos.CreateTenant;
import io.ossserve.security.AdminDtos.IssuedKeyView;
import io.ossserve.security.AdminDtos.KeyView;
import io.ossserve.security.AdminDtos.ListOf;
import io.ossserve.security.AdminDtos.RotateKey;
import io.ossserve.security.AdminDtos.UpdateTenant;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /admin/tenants/**}: tenants, their quota settings and their API keys (admin role only). */
@RestController
@RequestMapping("/admin/tenants")
class AdminController {
    private final TenantService tenants;
    private final ApiKeyService keys;
    private final Clock clock;

    AdminController(TenantService tenants, ApiKeyService keys, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.clock = clock;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Tenant create(@RequestBody CreateTenant body, HttpServletRequest request) {
        Tenant t = tenants.create(body.id(), body.name(), Boolean.TRUE.equals(body.promptLogging()), body.limits());
        action(request, "created tenant " + t.id());
        return t;
    }

    @GetMapping
    ListOf<Tenant> list() {
        return ListOf.of(tenants.list());
    }

    @GetMapping("/{id}")
    Tenant get(@PathVariable String id) {
        return tenants.get(id);
    }

    @PatchMapping("/{id}")
    Tenant update(@PathVariable String id, @RequestBody UpdateTenant body, HttpServletRequest request) {
        Tenant t = tenants.update(id, body.name(), body.promptLogging(), body.disabled(), body.limits());
        action(request, "updated tenant " + id);
        return t;
    }

    @PostMapping("/{id}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    IssuedKeyView createKey(@PathVariable String id, @RequestBody(required = false) CreateKey body,
            HttpServletRequest request) {
        tenants.get(id);
        CreateKey b = body != null ? body : new CreateKey(null, null, null);
        Role role = parseRole(b.role());
        Long expiresAt = null;
        if (b.expiresInSeconds() != null) {
            if (b.expiresInSeconds() <= 0) {
                throw AdminException.badRequest("expires_in_seconds must be > 0");
            }
            expiresAt = clock.millis() + b.expiresInSeconds() * 1000;
        }
        ApiKeyService.IssuedKey k = keys.create(id, b.name() == null || b.name().isBlank() ? "key" : b.name(), role,
                expiresAt);
        action(request, "created " + role.name().toLowerCase(Locale.ROOT) + " key " + k.record().id() + " for tenant " + id);
        return IssuedKeyView.of(k);
    }

    @GetMapping("/{id}/keys")
    ListOf<KeyView> listKeys(@PathVariable String id) {
        tenants.get(id);
        return ListOf.of(keys.list(id).stream().map(KeyView::of).toList());
    }

    @PostMapping("/{id}/keys/{keyId}/revoke")
    KeyView revoke(@PathVariable String id, @PathVariable String keyId, HttpServletRequest request) {
        ApiKeyRecord k = key(id, keyId);
        keys.revoke(k);
        action(request, "revoked key " + keyId + " of tenant " + id);
        return KeyView.of(key(id, keyId));
    }

    @PostMapping("/{id}/keys/{keyId}/rotate")
    IssuedKeyView rotate(@PathVariable String id, @PathVariable String keyId,
            @RequestBody(required = false) RotateKey body, HttpServletRequest request) {
        ApiKeyRecord k = key(id, keyId);
        if (!k.usableAt(clock.millis())) {
            throw new AdminException(409, "key_not_active", "key " + keyId + " is revoked or expired");
        }
        long overlap = body != null && body.overlapSeconds() != null ? body.overlapSeconds() : 3600;
        if (overlap < 0) {
            throw AdminException.badRequest("overlap_seconds must be >= 0");
        }
        ApiKeyService.IssuedKey fresh = keys.rotate(k, Duration.ofSeconds(overlap));
        action(request, "rotated key " + keyId + " of tenant " + id + " to " + fresh.record().id());
        return IssuedKeyView.of(fresh);
    }

    private ApiKeyRecord key(String tenantId, String keyId) {
        return keys.list(tenantId).stream().filter(k -> k.id().equals(keyId)).findFirst()
                .orElseThrow(() -> AdminException.notFound("key " + keyId + " of tenant " + tenantId));
    }

    private static Role parseRole(String role) {
        if (role == null || role.isBlank() || role.equalsIgnoreCase("tenant")) {
            return Role.TENANT;
        }
        if (role.equalsIgnoreCase("admin")) {
            return Role.ADMIN;
        }
        throw AdminException.badRequest("role must be tenant or admin");
    }

    private static void action(HttpServletRequest request, String description) {
        request.setAttribute(SecurityAttributes.ADMIN_ACTION, description);
    }
}
