package io.ossserve.audit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable audit table. {@link #append} is only ever called by the single writer of this replica's chain; it
 * skips events already stored (by event id), so replays never duplicate.
 */
public class JdbcAuditStore {
    private static final String COLUMNS = "chain_id, seq, event_id, ts, kind, request_id, tenant_id, key_id, "
            + "principal, client_address, method, endpoint, model, status, prompt_tokens, completion_tokens, "
            + "reasoning_tokens, cached_tokens, latency_ms, ttft_ms, finish_reason, tools, detail, prompt_text, "
            + "completion_text, prev_hash, hash";

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate tx;
    private final String chainId;
    private long headSeq = -1; // unknown until read
    private String headHash;

    public JdbcAuditStore(JdbcTemplate jdbc, TransactionTemplate tx, String chainId) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.tx = tx;
        this.chainId = chainId;
    }

    public String chainId() {
        return chainId;
    }

    /** Appends events in order to this replica's chain, in one transaction. Returns how many were new. */
    public synchronized int append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        try {
            Integer n = tx.execute(status -> appendInTx(events));
            return n == null ? 0 : n;
        } catch (RuntimeException e) {
            headSeq = -1; // re-read the head after any failure: the commit may or may not have happened
            throw e;
        }
    }

    private int appendInTx(List<AuditEvent> events) {
        if (headSeq < 0) {
            List<Object[]> head = jdbc.query(
                    "SELECT seq, hash FROM audit_event WHERE chain_id = ? ORDER BY seq DESC LIMIT 1",
                    (rs, i) -> new Object[] {rs.getLong(1), rs.getString(2)}, chainId);
            headSeq = head.isEmpty() ? 0 : (Long) head.getFirst()[0];
            headHash = head.isEmpty() ? AuditHasher.GENESIS : (String) head.getFirst()[1];
        }
        Set<String> existing = new HashSet<>(named.queryForList(
                "SELECT event_id FROM audit_event WHERE event_id IN (:ids)",
                new MapSqlParameterSource("ids", events.stream().map(AuditEvent::eventId).toList()), String.class));
        List<StoredAuditEvent> rows = new ArrayList<>();
        long seq = headSeq;
        String prev = headHash;
        for (AuditEvent e : events) {
            if (existing.add(e.eventId())) {
                seq++;
                String hash = AuditHasher.hash(prev, chainId, seq, e);
                rows.add(new StoredAuditEvent(chainId, seq, e, prev, hash));
                prev = hash;
            }
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO audit_event (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows, rows.size(), JdbcAuditStore::bind);
        }
        headSeq = seq;
        headHash = prev;
        return rows.size();
    }

    private static void bind(PreparedStatement ps, StoredAuditEvent r) throws SQLException {
        AuditEvent e = r.event();
        int i = 1;
        ps.setString(i++, r.chainId());
        ps.setLong(i++, r.seq());
        ps.setString(i++, e.eventId());
        ps.setLong(i++, e.timeMs());
        ps.setString(i++, e.kind().name());
        ps.setString(i++, e.requestId());
        ps.setString(i++, e.tenantId());
        ps.setString(i++, e.keyId());
        ps.setString(i++, e.principal());
        ps.setString(i++, e.clientAddress());
        ps.setString(i++, e.method());
        ps.setString(i++, e.endpoint());
        ps.setString(i++, e.model());
        ps.setInt(i++, e.status());
        setInt(ps, i++, e.promptTokens());
        setInt(ps, i++, e.completionTokens());
        setInt(ps, i++, e.reasoningTokens());
        setInt(ps, i++, e.cachedTokens());
        setLong(ps, i++, e.latencyMs());
        setLong(ps, i++, e.ttftMs());
        ps.setString(i++, e.finishReason());
        ps.setString(i++, e.tools().isEmpty() ? null : String.join(",", e.tools()));
        ps.setString(i++, e.detail());
        ps.setString(i++, e.promptText());
        ps.setString(i++, e.completionText());
        ps.setString(i++, r.prevHash());
        ps.setString(i, r.hash());
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    static StoredAuditEvent row(ResultSet rs, int n) throws SQLException {
        String tools = rs.getString("tools");
        AuditEvent e = new AuditEvent(rs.getString("event_id"), rs.getLong("ts"),
                AuditKind.valueOf(rs.getString("kind")), rs.getString("request_id"), rs.getString("tenant_id"),
                rs.getString("key_id"), rs.getString("principal"), rs.getString("client_address"),
                rs.getString("method"), rs.getString("endpoint"), rs.getString("model"), rs.getInt("status"),
                rs.getObject("prompt_tokens", Integer.class), rs.getObject("completion_tokens", Integer.class),
                rs.getObject("reasoning_tokens", Integer.class), rs.getObject("cached_tokens", Integer.class),
                rs.getObject("latency_ms", Long.class), rs.getObject("ttft_ms", Long.class),
                rs.getString("finish_reason"), tools == null ? List.of() : Arrays.asList(tools.split(",")),
                rs.getString("detail"), rs.getString("prompt_text"), rs.getString("completion_text"));
        return new StoredAuditEvent(rs.getString("chain_id"), rs.getLong("seq"), e, rs.getString("prev_hash"),
                rs.getString("hash"));
    }

    /** Records of one tenant (or all, when null) in {@code [fromMs, toMs)}, oldest first, at most {@code limit}. */
    public List<StoredAuditEvent> query(String tenantId, long fromMs, long toMs, int limit) {
        MapSqlParameterSource p = new MapSqlParameterSource("from", fromMs).addValue("to", toMs)
                .addValue("tenant", tenantId).addValue("limit", limit);
        return named.query("SELECT * FROM audit_event WHERE ts >= :from AND ts < :to"
                + (tenantId != null ? " AND tenant_id = :tenant" : "") + " ORDER BY ts, chain_id, seq LIMIT :limit",
                p, JdbcAuditStore::row);
    }

    /** Streams matching records, oldest first (for JSON-lines export). */
    public void forEach(String tenantId, long fromMs, long toMs, Consumer<StoredAuditEvent> sink) {
        MapSqlParameterSource p = new MapSqlParameterSource("from", fromMs).addValue("to", toMs)
                .addValue("tenant", tenantId);
        int[] n = {0};
        named.query("SELECT * FROM audit_event WHERE ts >= :from AND ts < :to"
                + (tenantId != null ? " AND tenant_id = :tenant" : "") + " ORDER BY ts, chain_id, seq",
                p, rs -> {
                    sink.accept(row(rs, n[0]++));
                });
    }

    /** Number of records with this event id (test and replay checks). */
    public long count(String eventId) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE event_id = ?", Long.class, eventId);
        return n == null ? 0 : n;
    }

    /** Deletes records older than {@code cutoffMs}; the oldest remaining record of each chain becomes its anchor. */
    public int deleteOlderThan(long cutoffMs) {
        return jdbc.update("DELETE FROM audit_event WHERE ts < ?", cutoffMs);
    }

    /** Walks every chain and reports the first broken link. */
    public AuditVerification verify() {
        return AuditVerification.run(jdbc);
    }
}
