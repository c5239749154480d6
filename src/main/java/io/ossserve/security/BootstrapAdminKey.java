package io.ossserve.security;

import io.ossserve.config.SecurityProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's admin credential, never stored in the database: from {@code OSS_SERVE_ADMIN_KEY}, else from
 * {@code oss-serve.security.admin-key-file}, else from {@code ${data-dir}/admin.key}, which is generated (mode
 * 0600) on first start and announced in the log. Only a salted hash is kept in memory.
 */
final class BootstrapAdminKey {
    static final String ENV = "OSS_SERVE_ADMIN_KEY";
    static final String KEY_ID = "bootstrap";
    static final int MIN_LENGTH = 32;
    private static final Logger log = LoggerFactory.getLogger(BootstrapAdminKey.class);

    private final String salt = ApiKeys.newSalt();
    private final String hash;
    private final String source;

    private BootstrapAdminKey(String key, String source) {
        if (key.length() < MIN_LENGTH) {
            throw new IllegalStateException("the admin key from " + source + " is shorter than " + MIN_LENGTH
                    + " characters; use a random key (e.g. openssl rand -base64 32)");
        }
        this.hash = ApiKeys.hash(salt, key);
        this.source = source;
    }

    static BootstrapAdminKey resolve(Map<String, String> env, SecurityProperties props, Path dataDir) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            log.info("Admin key: taken from the environment variable {}", ENV);
            return new BootstrapAdminKey(fromEnv.strip(), "environment variable " + ENV);
        }
        if (props.adminKeyFile() != null) {
            Path file = props.adminKeyFile();
            if (!Files.isReadable(file)) {
                throw new IllegalStateException("oss-serve.security.admin-key-file " + file + " is not readable");
            }
            log.info("Admin key: read from {}", file);
            return new BootstrapAdminKey(read(file), "file " + file);
        }
        Path file = dataDir.resolve("admin.key");
        if (Files.exists(file)) {
            log.info("Admin key: read from {} (generated on an earlier start)", file.toAbsolutePath());
            return new BootstrapAdminKey(read(file), "file " + file);
        }
        String key = ApiKeys.newKey("bootstrapadm");
        write(file, key);
        log.warn("Admin key: none configured, so one was generated and written to {} (mode 0600). Use it as "
                + "'Authorization: Bearer <key>' on /admin/** to create tenants and keys; set {} or "
                + "oss-serve.security.admin-key-file to provide your own.", file.toAbsolutePath(), ENV);
        return new BootstrapAdminKey(key, "file " + file);
    }

    boolean matches(String presented) {
        return ApiKeys.matches(salt, hash, presented);
    }

    String source() {
        return source;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read admin key file " + file, e);
        }
    }

    private static void write(Path file, String key) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
            Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(perms));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            if (posix) {
                Files.setPosixFilePermissions(file, perms);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("admin key file " + file + " appeared concurrently; restart", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write admin key file " + file, e);
        }
    }
}
