package io.ossserve.quota;

import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Quota counters in Redis, shared by all replicas. Every check-and-update is one Lua script, so it is atomic
 * across replicas. Keys carry the tenant in a hash tag ({@code {tenant}}) so a tenant's keys share a cluster slot,
 * and expire with their window.
 */
final class RedisQuotaStore implements QuotaStore {
    private static final RedisScript<List> HIT = script("""
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            local limit = tonumber(ARGV[1])
            if limit > 0 and used >= limit then return {0, used} end
            used = redis.call('INCR', KEYS[1])
            if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return {1, used}
            """);
    private static final RedisScript<List> CHARGE = script("""
            local cost = tonumber(ARGV[1])
            local perMinute = tonumber(ARGV[2])
            local perDay = tonumber(ARGV[3])
            local minuteUsed = tonumber(redis.call('GET', KEYS[1]) or '0')
            local dayUsed = tonumber(redis.call('GET', KEYS[2]) or '0')
            if perDay > 0 and dayUsed + cost > perDay then return {0, 1, minuteUsed} end
            if perMinute > 0 and minuteUsed + cost > perMinute then return {0, 0, minuteUsed} end
            minuteUsed = redis.call('INCRBY', KEYS[1], cost)
            redis.call('INCRBY', KEYS[2], cost)
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
            if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
            return {1, 0, minuteUsed}
            """);
    private static final RedisScript<Long> ADJUST = RedisScript.of("""
            for i = 1, 2 do
              if redis.call('EXISTS', KEYS[i]) == 1 then
                local v = redis.call('INCRBY', KEYS[i], ARGV[1])
                if v < 0 then redis.call('SET', KEYS[i], 0, 'KEEPTTL') end
              end
            end
            return 1
            """, Long.class);
    private static final RedisScript<Long> ACQUIRE = RedisScript.of("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
            local limit = tonumber(ARGV[3])
            if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final String prefix;

    RedisQuotaStore(StringRedisTemplate redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static RedisScript<List> script(String lua) {
        return new DefaultRedisScript<>(lua, List.class);
    }

    private String key(String tenant, String kind, long window) {
        return prefix + "{" + tenant + "}:" + kind + ":" + window;
    }

    @Override
    public Window hitRequests(String tenant, long limit, long nowMs) {
        long minute = QuotaStore.minute(nowMs);
        List<?> r = redis.execute(HIT, List.of(key(tenant, "rpm", minute)), Long.toString(limit),
                Long.toString(QuotaStore.MINUTE_MS * 2));
        boolean allowed = num(r, 0) == 1;
        return new Window(allowed, limit, QuotaStore.remaining(limit, num(r, 1)), QuotaStore.minuteResetMs(nowMs));
    }

    @Override
    public Window peekTokens(String tenant, long limit, long nowMs) {
        String v = redis.opsForValue().get(key(tenant, "tpm", QuotaStore.minute(nowMs)));
        long used = v == null ? 0 : Long.parseLong(v);
        return new Window(true, limit, QuotaStore.remaining(limit, used), QuotaStore.minuteResetMs(nowMs));
    }

    @Override
    public Charge chargeTokens(String tenant, long cost, long perMinute, long perDay, long nowMs) {
        long minute = QuotaStore.minute(nowMs);
        long day = QuotaStore.day(nowMs);
        List<?> r = redis.execute(CHARGE, List.of(key(tenant, "tpm", minute), key(tenant, "tpd", day)),
                Long.toString(cost), Long.toString(perMinute), Long.toString(perDay),
                Long.toString(QuotaStore.MINUTE_MS * 2), Long.toString(QuotaStore.DAY_MS + QuotaStore.MINUTE_MS));
        boolean allowed = num(r, 0) == 1;
        Window w = new Window(allowed, perMinute, QuotaStore.remaining(perMinute, num(r, 2)),
                QuotaStore.minuteResetMs(nowMs));
        return new Charge(allowed, num(r, 1) == 1, minute, day, w, QuotaStore.dayResetMs(nowMs));
    }

    @Override
    public void adjustTokens(String tenant, long minuteWindow, long dayWindow, long delta) {
        if (delta != 0) {
            redis.execute(ADJUST, List.of(key(tenant, "tpm", minuteWindow), key(tenant, "tpd", dayWindow)),
                    Long.toString(delta));
        }
    }

    @Override
    public boolean acquireSlot(String tenant, String ticket, int limit, long nowMs, long leaseMs) {
        Long r = redis.execute(ACQUIRE, List.of(prefix + "{" + tenant + "}:slots"), Long.toString(nowMs),
                Long.toString(leaseMs), Integer.toString(limit), ticket);
        return r != null && r == 1;
    }

    @Override
    public void releaseSlot(String tenant, String ticket) {
        redis.opsForZSet().remove(prefix + "{" + tenant + "}:slots", ticket);
    }

    private static long num(List<?> r, int i) {
        return r == null || r.size() <= i ? 0 : ((Number) r.get(i)).longValue();
    }
}
