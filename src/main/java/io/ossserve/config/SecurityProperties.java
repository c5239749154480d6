package io.ossserve.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code oss-serve.security}: API keys are always on; JWT is an additional mode. There is deliberately no
 * switch that turns authentication off.
 *
 * @param adminKeyFile    file holding the bootstrap admin key (e.g. a mounted Kubernetes Secret); the
 *                        environment variable {@code OSS_SERVE_ADMIN_KEY} wins over it; with neither, a key
 *                        is generated once into {@code ${oss-serve.data-dir}/admin.key} (mode 0600)
 * @param keyCacheTtl     how long a looked-up key/tenant is trusted before the database is asked again
 *                        (bounds how long a revocation takes to reach other replicas)
 * @param keyCacheStaleTtl how long a cached key keeps working while the database is unreachable
 * @param metricsPublic   serve /actuator/prometheus and /v1/metrics without authentication
 * @param authFailures    slow-down of addresses that keep failing authentication
 * @param jwt             OAuth2/OIDC bearer JWT mode
 */
@ConfigurationProperties("oss-serve.security")
public record SecurityProperties(
        Path adminKeyFile,
        @DefaultValue("5s") Duration keyCacheTtl,
        @DefaultValue("10m") Duration keyCacheStaleTtl,
        @DefaultValue("false") boolean metricsPublic,
        @DefaultValue AuthFailures authFailures,
        @DefaultValue Jwt jwt) {

    /**
     * @param maxFailures failed authentications from one client address within {@code window} before it is
     *                    throttled; 0 disables throttling (authentication itself stays on)
     * @param window      counting window
     * @param blockFor    how long a throttled address gets 429 for any credentialed request
     */
    public record AuthFailures(
            @DefaultValue("10") int maxFailures,
            @DefaultValue("60s") Duration window,
            @DefaultValue("60s") Duration blockFor) {}

    /**
     * @param enabled            accept JWTs besides API keys
     * @param issuer             required {@code iss}
     * @param jwkSetUri          URL of the issuer's JWK set (required when enabled)
     * @param audiences          accepted {@code aud} values (at least one must match; required when enabled)
     * @param tenantClaim        claim naming the tenant
     * @param rolesClaim         claim (string or list) holding roles
     * @param adminRole          role value in {@code rolesClaim} that grants the admin role
     * @param clockSkew          tolerated clock skew for {@code exp}/{@code nbf}
     * @param requireKnownTenant reject tokens whose tenant is not registered (else default quotas apply)
     */
    public record Jwt(
            @DefaultValue("false") boolean enabled,
            String issuer,
            String jwkSetUri,
            @DefaultValue List<String> audiences,
            @DefaultValue("tenant") String tenantClaim,
            @DefaultValue("roles") String rolesClaim,
            @DefaultValue("oss-serve-admin") String adminRole,
            @DefaultValue("30s") Duration clockSkew,
            @DefaultValue("true") boolean requireKnownTenant) {}
}
