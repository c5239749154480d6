package io.ossserve.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Key format and hashing. A key is {@code oss_<id>_<secret>}: the 12-character id is the public lookup
 * prefix (shown in listings and audit records), the secret is 32 random bytes (base64url). Only
 * SHA-256(salt || key) with a random per-key salt is stored; since keys carry 256 bits of entropy a slow
 * password hash buys nothing and would cost milliseconds per request.
 */
final class ApiKeys {
    static final String PREFIX = "oss_";
    static final int ID_LENGTH = 12;
    private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    /** A new random key id. */
    static String newId() {
        char[] c = new char[ID_LENGTH];
        for (int i = 0; i < c.length; i++) {
            c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return new String(c);
    }

    /** A new key with the given id. */
    static String newKey(String id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    static String newSalt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return HexFormat.of().formatHex(salt);
    }

    /** The key id of a well-formed key, else null. */
    static String idOf(String key) {
        if (key == null || key.length() < PREFIX.length() + ID_LENGTH + 2 || !key.startsWith(PREFIX)
                || key.charAt(PREFIX.length() + ID_LENGTH) != '_') {
            return null;
        }
        String id = key.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9')) {
                return null;
            }
        }
        return id;
    }

    /** Hex SHA-256 of salt bytes followed by the key's UTF-8 bytes. */
    static String hash(String saltHex, String key) {
        MessageDigest sha = sha256();
        sha.update(HexFormat.of().parseHex(saltHex));
        sha.update(key.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Constant-time comparison of the stored hash with the hash of {@code presented}. */
    static boolean matches(String saltHex, String storedHashHex, String presented) {
        byte[] expected = HexFormat.of().parseHex(storedHashHex);
        byte[] actual = HexFormat.of().parseHex(hash(saltHex, presented));
        return MessageDigest.isEqual(expected, actual);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
