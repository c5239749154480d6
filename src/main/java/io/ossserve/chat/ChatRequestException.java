package io.ossserve.chat;

/** A client mistake found while preparing a call: HTTP 400 with the offending field. */
public class ChatRequestException extends RuntimeException {
    private final String param;
    private final String code;

    public ChatRequestException(String message, String param, String code) {
        super(message);
        this.param = param;
        this.code = code;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
