package io.ossserve.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Result of walking the hash chains: {@code ok}, how many records and chains were checked and, if broken, the
 * first broken link (chain, seq, event id and why). The oldest remaining record of a chain is its anchor (older
 * records may have been removed by retention); from there every seq must follow and every hash must recompute.
 */
public record AuditVerification(boolean ok, long checked, int chains,
        @JsonProperty("first_broken") BrokenLink firstBroken) {

    public record BrokenLink(@JsonProperty("chain_id") String chainId, long seq,
            @JsonProperty("event_id") String eventId, String reason) {}

    static AuditVerification run(JdbcTemplate jdbc) {
        List<String> chains = jdbc.queryForList("SELECT DISTINCT chain_id FROM audit_event ORDER BY chain_id",
                String.class);
        long checked = 0;
        for (String chain : chains) {
            Walker w = new Walker();
            jdbc.query("SELECT * FROM audit_event WHERE chain_id = ? ORDER BY seq", rs -> {
                w.accept(JdbcAuditStore.row(rs, 0));
            }, chain);
            checked += w.checked;
            if (w.broken != null) {
                return new AuditVerification(false, checked, chains.size(), w.broken);
            }
        }
        return new AuditVerification(true, checked, chains.size(), null);
    }

    private static final class Walker {
        long checked;
        long lastSeq = -1;
        String lastHash;
        BrokenLink broken;

        void accept(StoredAuditEvent r) {
            if (broken != null) {
                return;
            }
            checked++;
            String expected = AuditHasher.hash(r.prevHash(), r.chainId(), r.seq(), r.event());
            if (lastSeq >= 0 && r.seq() != lastSeq + 1) {
                broken = link(r, "missing records: seq " + (lastSeq + 1) + " to " + (r.seq() - 1));
            } else if (lastSeq >= 0 && !r.prevHash().equals(lastHash)) {
                broken = link(r, "prev_hash does not match the hash of seq " + lastSeq);
            } else if (lastSeq < 0 && r.seq() == 1 && !r.prevHash().equals(AuditHasher.GENESIS)) {
                broken = link(r, "first record does not start from the genesis hash");
            } else if (!expected.equals(r.hash())) {
                broken = link(r, "record content does not match its hash (edited)");
            }
            lastSeq = r.seq();
            lastHash = r.hash();
        }

        private static BrokenLink link(StoredAuditEvent r, String reason) {
            return new BrokenLink(r.chainId(), r.seq(), r.event().eventId(), reason);
        }
    }
}
