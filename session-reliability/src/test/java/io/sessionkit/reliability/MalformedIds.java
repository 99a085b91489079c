package io.sessionkit.reliability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Generates hostile values a client could present as a session id, deterministically (fixed seed) so a failure
 * reproduces. Each is paired with whether it has the shape of an id: only those may reach a store, hashed.
 */
final class MalformedIds {
    private static final Pattern ID_SHAPE = Pattern.compile("[A-Za-z0-9_-]{32}");
    static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** Characters that break key spaces, protocols, query languages and logs. */
    private static final String NASTY =
            "\r\n\t\0 *?'\"`\\/%$.{}[]()<>;:=+&|#!~^,@\u00e9\u0430\uff10\u202e\ud83d\ude00\u0007\u007f";

    private static final String[] INJECTIONS = {
        "\r\nflush_all\r\n",
        "set sk:x 0 0 1\r\nX\r\n",
        "delete sk:*\r\n",
        "' OR '1'='1",
        "\"; DROP TABLE sessionkit_sessions; --",
        "*",
        "sk:s:*",
        "{\"$gt\": \"\"}",
        "{\"$ne\": null}",
        "') or redis.call('FLUSHALL') --",
        "../../etc/passwd",
        "%0d%0aSet-Cookie:%20x=y",
        "${jndi:ldap://127.0.0.1/a}",
        "\u0000",
        "",
        " ",
        "null",
        "undefined",
        "\u202e",
        "\\x00"
    };

    private MalformedIds() {}

    /** A presented value. */
    record Presented(String value, boolean wellFormed) {}

    /**
     * {@code malformed} values that are not ids and {@code wellFormed} values that have an id's shape but were never
     * issued, interleaved.
     */
    static List<Presented> generate(int malformed, int wellFormed, long seed) {
        Random r = new Random(seed);
        List<Presented> out = new ArrayList<>(malformed + wellFormed);
        for (int i = 0; i < malformed; i++) {
            String value = malformed(i, r);
            // An injection prefix can be empty; a value that happens to have an id's shape is not malformed.
            out.add(new Presented(ID_SHAPE.matcher(value).matches() ? value + "\r\n" : value, false));
        }
        for (int i = 0; i < wellFormed; i++) {
            out.add(new Presented(validShape(r), true));
        }
        Collections.shuffle(out, r);
        return out;
    }

    private static String malformed(int i, Random r) {
        String id = validShape(r);
        return switch (i % 12) {
            case 0 -> insert(id, r, r.nextBoolean() ? "\r\n" : (r.nextBoolean() ? "\r" : "\n"));
            case 1 -> r.nextBoolean() ? insert(id, r, " ") : (r.nextBoolean() ? " " + id : id + " ");
            case 2 -> insert(id, r, "\0");
            case 3 -> r.nextBoolean() ? id.substring(0, 31) + "*" : "*" + id.substring(1);
            case 4 -> insert(id, r, r.nextBoolean() ? "'" : "\"");
            case 5 -> INJECTIONS[r.nextInt(INJECTIONS.length)] + (r.nextBoolean() ? id : "");
            // Any length 0..10 000 of hostile characters.
            case 6 -> random(r, r.nextInt(10_001), NASTY + ID_ALPHABET) + NASTY.charAt(r.nextInt(NASTY.length()));
            // The id alphabet at every wrong length, up to 10 000.
            case 7 -> random(r, wrongLength(r), ID_ALPHABET);
            // Look-alikes: Cyrillic a, fullwidth zero, combining marks; same length in chars.
            case 8 -> replaceOne(id, r, "\u0430\uff10\u00e9\u0301".charAt(r.nextInt(4)));
            // Standard base64 and padding are not the URL-safe alphabet.
            case 9 -> replaceOne(id, r, "+/=".charAt(r.nextInt(3)));
            case 10 -> id.substring(0, 30) + "\t\t";
            default -> random(r, 32, NASTY);
        };
    }

    private static int wrongLength(Random r) {
        int n;
        do {
            n = switch (r.nextInt(4)) {
                case 0 -> 31;
                case 1 -> 33;
                case 2 -> r.nextInt(64);
                default -> r.nextInt(10_001);
            };
        } while (n == 32);
        return n;
    }

    static String validShape(Random r) {
        return random(r, 32, ID_ALPHABET);
    }

    private static String random(Random r, int length, String alphabet) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String insert(String s, Random r, String what) {
        int at = r.nextInt(s.length() + 1);
        return s.substring(0, at) + what + s.substring(at);
    }

    private static String replaceOne(String s, Random r, char c) {
        int at = r.nextInt(s.length());
        return s.substring(0, at) + c + s.substring(at + 1);
    }
}
