package io.sessionkit.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** Parsing of {@code redis://} URIs, with messages that never echo a password. */
final class RedisUri {
    private RedisUri() {}

    static URI parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            // Neither the exception nor its message (which quotes the input, password included) is kept: only the
            // reason, the position and the input with its user info redacted.
            throw new IllegalArgumentException("not a URI (expected redis://[[user]:password@]host[:port][/database]): "
                    + e.getReason() + (e.getIndex() < 0 ? "" : " at index " + e.getIndex()) + " of '"
                    + redact(text.trim()) + "'");
        }
        return validate(uri);
    }

    /**
     * The text with everything between {@code ://} and the last {@code @} replaced, except a leading user name:
     * {@code redis://user:****@host}. Malformed input is redacted the same way, so a password never reaches a message.
     */
    static String redact(String text) {
        int start = text.indexOf("://");
        int at = text.lastIndexOf('@');
        if (start < 0 || at < start + 3) {
            return text.indexOf('@') < 0 ? text : "****" + text.substring(text.lastIndexOf('@'));
        }
        String info = text.substring(start + 3, at);
        int colon = info.indexOf(':');
        String user = colon < 0 ? "" : info.substring(0, colon);
        return text.substring(0, start + 3) + (user.isEmpty() ? "" : user + ":") + "****" + text.substring(at);
    }

    static URI validate(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("scheme must be redis:// or rediss://, was '" + scheme + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("no host (expected redis://[[user]:password@]host[:port][/database])");
        }
        if (uri.getPort() > 65535) {
            throw new IllegalArgumentException("port out of range: " + uri.getPort());
        }
        database(uri);
        // Decoded now, so that bad percent-encoding fails at configuration time with a message that quotes nothing.
        user(uri);
        password(uri);
        return uri;
    }

    /** The database number from the path ({@code /2}); 0 when absent. */
    static int database(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path.substring(1));
            if (db < 0) {
                throw new NumberFormatException();
            }
            return db;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("database must be a number >= 0, was '" + path.substring(1) + "'");
        }
    }

    /** The user of {@code user:password@}, if any. */
    static Optional<String> user(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return Optional.empty();
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? "" : decode(info.substring(0, colon));
        return user.isEmpty() ? Optional.empty() : Optional.of(user);
    }

    /** The password of {@code user:password@} or {@code :password@}; a lone {@code secret@} is a password too. */
    static Optional<String> password(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return Optional.empty();
        }
        int colon = info.indexOf(':');
        String password = decode(colon < 0 ? info : info.substring(colon + 1));
        return password.isEmpty() ? Optional.empty() : Optional.of(password);
    }

    private static String decode(String s) {
        // Percent-decoding only: in a URI's user info '+' is a plus, not a space.
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // URLDecoder's message quotes the text (a password): keep neither it nor the exception.
            throw new IllegalArgumentException("the user info (user:password@) has an invalid percent-escape");
        }
    }
}
