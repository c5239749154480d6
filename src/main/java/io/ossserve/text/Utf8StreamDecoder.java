package io.ossserve.text;

/**
 * Incremental UTF-8 → text. Bytes of an incomplete trailing character are held back until the character is
 * complete; every maximal invalid subsequence becomes one U+FFFD (the "maximal subpart" rule that Rust's
 * {@code from_utf8_lossy} and the harmony parser use). {@link #finish()} turns held-back bytes into U+FFFD.
 * Not thread-safe.
 */
public final class Utf8StreamDecoder {
    private static final char REPLACEMENT = '\uFFFD';

    private final byte[] pending = new byte[3];
    private int pendingLength;

    /** Decodes {@code bytes} after any held-back bytes; returns the text of all complete characters. */
    public String push(byte[] bytes) {
        return push(bytes, 0, bytes.length);
    }

    public String push(byte[] bytes, int offset, int length) {
        byte[] input;
        int from;
        int to;
        if (pendingLength == 0) {
            input = bytes;
            from = offset;
            to = offset + length;
        } else {
            input = new byte[pendingLength + length];
            System.arraycopy(pending, 0, input, 0, pendingLength);
            System.arraycopy(bytes, offset, input, pendingLength, length);
            from = 0;
            to = input.length;
            pendingLength = 0;
        }
        StringBuilder out = new StringBuilder(to - from);
        int heldFrom = decode(input, from, to, out, true);
        for (int i = heldFrom; i < to; i++) {
            pending[pendingLength++] = input[i];
        }
        return out.toString();
    }

    /** True when bytes of an incomplete character are held back. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    /** Ends the stream: held-back bytes (an incomplete character) become one U+FFFD. */
    public String finish() {
        if (pendingLength == 0) {
            return "";
        }
        pendingLength = 0;
        return String.valueOf(REPLACEMENT);
    }

    /** One-shot lossy decoding of a complete byte string. */
    public static String decodeLossy(byte[] bytes, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int heldFrom = decode(bytes, from, to, out, true);
        if (heldFrom < to) {
            out.append(REPLACEMENT);
        }
        return out.toString();
    }

    /**
     * Decodes {@code bytes[from, to)} into {@code out}; returns the index where an incomplete (but so far valid)
     * trailing sequence starts, or {@code to} when none is left.
     */
    static int decode(byte[] bytes, int from, int to, StringBuilder out, boolean holdIncompleteTail) {
        int i = from;
        while (i < to) {
            int b0 = bytes[i] & 0xff;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int needed;
            int lo = 0x80;
            int hi = 0xBF;
            int codePoint;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                needed = 1;
                codePoint = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                needed = 2;
                codePoint = b0 & 0x0F;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                needed = 3;
                codePoint = b0 & 0x07;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int j = i + 1;
            boolean invalid = false;
            for (int k = 0; k < needed; k++, j++) {
                if (j >= to) {
                    if (holdIncompleteTail) {
                        return i;
                    }
                    invalid = true;
                    break;
                }
                int b = bytes[j] & 0xff;
                int low = k == 0 ? lo : 0x80;
                int high = k == 0 ? hi : 0xBF;
                if (b < low || b > high) {
                    invalid = true;
                    break;
                }
                codePoint = (codePoint << 6) | (b & 0x3F);
            }
            if (invalid) {
                out.append(REPLACEMENT);
                i = j;
            } else {
                out.appendCodePoint(codePoint);
                i = j;
            }
        }
        return to;
    }
}
