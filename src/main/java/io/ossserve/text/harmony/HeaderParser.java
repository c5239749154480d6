package io.ossserve.text.harmony;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses a decoded message header such as {@code assistant<|channel|>commentary to=functions.x <|constrain|>json}
 * (spec §5.11), tolerating the quirks of §8: recipient before or after the channel, no space before
 * {@code <|constrain|>}, and a constraint without a recipient (which the reference misreads as a recipient).
 */
final class HeaderParser {
    static final String CHANNEL_MARK = "<|channel|>";
    static final String CONSTRAIN_MARK = "<|constrain|>";

    private HeaderParser() {}

    /** A parsed header; {@code problems} lists what did not fit (strict mode turns the first into an error). */
    record Header(Author author, String channel, String recipient, String contentType, List<String> problems) {}

    /**
     * @param text      the decoded header (specials as their names)
     * @param knownRole the role when the prompt already rendered it ({@code <|start|>assistant}), else null
     * @param fallback  role to assume when none can be read (non-strict recovery)
     */
    static Header parse(String text, Role knownRole, Role fallback) {
        List<String> problems = new ArrayList<>();
        String channel = null;
        int mark = text.indexOf(CHANNEL_MARK);
        if (mark >= 0) {
            int from = mark + CHANNEL_MARK.length();
            int to = from;
            while (to < text.length() && !Character.isWhitespace(text.charAt(to)) && text.charAt(to) != '<') {
                to++;
            }
            channel = text.substring(from, to);
            if (channel.isEmpty()) {
                problems.add("empty channel name after <|channel|>");
                channel = null;
            }
            text = text.substring(0, mark) + " " + text.substring(to);
            if (text.contains(CHANNEL_MARK)) {
                problems.add("more than one <|channel|> in the header");
                text = text.replace(CHANNEL_MARK, " ");
            }
        }
        text = text.strip().replace(CONSTRAIN_MARK, " " + CONSTRAIN_MARK);
        List<String> words = new ArrayList<>();
        for (String word : text.split("[ \\t\\n\\r\\f]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }

        Author author;
        if (knownRole != null) {
            author = Author.of(knownRole);
            if (!words.isEmpty() && roleWord(words.getFirst()).filter(a -> a.role() == knownRole).isPresent()) {
                author = roleWord(words.removeFirst()).orElseThrow();
            }
        } else if (words.isEmpty() || words.getFirst().startsWith("to=")) {
            problems.add("header has no role");
            author = Author.of(fallback);
        } else {
            String first = words.removeFirst();
            author = roleWord(first).orElseGet(() -> Author.tool(first));
        }

        String contentType = null;
        for (int i = words.size() - 1; i >= 0; i--) {
            if (words.get(i).startsWith(CONSTRAIN_MARK)) {
                if (contentType != null) {
                    problems.add("more than one <|constrain|> in the header");
                }
                contentType = words.remove(i);
            }
        }
        String recipient = null;
        if (!words.isEmpty()) {
            String last = words.getLast();
            if (last.startsWith("to=")) {
                recipient = words.removeLast().substring(3);
            } else if (words.size() == 1) {
                recipient = words.removeLast();
            } else if (contentType == null) {
                contentType = words.removeLast();
                String previous = words.removeLast();
                recipient = previous.startsWith("to=") ? previous.substring(3) : previous;
            }
        }
        if (!words.isEmpty()) {
            problems.add("unexpected words in the header: " + String.join(" ", words));
        }
        if (recipient != null && recipient.isEmpty()) {
            problems.add("empty recipient after to=");
            recipient = null;
        }
        return new Header(author, channel, recipient, contentType, problems);
    }

    /** {@code assistant} → assistant; {@code user:alice} → user named alice; anything else → empty. */
    static Optional<Author> roleWord(String word) {
        int colon = word.indexOf(':');
        String roleName = colon < 0 ? word : word.substring(0, colon);
        return Role.fromWireName(roleName).filter(r -> r != Role.TOOL)
                .map(r -> new Author(r, colon < 0 ? null : word.substring(colon + 1)));
    }

    /**
     * Recovery for a header that never got {@code <|message|>} (non-strict): the channel is read as usual, a
     * leading role word and {@code to=} recipient are taken, and all remaining text becomes content verbatim.
     */
    record Salvage(Author author, String channel, String recipient, String content) {}

    static Salvage salvage(String text, Role knownRole, Role fallback) {
        String channel = null;
        int mark = text.indexOf(CHANNEL_MARK);
        if (mark >= 0) {
            int from = mark + CHANNEL_MARK.length();
            int to = from;
            while (to < text.length() && !Character.isWhitespace(text.charAt(to)) && text.charAt(to) != '<') {
                to++;
            }
            channel = to > from ? text.substring(from, to) : null;
            text = text.substring(0, mark) + text.substring(to);
        }
        String rest = text.stripLeading();
        Author author = Author.of(knownRole != null ? knownRole : fallback);
        String firstWord = firstWord(rest);
        Optional<Author> role = roleWord(firstWord);
        if (role.isPresent() && (knownRole == null || role.get().role() == knownRole)) {
            author = role.get();
            rest = rest.substring(firstWord.length()).stripLeading();
        }
        String recipient = null;
        String next = firstWord(rest);
        if (next.startsWith("to=") && next.length() > 3) {
            recipient = next.substring(3);
            rest = rest.substring(next.length()).stripLeading();
        }
        return new Salvage(author, channel, recipient, rest);
    }

    private static String firstWord(String text) {
        int end = 0;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && !text.startsWith("<|", end)) {
            end++;
        }
        return text.substring(0, end);
    }
}
