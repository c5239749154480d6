package io.ossserve.security;

import io.ossserve.config.SecurityProperties;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * The JWT mode: a Nimbus decoder on the configured JWK set (signed tokens only, so {@code alg: none} never
 * parses), with issuer, audience and expiry (required, with clock skew) validated, and the tenant taken from a
 * configurable claim.
 */
final class JwtAuthentication {
    private JwtAuthentication() {}

    static AuthenticationProvider provider(SecurityProperties.Jwt cfg, TenantDirectory directory) {
        if (cfg.issuer() == null || cfg.issuer().isBlank() || cfg.jwkSetUri() == null || cfg.jwkSetUri().isBlank()
                || cfg.audiences().isEmpty()) {
            throw new IllegalStateException("oss-serve.security.jwt.enabled=true needs issuer, jwk-set-uri and "
                    + "at least one entry in audiences");
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(cfg.jwkSetUri())
                .jwsAlgorithms(algs -> algs.addAll(List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
                        SignatureAlgorithm.RS512, SignatureAlgorithm.ES256, SignatureAlgorithm.ES384,
                        SignatureAlgorithm.PS256)))
                .build();
        decoder.setJwtValidator(validator(cfg));
        return provider(decoder, cfg, directory);
    }

    static AuthenticationProvider provider(JwtDecoder decoder, SecurityProperties.Jwt cfg, TenantDirectory directory) {
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
        provider.setJwtAuthenticationConverter(jwt -> new TenantAuthentication(principal(jwt, cfg, directory)));
        return provider;
    }

    static OAuth2TokenValidator<Jwt> validator(SecurityProperties.Jwt cfg) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(cfg.clockSkew());
        OAuth2TokenValidator<Jwt> expRequired = jwt -> jwt.getExpiresAt() != null
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "exp claim is required", null));
        OAuth2TokenValidator<Jwt> audience = jwt -> {
            List<String> aud = jwt.getAudience();
            return aud != null && aud.stream().anyMatch(cfg.audiences()::contains)
                    ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "audience not accepted", null));
        };
        return new DelegatingOAuth2TokenValidator<>(
                List.of(new JwtIssuerValidator(cfg.issuer()), timestamps, expRequired, audience));
    }

    static TenantPrincipal principal(Jwt jwt, SecurityProperties.Jwt cfg, TenantDirectory directory) {
        String tenantId = jwt.getClaimAsString(cfg.tenantClaim());
        if (tenantId == null || tenantId.isBlank()) {
            throw new InvalidBearerTokenException("token has no " + cfg.tenantClaim() + " claim");
        }
        boolean promptLogging = false;
        var tenant = directory.tenant(tenantId);
        if (tenant.isPresent()) {
            if (tenant.get().disabled()) {
                throw new InvalidBearerTokenException("tenant is disabled");
            }
            promptLogging = tenant.get().promptLogging();
        } else if (cfg.requireKnownTenant()) {
            throw new InvalidBearerTokenException("unknown tenant");
        }
        Set<Role> roles = EnumSet.of(Role.TENANT);
        if (rolesOf(jwt.getClaim(cfg.rolesClaim())).contains(cfg.adminRole())) {
            roles.add(Role.ADMIN);
        }
        String subject = jwt.getClaimAsString(JwtClaimNames.SUB);
        return new TenantPrincipal(tenantId, null, subject != null ? subject : "jwt", roles, promptLogging,
                TenantPrincipal.AuthMethod.JWT);
    }

    private static List<String> rolesOf(Object claim) {
        List<String> roles = new ArrayList<>();
        if (claim instanceof String s) {
            roles.addAll(List.of(s.split("[ ,]+")));
        } else if (claim instanceof Collection<?> c) {
            c.forEach(o -> roles.add(String.valueOf(o)));
        }
        return roles;
    }
}
