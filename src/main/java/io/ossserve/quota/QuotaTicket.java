package io.ossserve.quota;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An admitted generation: holds a concurrency slot and a token pre-charge (prompt + max tokens). Call
 * {@link #settle} with the real usage when it is known, and {@link #close} when the generation ends (also on
 * errors and client disconnects). Thread-safe; both calls are idempotent. A ticket closed without settling keeps
 * its full pre-charge.
 */
public final class QuotaTicket implements AutoCloseable {
    private final QuotaStore store;
    private final String tenant;
    private final String id;
    private final long minuteWindow;
    private final long dayWindow;
    private final long preCharged;
    private final boolean slotHeld;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    QuotaTicket(QuotaStore store, String tenant, String id, long minuteWindow, long dayWindow, long preCharged,
            boolean slotHeld) {
        this.store = store;
        this.tenant = tenant;
        this.id = id;
        this.minuteWindow = minuteWindow;
        this.dayWindow = dayWindow;
        this.preCharged = preCharged;
        this.slotHeld = slotHeld;
    }

    /** Replaces the pre-charge with the tokens actually used (refund or, rarely, extra charge). */
    public void settle(long promptTokens, long completionTokens) {
        if (settled.compareAndSet(false, true)) {
            long delta = promptTokens + completionTokens - preCharged;
            if (delta != 0) {
                store.adjustTokens(tenant, minuteWindow, dayWindow, delta);
            }
        }
    }

    /** Releases the concurrency slot. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && slotHeld) {
            store.releaseSlot(tenant, id);
        }
    }

    public long preChargedTokens() {
        return preCharged;
    }

    public String tenantId() {
        return tenant;
    }
}
