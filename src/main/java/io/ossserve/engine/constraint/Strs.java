package io.ossserve.engine.constraint;

/**
 * Free strings byte by byte: strict UTF-8 (no overlong forms, no surrogates), JSON escapes (backslash-u escapes outside the
 * surrogate range), no raw control characters, and length bounds counted in code points.
 *
 * <p>UTF-8 states: 0 at a code point boundary; 1/2/3 need that many bytes 80..BF; 4: after E0 (next A0..BF, then 1);
 * 5: after ED (next 80..9F, then 1); 6: after F0 (next 90..BF, then 2); 7: after F4 (next 80..8F, then 2). Escape
 * states: 0 none; 1 after a backslash; 2..5 expecting the 1st..4th hex digit of backslash-u; 6 expecting the 2nd hex
 * digit after a {@code d}/{@code D} (0..7 only).
 */
final class Strs {
    private Strs() {}

    static Pda.Stack step(Pda.Str f, Pda.Stack rest, int b) {
        Shape.Str s = f.s();
        int chars = f.chars();
        if (f.esc() == 1) {
            if ("\"\\/bfnrt".indexOf(b) >= 0 && b < 128) {
                return rest.push(new Pda.Str(s, chars, 0, 0));
            }
            return b == 'u' ? rest.push(new Pda.Str(s, chars, 0, 2)) : null;
        }
        if (f.esc() >= 2) {
            boolean hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
            if (!hex) {
                return null;
            }
            int next;
            if (f.esc() == 2) {
                next = b == 'd' || b == 'D' ? 6 : 3;
            } else if (f.esc() == 6) {
                if (b > '7') {
                    return null;
                }
                next = 4;
            } else {
                next = f.esc() == 5 ? 0 : f.esc() + 1;
            }
            return rest.push(new Pda.Str(s, chars, 0, next));
        }
        int u = f.utf8();
        if (u != 0) {
            int lo = 0x80;
            int hi = 0xBF;
            int after;
            switch (u) {
                case 1 -> after = 0;
                case 2 -> after = 1;
                case 3 -> after = 2;
                case 4 -> { lo = 0xA0; after = 1; }
                case 5 -> { hi = 0x9F; after = 1; }
                case 6 -> { lo = 0x90; after = 2; }
                default -> { hi = 0x8F; after = 2; }
            }
            return b >= lo && b <= hi ? rest.push(new Pda.Str(s, chars, after, 0)) : null;
        }
        if (b == '"') {
            return chars >= s.minLength ? rest : null;
        }
        if (b < 0x20 || chars >= s.maxLength) {
            return null;
        }
        if (b == '\\') {
            return rest.push(new Pda.Str(s, chars + 1, 0, 1));
        }
        int next = lead(b);
        return next < 0 ? null : rest.push(new Pda.Str(s, chars + 1, next, 0));
    }

    /** The UTF-8 state after a first byte (0 for ASCII), or -1 when it cannot start a code point. */
    static int lead(int b) {
        if (b < 0x80) {
            return 0;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            return 1;
        }
        if (b == 0xE0) {
            return 4;
        }
        if (b == 0xED) {
            return 5;
        }
        if (b >= 0xE1 && b <= 0xEF) {
            return 2;
        }
        if (b == 0xF0) {
            return 6;
        }
        if (b >= 0xF1 && b <= 0xF3) {
            return 3;
        }
        return b == 0xF4 ? 7 : -1;
    }

    static long minClose(Pda.Str f) {
        int pending = switch (f.utf8()) {
            case 0 -> 0;
            case 1 -> 1;
            case 2, 4, 5 -> 2;
            default -> 3;
        };
        int esc = switch (f.esc()) {
            case 0 -> 0;
            case 1 -> 1;
            case 6 -> 3;
            default -> 6 - f.esc();
        };
        return 1L + pending + esc + Math.max(0, f.s().minLength - f.chars());
    }
}
