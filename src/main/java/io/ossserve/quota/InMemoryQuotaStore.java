package io.ossserve.quota;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Quota counters of this replica only (the default, and the fallback while Redis is down). */
final class InMemoryQuotaStore implements QuotaStore {
    private static final class State {
        long minute = -1;
        long requests;
        long minuteTokens;
        long day = -1;
        long dayTokens;
        final Map<String, Long> slots = new HashMap<>();

        void roll(long nowMs) {
            long m = QuotaStore.minute(nowMs);
            if (m != minute) {
                minute = m;
                requests = 0;
                minuteTokens = 0;
            }
            long d = QuotaStore.day(nowMs);
            if (d != day) {
                day = d;
                dayTokens = 0;
            }
        }
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    private State state(String tenant) {
        return states.computeIfAbsent(tenant, t -> new State());
    }

    @Override
    public Window hitRequests(String tenant, long limit, long nowMs) {
        State s = state(tenant);
        synchronized (s) {
            s.roll(nowMs);
            boolean allowed = limit <= 0 || s.requests < limit;
            if (allowed) {
                s.requests++;
            }
            return new Window(allowed, limit, QuotaStore.remaining(limit, s.requests), QuotaStore.minuteResetMs(nowMs));
        }
    }

    @Override
    public Window peekTokens(String tenant, long limit, long nowMs) {
        State s = state(tenant);
        synchronized (s) {
            s.roll(nowMs);
            return new Window(true, limit, QuotaStore.remaining(limit, s.minuteTokens), QuotaStore.minuteResetMs(nowMs));
        }
    }

    @Override
    public Charge chargeTokens(String tenant, long cost, long perMinute, long perDay, long nowMs) {
        State s = state(tenant);
        synchronized (s) {
            s.roll(nowMs);
            boolean dayOk = perDay <= 0 || s.dayTokens + cost <= perDay;
            boolean minuteOk = perMinute <= 0 || s.minuteTokens + cost <= perMinute;
            boolean allowed = dayOk && minuteOk;
            if (allowed) {
                s.minuteTokens += cost;
                s.dayTokens += cost;
            }
            Window w = new Window(allowed, perMinute, QuotaStore.remaining(perMinute, s.minuteTokens),
                    QuotaStore.minuteResetMs(nowMs));
            return new Charge(allowed, !dayOk, s.minute, s.day, w, QuotaStore.dayResetMs(nowMs));
        }
    }

    @Override
    public void adjustTokens(String tenant, long minuteWindow, long dayWindow, long delta) {
        State s = state(tenant);
        synchronized (s) {
            if (s.minute == minuteWindow) {
                s.minuteTokens = Math.max(0, s.minuteTokens + delta);
            }
            if (s.day == dayWindow) {
                s.dayTokens = Math.max(0, s.dayTokens + delta);
            }
        }
    }

    @Override
    public boolean acquireSlot(String tenant, String ticket, int limit, long nowMs, long leaseMs) {
        State s = state(tenant);
        synchronized (s) {
            s.slots.values().removeIf(t -> nowMs - t > leaseMs);
            if (limit > 0 && s.slots.size() >= limit) {
                return false;
            }
            s.slots.put(ticket, nowMs);
            return true;
        }
    }

    @Override
    public void releaseSlot(String tenant, String ticket) {
        State s = state(tenant);
        synchronized (s) {
            s.slots.remove(ticket);
        }
    }
}
