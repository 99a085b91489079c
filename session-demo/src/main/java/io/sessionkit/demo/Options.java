package io.sessionkit.demo;

import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Command-line flags, falling back to environment variables, falling back to defaults. Flags win, so that a shell
 * with {@code PORT} set can still start a second instance with {@code --port}.
 *
 * @param host     the address to bind ({@code --host}, {@code HOST}); default {@value #DEFAULT_HOST}
 * @param port     the port ({@code --port}, {@code PORT}); 0 picks a free one; default {@value #DEFAULT_PORT}
 * @param instance the name shown on every page ({@code --instance}, {@code INSTANCE}); null: derived from the port
 * @param help     whether {@code --help} was given
 */
record Options(String host, int port, @Nullable String instance, boolean help) {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;
    private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,40}");

    static final String USAGE = """
            Usage: java -jar session-demo.jar [--port N] [--instance NAME] [--host ADDRESS]

              --port N          port to listen on (env PORT; default 8080; 0 picks a free port)
              --instance NAME   name shown on every page (env INSTANCE; default instance-<port>)
              --host ADDRESS    address to bind (env HOST; default 127.0.0.1; 0.0.0.0 for all interfaces)

            The store comes from SessionKit configuration (system properties or environment variables):
              default              SESSIONKIT_STORE=jdbc with an H2 file database under ./data
              SESSIONKIT_STORE     jdbc | redis | memcached | mongo | local
              plus the backend's keys, e.g. SESSIONKIT_REDIS_URI=redis://127.0.0.1:6379,
              SESSIONKIT_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/test, SESSIONKIT_MEMCACHED_SERVERS=127.0.0.1:11211,
              SESSIONKIT_MONGO_URI=mongodb://127.0.0.1:27017
            """;

    /**
     * @throws IllegalArgumentException naming the flag or variable, if a value is bad or a flag unknown
     */
    static Options parse(String[] args, Map<String, String> env) {
        String host = env.getOrDefault("HOST", DEFAULT_HOST);
        String port = env.get("PORT");
        String portSource = "PORT";
        String instance = env.get("INSTANCE");
        String instanceSource = "INSTANCE";
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--port", "--instance", "--host" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--port" -> {
                            port = value;
                            portSource = "--port";
                        }
                        case "--instance" -> {
                            instance = value;
                            instanceSource = "--instance";
                        }
                        default -> host = value;
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        int p = DEFAULT_PORT;
        if (port != null && !port.isBlank()) {
            try {
                p = Integer.parseInt(port.strip());
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(portSource + ": '" + port + "' is not a port number (0-65535)");
            }
        }
        if (instance != null && instance.isBlank()) {
            instance = null;
        }
        if (instance != null && !INSTANCE_NAME.matcher(instance.strip()).matches()) {
            throw new IllegalArgumentException(
                    instanceSource + ": use 1 to 40 letters, digits, dots, dashes or underscores");
        }
        return new Options(host.strip(), p, instance == null ? null : instance.strip(), help);
    }
}
