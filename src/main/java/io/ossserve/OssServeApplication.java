package io.ossserve;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The HTTP service. Started by {@code io.ossserve.cli.Main serve} (the default command). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OssServeApplication {
    public static void main(String[] args) {
        SpringApplication.run(OssServeApplication.class, args);
    }
}
