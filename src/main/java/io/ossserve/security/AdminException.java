package io.ossserve.security;

/** A client mistake on the admin API, answered with an OpenAI-shaped error body. */
public class AdminException extends RuntimeException {
    private final int status;
    private final String code;

    public AdminException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static AdminException notFound(String what) {
        return new AdminException(404, "not_found", what + " not found");
    }

    static AdminException badRequest(String message) {
        return new AdminException(400, "invalid_value", message);
    }
}
