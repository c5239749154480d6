package io.ossserve.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The chain: {@code hash = SHA-256(prevHash, chainId, seq, every field of the event)}, each field written as its
 * length and UTF-8 bytes (null distinct from empty), so no two different records share a canonical form. The first
 * record of a chain links to {@link #GENESIS}.
 */
final class AuditHasher {
    static final String GENESIS = "0".repeat(64);

    private AuditHasher() {}

    static String hash(String prevHash, String chainId, long seq, AuditEvent e) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
        put(sha, prevHash);
        put(sha, chainId);
        put(sha, Long.toString(seq));
        put(sha, e.eventId());
        put(sha, Long.toString(e.timeMs()));
        put(sha, e.kind().name());
        put(sha, e.requestId());
        put(sha, e.tenantId());
        put(sha, e.keyId());
        put(sha, e.principal());
        put(sha, e.clientAddress());
        put(sha, e.method());
        put(sha, e.endpoint());
        put(sha, e.model());
        put(sha, Integer.toString(e.status()));
        put(sha, str(e.promptTokens()));
        put(sha, str(e.completionTokens()));
        put(sha, str(e.reasoningTokens()));
        put(sha, str(e.cachedTokens()));
        put(sha, str(e.latencyMs()));
        put(sha, str(e.ttftMs()));
        put(sha, e.finishReason());
        put(sha, String.join(",", e.tools()));
        put(sha, e.detail());
        put(sha, e.promptText());
        put(sha, e.completionText());
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static void put(MessageDigest sha, String s) {
        if (s == null) {
            sha.update((byte) 0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) 1);
        sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8),
                (byte) b.length});
        sha.update(b);
    }
}
