package io.ossserve.quota;

/** Request attributes the quota layer leaves for the audit filter. */
public final class QuotaAttributes {
    /** String: code of a quota rejection ({@code rate_limit_exceeded}, {@code insufficient_quota}, ...). */
    public static final String REJECTION = "io.ossserve.quota.rejection";

    private QuotaAttributes() {}
}
