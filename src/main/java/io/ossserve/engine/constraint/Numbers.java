package io.ossserve.engine.constraint;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers are generated as {@code -?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?} (no exponent, at most 15 integer digits and 6
 * decimals, so that a random model cannot write digits forever). Bounds are exact: a prefix is allowed only when some
 * completion of it lies within them.
 */
final class Numbers {
    static final int MAX_INT_DIGITS = 15;
    static final int MAX_FRAC_DIGITS = 6;

    private Numbers() {}

    /** Syntax of a prefix: 0 invalid, 1 valid prefix, 2 valid and complete. */
    static int syntax(String t, boolean integer) {
        int i = 0;
        int n = t.length();
        if (n == 0) {
            return 1;
        }
        if (t.charAt(0) == '-') {
            i = 1;
        }
        int intStart = i;
        while (i < n && Character.isDigit(t.charAt(i))) {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits > MAX_INT_DIGITS || (intDigits > 1 && t.charAt(intStart) == '0')) {
            return 0;
        }
        if (i == n) {
            return intDigits == 0 ? 1 : 2;
        }
        if (integer || t.charAt(i) != '.' || intDigits == 0) {
            return 0;
        }
        i++;
        int fracStart = i;
        while (i < n && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i != n || i - fracStart > MAX_FRAC_DIGITS) {
            return 0;
        }
        return i == fracStart ? 1 : 2;
    }

    static boolean unbounded(Shape.Num n) {
        return n.min == null && n.max == null;
    }

    /** The fewest characters that complete {@code t} to a number within bounds, or -1 when none exists. */
    static int minExtra(Shape.Num n, String t) {
        int syn = syntax(t, n.integer);
        if (syn == 0) {
            return -1;
        }
        if (unbounded(n)) {
            return syn == 2 ? 0 : 1;
        }
        for (int extra = 0; extra <= MAX_INT_DIGITS + MAX_FRAC_DIGITS + 3; extra++) {
            if (existsWithLength(n, t, extra)) {
                return extra;
            }
        }
        return -1;
    }

    /** Whether some complete number of exactly {@code t.length() + extra} characters, starting with t, fits. */
    private static boolean existsWithLength(Shape.Num n, String t, int extra) {
        if (t.isEmpty() && extra >= 2 && existsWithLength(n, "-", extra - 1)) {
            return true;
        }
        boolean neg = t.startsWith("-");
        String body = neg ? t.substring(1) : t;
        int dot = body.indexOf('.');
        if (dot >= 0) {
            int frac = body.length() - dot - 1 + extra;
            if (frac < 1 || frac > MAX_FRAC_DIGITS) {
                return false;
            }
            BigDecimal grid = BigDecimal.ONE.movePointLeft(frac);
            BigDecimal base = new BigDecimal(body.endsWith(".") ? body + "0" : body).setScale(frac, RoundingMode.UNNECESSARY);
            BigDecimal span = BigDecimal.ONE.movePointLeft(body.length() - dot - 1).subtract(grid);
            return fits(n, neg, base, base.add(span), grid);
        }
        // no dot yet: all-integer completions, or k more integer digits then '.' and f decimals
        for (int k = 0; k <= extra; k++) {
            int rest = extra - k;
            int f = rest == 0 ? 0 : rest - 1;
            if (rest == 1 || (f > 0 && n.integer) || f > MAX_FRAC_DIGITS) {
                continue;
            }
            int digits = body.length() + k;
            if (digits < 1 || digits > MAX_INT_DIGITS) {
                continue;
            }
            BigDecimal lo;
            BigDecimal hi;
            if (body.isEmpty()) {
                lo = digits == 1 ? BigDecimal.ZERO : BigDecimal.ONE.movePointRight(digits - 1);
                hi = BigDecimal.ONE.movePointRight(digits).subtract(BigDecimal.ONE);
            } else {
                if (body.equals("0") && k > 0) {
                    continue;
                }
                BigDecimal d = new BigDecimal(body);
                lo = d.movePointRight(k);
                hi = d.add(BigDecimal.ONE).movePointRight(k).subtract(BigDecimal.ONE);
            }
            BigDecimal grid = f == 0 ? BigDecimal.ONE : BigDecimal.ONE.movePointLeft(f);
            if (f > 0) {
                hi = hi.add(BigDecimal.ONE).subtract(grid);
            }
            if (fits(n, neg, lo, hi, grid)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a multiple of {@code grid} in [lo, hi] (negated when {@code neg}) lies within the bounds. */
    private static boolean fits(Shape.Num n, boolean neg, BigDecimal lo, BigDecimal hi, BigDecimal grid) {
        BigDecimal a = neg ? hi.negate() : lo;
        BigDecimal b = neg ? lo.negate() : hi;
        BigDecimal x = a;
        if (n.min != null) {
            BigDecimal m = n.min.divide(grid, 0, RoundingMode.CEILING).multiply(grid);
            if (n.minExclusive && m.compareTo(n.min) == 0) {
                m = m.add(grid);
            }
            x = x.max(m);
        }
        if (x.compareTo(b) > 0) {
            return false;
        }
        if (n.max != null) {
            int c = x.compareTo(n.max);
            return c < 0 || (c == 0 && !n.maxExclusive);
        }
        return true;
    }
}
