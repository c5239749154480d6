package io.ossserve.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated {@link TenantPrincipal}, whatever the credential was. */
final class TenantAuthentication extends AbstractAuthenticationToken {
    private final TenantPrincipal principal;

    TenantAuthentication(TenantPrincipal principal) {
        super(principal.roles().stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList());
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public TenantPrincipal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.tenantId() + "/" + (principal.keyId() != null ? principal.keyId() : principal.subject());
    }

}
