package io.sessionkit.cli;

import picocli.CommandLine.Option;

/** {@code --page-size} of the commands that only read a scan ({@code count}, {@code verify}). */
final class PageSize {
    @Option(
            names = "--page-size",
            defaultValue = "1000",
            description = "Records per scan page (default ${DEFAULT-VALUE}).")
    int value;

    /** The page size, or a usage error when below 1. */
    int checked() {
        if (value < 1) {
            throw new SessionKitCli.UsageException("--page-size must be at least 1");
        }
        return value;
    }
}
