package io.sessionkit.cli;

import io.sessionkit.SessionStoreUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code sessionkit}: operator commands over any SessionKit store, configured as the library is. Exit codes:
 * {@value #OK} ok, {@value #PROBLEM} a problem was found (a verify difference, a failed doctor check, failed copies),
 * {@value #USAGE} bad usage or configuration (usage printed), {@value #UNAVAILABLE} the store is unavailable (one line;
 * {@code --debug} adds the stack trace).
 */
@Command(
        name = "sessionkit",
        mixinStandardHelpOptions = true,
        versionProvider = SessionKitCli.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Operator commands for SessionKit session stores.",
        footerHeading = "%nConfiguration:%n",
        footer = {
            "  Like the library: sessionkit.* system properties and SESSIONKIT_* environment variables, under",
            "  --config <file> (properties), under -D key=value; --store names the store (sessionkit.store).",
            "  copy and verify take --from/--to: a properties file, or a store name configured as above.",
            "%nExit codes: 0 ok, 1 found a problem, 2 bad usage, 3 store unavailable."
        },
        subcommands = {
            CountCommand.class,
            ListCommand.class,
            ShowCommand.class,
            KillCommand.class,
            PurgeExpiredCommand.class,
            CopyCommand.class,
            VerifyCommand.class,
            DoctorCommand.class
        })
public final class SessionKitCli implements java.util.concurrent.Callable<Integer> {
    static final int OK = 0;
    static final int PROBLEM = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;

    @Spec
    @Nullable
    CommandSpec spec;

    @Option(
            names = "--store",
            paramLabel = "NAME",
            scope = ScopeType.INHERIT,
            description = "The store: redis, jdbc, memcached, mongo, local, migrating (sessionkit.store).")
    @Nullable
    String store;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "A properties file of sessionkit.* keys (over the environment).")
    @Nullable
    Path config;

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            scope = ScopeType.INHERIT,
            description = "One configuration key (over --config), repeatable: -D sessionkit.redis.uri=redis://h:6379")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print results as JSON, for scripts.")
    boolean json;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces and the stores' own logs.")
    boolean debug;

    private SessionKitCli() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (the jar's {@code main} exits with it). */
    static int run(String... args) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        configureLogging(debug);
        CommandLine cli = new CommandLine(new SessionKitCli());
        cli.setParameterExceptionHandler(SessionKitCli::badUsage);
        cli.setExecutionExceptionHandler((e, line, parsed) -> failed(e, line, debug));
        return cli.execute(args);
    }

    /** No command given: the usage, and exit 2. */
    @Override
    public Integer call() {
        CommandLine line = java.util.Objects.requireNonNull(spec, "spec").commandLine();
        line.getErr().println("sessionkit: a command is required");
        line.usage(line.getErr());
        return USAGE;
    }

    static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println("sessionkit: " + e.getMessage());
        line.usage(err);
        return USAGE;
    }

    private static int failed(Exception e, CommandLine line, boolean debug) {
        PrintWriter err = line.getErr();
        SessionStoreUnavailableException down = causeOf(e, SessionStoreUnavailableException.class);
        int code;
        String message;
        if (down != null) {
            code = UNAVAILABLE;
            message = "store unavailable: " + withoutClassNames(oneLine(down));
        } else if (e instanceof UsageException || e instanceof IllegalArgumentException) {
            code = USAGE;
            message = oneLine(e) + " (sessionkit " + line.getCommandName() + " --help)";
        } else {
            code = PROBLEM;
            message = "failed: " + e.getClass().getSimpleName() + ": " + oneLine(e);
        }
        err.println("sessionkit: " + message);
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * Java exception class names, as stores put their drivers' messages in theirs ({@code java.net.ConnectException:
     * Connection refused}): the operator needs the words, {@code --debug} shows the types and the trace.
     */
    private static final java.util.regex.Pattern CLASS_NAME =
            java.util.regex.Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable): ");

    /** A store's message for an operator: the words of every cause, without the Java class names before them. */
    static String withoutClassNames(String message) {
        return CLASS_NAME.matcher(message).replaceAll("");
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    private static <T extends Throwable> @Nullable T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * The stores and their drivers log through SLF4J (SessionKit's System.Logger is routed there): quiet unless
     * {@code --debug}, but SessionKit's warnings (a session not copied) still show. Set before the first logger exists;
     * a {@code -Dorg.slf4j.simpleLogger...} on the java command line wins.
     */
    private static void configureLogging(boolean debug) {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "off");
        setIfAbsent("org.slf4j.simpleLogger.log.io.sessionkit", debug ? "debug" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showLogName", debug ? "true" : "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** A usage problem found while running a command (not by the parser): exit 2 with its message. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SessionKitCli.class.getPackage().getImplementationVersion();
            return new String[] {"sessionkit " + (v == null ? "(development build)" : v)};
        }
    }
}
