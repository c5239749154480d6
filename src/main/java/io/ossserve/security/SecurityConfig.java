package io.ossserve.security;

import io.ossserve.config.SecurityProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The one security filter chain. Public: {@code /v1/health/**}, {@code /actuator/health/**} and {@code /error}
 * only (plus metrics when {@code metrics-public}); {@code /admin/**} needs the admin role; everything else
 * needs an authenticated tenant. Stateless bearer authentication, no sessions, no cookies, no CSRF surface,
 * no form or basic login, no default user.
 */
@Configuration
@EnableWebSecurity
class SecurityConfig {

    /**
     * No Micrometer observation per security filter, authentication and authorization: on the request path they cost
     * more CPU than the authentication itself (seen in a JFR profile of the streaming path). {@code
     * http_server_requests_seconds} (one observation per request) and the audit trail still cover every call.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    BootstrapAdminKey bootstrapAdminKey(SecurityProperties props, @Value("${oss-serve.data-dir:./data}") Path dataDir) {
        return BootstrapAdminKey.resolve(System.getenv(), props, dataDir);
    }

    @Bean
    AuthenticationManagerResolver<HttpServletRequest> bearerAuthenticationManagerResolver(
            ApiKeyService apiKeys, TenantDirectory directory, AuthFailureThrottle throttle, SecurityProperties props) {
        AuthenticationProvider jwt = props.jwt().enabled() ? JwtAuthentication.provider(props.jwt(), directory) : null;
        return new BearerAuthenticationManager(apiKeys, jwt, throttle);
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, SecurityProperties props,
            AuthenticationManagerResolver<HttpServletRequest> resolver, AuthFailureThrottle throttle) throws Exception {
        OpenAiAuthErrorHandlers errors = new OpenAiAuthErrorHandlers();
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors))
                .oauth2ResourceServer(o -> o.authenticationManagerResolver(resolver)
                        .authenticationEntryPoint(errors)
                        .accessDeniedHandler(errors))
                .addFilterBefore(new AuthThrottleFilter(throttle), BearerTokenAuthenticationFilter.class)
                .authorizeHttpRequests(a -> {
                    a.requestMatchers("/v1/health/**", "/actuator/health", "/actuator/health/**", "/error").permitAll();
                    if (props.metricsPublic()) {
                        a.requestMatchers("/actuator/prometheus", "/v1/metrics").permitAll();
                    }
                    a.requestMatchers("/admin/**").hasRole(Role.ADMIN.name());
                    a.anyRequest().hasRole(Role.TENANT.name());
                });
        return http.build();
    }
}
