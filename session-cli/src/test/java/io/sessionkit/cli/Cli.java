package io.sessionkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real shaded jar ({@code target/sessionkit.jar}) in a JVM of its own, as ./sessionkit does. */
final class Cli {
    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.strip().lines().toList();
        }

        Run expect(int code) {
            assertThat(exit)
                    .as("exit code of a run with stdout:%n%s%nstderr:%n%s", out, err)
                    .isEqualTo(code);
            return this;
        }
    }

    private Cli() {}

    static Path jar() {
        String jar = System.getProperty("sessionkit.cli.jar", "target/sessionkit.jar");
        Path p = Path.of(jar);
        assertThat(p).as("the shaded jar (built at process-test-classes)").isRegularFile();
        return p;
    }

    /** Runs {@code args} in {@code dir}; waits at most ten minutes (the 100 000-session copy). */
    static Run run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(jar().toAbsolutePath().toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SESSIONKIT_"));
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("sessionkit " + String.join(" ", args) + " did not end in 10 minutes");
            }
            return new Run(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Run run(String... args) {
        return run(Path.of(".").toAbsolutePath(), args);
    }

    /** A properties file {@code name} in {@code dir} holding {@code properties}, one {@code key=value} a line. */
    static Path write(Path dir, String name, Map<String, String> properties) {
        return write(
                dir,
                name,
                properties.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
    }

    static Path write(Path dir, String name, String... lines) {
        try {
            return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
