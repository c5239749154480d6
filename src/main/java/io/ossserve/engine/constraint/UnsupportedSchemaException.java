package io.ossserve.engine.constraint;

/**
 * A JSON schema uses a keyword (or a keyword value) outside the subset that constrained decoding supports. The message
 * names the keyword and where it is, e.g. {@code unsupported keyword 'patternProperties' at #/properties/a}.
 */
public final class UnsupportedSchemaException extends IllegalArgumentException {
    private final String keyword;
    private final String path;

    UnsupportedSchemaException(String keyword, String path, String detail) {
        super("unsupported keyword '" + keyword + "' at " + path + (detail == null ? "" : ": " + detail));
        this.keyword = keyword;
        this.path = path;
    }

    /** The keyword, e.g. {@code patternProperties}. */
    public String keyword() {
        return keyword;
    }

    /** JSON pointer of the schema object holding it, e.g. {@code #/properties/a}. */
    public String path() {
        return path;
    }
}
