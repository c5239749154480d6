package ossserve.testapp;

import io.ossserve.config.AuditProperties;
import io.ossserve.config.QuotaProperties;
import io.ossserve.config.ResilienceProperties;
import io.ossserve.config.SecurityProperties;
import io.ossserve.security.testapp.FakeV1Controller;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;

/**
 * The governance packages plus stand-ins for the /v1 endpoints, without the rest of the application (so these
 * tests never clash with the real /v1 controllers). It lives outside {@code io.ossserve} so that the whole
 * application's component scan (the other integration tests) never picks it up with its stand-in controller.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableConfigurationProperties({SecurityProperties.class, QuotaProperties.class, AuditProperties.class,
        ResilienceProperties.class})
@ComponentScan(basePackages = {"io.ossserve.security", "io.ossserve.quota", "io.ossserve.audit"},
        excludeFilters = {
                @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
                @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.ossserve\\..*\\.testapp\\..*")})
@Import(FakeV1Controller.class)
public class GovernanceTestApp {}
