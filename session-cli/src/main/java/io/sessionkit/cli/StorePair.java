package io.sessionkit.cli;

import picocli.CommandLine.Option;

/** {@code --from} and {@code --to}, for the commands that read one store and compare or write another. */
final class StorePair {
    @Option(names = "--from", paramLabel = "FILE|STORE", required = true, description = "The source (needs SCAN).")
    String from = "";

    @Option(names = "--to", paramLabel = "FILE|STORE", required = true, description = "The target.")
    String to = "";
}
