package io.ossserve.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to the {@code tenant} and {@code api_key} tables. */
@Repository
public class TenantRepository {
    private final JdbcClient jdbc;

    TenantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Tenant> findTenant(String id) {
        return jdbc.sql("SELECT * FROM tenant WHERE id = ?").param(id).query(TenantRepository::tenant).optional();
    }

    List<Tenant> listTenants() {
        return jdbc.sql("SELECT * FROM tenant ORDER BY id").query(TenantRepository::tenant).list();
    }

    long countTenants() {
        return jdbc.sql("SELECT COUNT(*) FROM tenant").query(Long.class).single();
    }

    void insertTenant(Tenant t) {
        TenantLimits l = t.limits();
        jdbc.sql("""
                INSERT INTO tenant (id, name, prompt_logging, disabled, requests_per_minute, tokens_per_minute,
                  tokens_per_day, max_concurrent, max_context_tokens, max_tokens_per_request, allowed_models,
                  created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""")
                .params(t.id(), t.name(), t.promptLogging(), t.disabled(), l.requestsPerMinute(), l.tokensPerMinute(),
                        l.tokensPerDay(), l.maxConcurrent(), l.maxContextTokens(), l.maxTokensPerRequest(),
                        joinModels(l.allowedModels()), t.createdAt(), t.updatedAt())
                .update();
    }

    void updateTenant(Tenant t) {
        TenantLimits l = t.limits();
        jdbc.sql("""
                UPDATE tenant SET name = ?, prompt_logging = ?, disabled = ?, requests_per_minute = ?,
                  tokens_per_minute = ?, tokens_per_day = ?, max_concurrent = ?, max_context_tokens = ?,
                  max_tokens_per_request = ?, allowed_models = ?, updated_at = ? WHERE id = ?""")
                .params(t.name(), t.promptLogging(), t.disabled(), l.requestsPerMinute(), l.tokensPerMinute(),
                        l.tokensPerDay(), l.maxConcurrent(), l.maxContextTokens(), l.maxTokensPerRequest(),
                        joinModels(l.allowedModels()), t.updatedAt(), t.id())
                .update();
    }

    Optional<ApiKeyRecord> findKey(String id) {
        return jdbc.sql("SELECT * FROM api_key WHERE id = ?").param(id).query(TenantRepository::key).optional();
    }

    List<ApiKeyRecord> listKeys(String tenantId) {
        return jdbc.sql("SELECT * FROM api_key WHERE tenant_id = ? ORDER BY created_at, id")
                .param(tenantId).query(TenantRepository::key).list();
    }

    void insertKey(ApiKeyRecord k) {
        jdbc.sql("""
                INSERT INTO api_key (id, tenant_id, name, role, salt, hash, created_at, expires_at, revoked_at,
                  replaced_by) VALUES (?,?,?,?,?,?,?,?,?,?)""")
                .params(k.id(), k.tenantId(), k.name(), k.role().name(), k.salt(), k.hash(), k.createdAt(),
                        k.expiresAt(), k.revokedAt(), k.replacedBy())
                .update();
    }

    void revokeKey(String id, long nowMs) {
        jdbc.sql("UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").params(nowMs, id).update();
    }

    void retireKey(String id, long expiresAtMs, String replacedBy) {
        jdbc.sql("UPDATE api_key SET expires_at = ?, replaced_by = ? WHERE id = ?")
                .params(expiresAtMs, replacedBy, id).update();
    }

    private static Tenant tenant(ResultSet rs, int row) throws SQLException {
        TenantLimits limits = new TenantLimits(
                rs.getObject("requests_per_minute", Long.class),
                rs.getObject("tokens_per_minute", Long.class),
                rs.getObject("tokens_per_day", Long.class),
                rs.getObject("max_concurrent", Integer.class),
                rs.getObject("max_context_tokens", Integer.class),
                rs.getObject("max_tokens_per_request", Integer.class),
                splitModels(rs.getString("allowed_models")));
        return new Tenant(rs.getString("id"), rs.getString("name"), rs.getBoolean("prompt_logging"),
                rs.getBoolean("disabled"), limits, rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static ApiKeyRecord key(ResultSet rs, int row) throws SQLException {
        return new ApiKeyRecord(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"),
                Role.valueOf(rs.getString("role")), rs.getString("salt"), rs.getString("hash"),
                rs.getLong("created_at"), rs.getObject("expires_at", Long.class),
                rs.getObject("revoked_at", Long.class), rs.getString("replaced_by"));
    }

    private static String joinModels(List<String> models) {
        return models == null ? null : String.join("\n", models);
    }

    private static List<String> splitModels(String s) {
        if (s == null) {
            return null;
        }
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }
}
