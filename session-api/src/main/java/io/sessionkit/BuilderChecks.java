package io.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The checks every store builder makes, with one message shape: {@code <setter>: '<value>' is not valid; expected
 * <allowed range>} (the shape of {@link SessionKitConfig#invalid}). For backend authors: public so that a third-party
 * builder can reject the same values in the same words. Each method returns its argument so that a setter reads
 * {@code this.timeout = BuilderChecks.positive("timeout", timeout)}.
 *
 * <p>It checks values only; it does not know a backend's own limits beyond the bounds passed in.
 */
public final class BuilderChecks {
    /** The longest timeout a builder accepts: {@code Integer.MAX_VALUE} ms (about 24 days), what drivers take as an int. */
    public static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    private BuilderChecks() {}

    /** A {@code host:port} pair, the host without IPv6 brackets. */
    public record HostPort(String host, int port) {
        /** {@code host:port}, brackets around an IPv6 literal. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * A timeout: at least 1 ms and at most {@link #MAX_TIMEOUT}, never zero, negative or "infinite".
     *
     * @throws NullPointerException naming {@code setter} when {@code timeout} is null
     * @throws IllegalArgumentException naming {@code setter}, the value and the range otherwise
     */
    public static Duration positive(String setter, Duration timeout) {
        return between(setter, timeout, Duration.ofMillis(1), MAX_TIMEOUT, "(timeouts are never infinite)");
    }

    /** A duration within {@code [min, max]}; {@code note} (may be empty) says why, after the range. */
    public static Duration between(String setter, Duration value, Duration min, Duration max, String note) {
        Objects.requireNonNull(value, setter);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(
                    setter,
                    value,
                    "a duration from " + text(min) + " to " + text(max) + (note.isEmpty() ? "" : " " + note));
        }
        return value;
    }

    /**
     * How far past {@code expiresAt} native expiry (or a sweep) may wait: zero or more, at most
     * {@link SessionRecord#MAX_IDLE}.
     */
    public static Duration expiryGrace(String setter, Duration grace) {
        return between(setter, grace, Duration.ZERO, SessionRecord.MAX_IDLE, "(zero or more)");
    }

    /** A whole number of at least {@code min}. */
    public static int atLeast(String setter, int value, int min) {
        return Math.toIntExact(atLeast(setter, (long) value, min));
    }

    /** A whole number of at least {@code min}. */
    public static long atLeast(String setter, long value, long min) {
        if (value < min) {
            throw invalid(setter, value, "a number >= " + min);
        }
        return value;
    }

    /** A duration of zero (meaning "off") or more. */
    public static Duration zeroOrPositive(String setter, Duration value) {
        Objects.requireNonNull(value, setter);
        if (value.isNegative()) {
            throw invalid(setter, value, "zero (off) or a positive duration");
        }
        return value;
    }

    /**
     * A key prefix: printable ASCII without spaces, at most {@code maxLength} characters ({@code Integer.MAX_VALUE}
     * for a key space without a length limit).
     */
    public static String keyPrefix(String setter, String prefix, int maxLength) {
        Objects.requireNonNull(prefix, setter);
        if (prefix.length() > maxLength || !prefix.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw invalid(
                    setter,
                    prefix,
                    (maxLength == Integer.MAX_VALUE ? "" : "at most " + maxLength + " ")
                            + "printable ASCII characters without spaces");
        }
        return prefix;
    }

    /**
     * {@code host:port} entries ({@code [::1]:6379} for IPv6 literals), blanks dropped, at least one. A missing port
     * is {@code defaultPort}, or an error when {@code defaultPort} is 0. Host names are not resolved.
     */
    public static List<HostPort> hostPorts(String setter, List<String> entries, int defaultPort) {
        Objects.requireNonNull(entries, setter);
        List<HostPort> out = new ArrayList<>();
        for (String raw : entries) {
            String s = Objects.requireNonNull(raw, setter).trim();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            boolean bracketed = s.startsWith("[");
            boolean hasPort = colon > 0 && (!bracketed || s.charAt(colon - 1) == ']');
            String host = hasPort ? s.substring(0, colon) : s;
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = defaultPort;
            if (hasPort) {
                try {
                    port = Integer.parseInt(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (host.isBlank() || port < 1 || port > 65535) {
                throw invalid(
                        setter,
                        s,
                        "host:port with a port from 1 to 65535 ([::1]:port for IPv6)"
                                + (defaultPort > 0 ? ", or a host alone for port " + defaultPort : ""));
            }
            out.add(new HostPort(host, port));
        }
        if (out.isEmpty()) {
            throw invalid(setter, String.join(",", entries), "at least one host:port");
        }
        return List.copyOf(out);
    }

    /** The clock setter's check. */
    public static Clock clock(Clock clock) {
        return Objects.requireNonNull(clock, "clock");
    }

    /** {@code setter: 'value' is not valid; expected <expected>}; a duration is written as in configuration ({@code 5s}). */
    public static IllegalArgumentException invalid(String setter, Object value, String expected) {
        return SessionKitConfig.invalid(
                setter, value instanceof Duration d ? text(d) : String.valueOf(value), expected);
    }

    /** A duration in the largest unit that divides it: {@code 7d}, {@code 30m}, {@code 1500ms}; ISO-8601 below 1 ms. */
    static String text(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanosPart() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        for (var unit : new Object[][] {{86_400_000L, "d"}, {3_600_000L, "h"}, {60_000L, "m"}, {1_000L, "s"}}) {
            if (ms % (long) unit[0] == 0) {
                return ms / (long) unit[0] + (String) unit[1];
            }
        }
        return ms + "ms";
    }
}
