package io.ossserve.audit;

/** What an audit record is about. */
public enum AuditKind {
    /** A /v1 call that passed authentication and quota (whatever its status). */
    API_CALL,
    /** Missing, wrong, expired or revoked credentials, a forbidden path, or a throttled address. */
    AUTH_FAILURE,
    /** A request refused by a quota (429). */
    QUOTA_REJECTION,
    /** Any /admin call by an admin. */
    ADMIN_ACTION,
    /** A record written by code outside an HTTP call (e.g. the CLI). */
    SYSTEM
}
