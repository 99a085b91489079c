package io.sessionkit.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends measured figures to {@code target/reliability-figures.txt}, one line each, so a run leaves a record that
 * RELIABILITY.md is written from. The same lines go to standard output.
 */
final class Figures {
    private static final Path FILE = Path.of("target", "reliability-figures.txt");

    private Figures() {}

    static synchronized void record(String suite, String backend, String line) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE,
                    Instant.now() + " " + suite + " " + backend + " " + line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("[session-reliability] could not write " + FILE + ": " + e.getMessage());
        }
    }
}
