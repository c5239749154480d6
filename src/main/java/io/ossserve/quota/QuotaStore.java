package io.ossserve.quota;

/**
 * Where quota counters live. Windows are fixed: the calendar minute (RPM, TPM) and the UTC day (TPD), both
 * derived from epoch milliseconds, so replicas agree on them. A limit of 0 means unlimited.
 */
interface QuotaStore {

    /** Counts one request in the minute window of {@code nowMs} unless that would exceed {@code limit}. */
    Window hitRequests(String tenant, long limit, long nowMs);

    /** The token window state without charging. */
    Window peekTokens(String tenant, long limit, long nowMs);

    /**
     * Charges {@code cost} tokens to both the minute and the day window, all or nothing.
     */
    Charge chargeTokens(String tenant, long cost, long perMinute, long perDay, long nowMs);

    /** Adds {@code delta} (negative = refund) to the windows a charge went to, if they still exist. */
    void adjustTokens(String tenant, long minuteWindow, long dayWindow, long delta);

    /** Takes a concurrency slot; slots older than {@code leaseMs} are considered abandoned. */
    boolean acquireSlot(String tenant, String ticket, int limit, long nowMs, long leaseMs);

    void releaseSlot(String tenant, String ticket);

    /** State of one window after an operation. {@code resetMs}: time until the window ends. */
    record Window(boolean allowed, long limit, long remaining, long resetMs) {}

    /** Outcome of a token charge; {@code dailyExceeded} tells which limit refused it. */
    record Charge(boolean allowed, boolean dailyExceeded, long minuteWindow, long dayWindow, Window minute,
            long dayResetMs) {}

    long MINUTE_MS = 60_000;
    long DAY_MS = 86_400_000;

    static long minute(long nowMs) {
        return nowMs / MINUTE_MS;
    }

    static long day(long nowMs) {
        return nowMs / DAY_MS;
    }

    static long minuteResetMs(long nowMs) {
        return MINUTE_MS - nowMs % MINUTE_MS;
    }

    static long dayResetMs(long nowMs) {
        return DAY_MS - nowMs % DAY_MS;
    }

    static long remaining(long limit, long used) {
        return limit <= 0 ? Integer.MAX_VALUE : Math.max(0, limit - used);
    }
}
