package io.sessionkit.reliability;

import io.sessionkit.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The command lines of the private databases the fault test stops and restarts: a PostgreSQL cluster made by
 * {@code initdb} and a MariaDB made by {@code mariadb-install-db}, each in its {@link ServerProcess}'s directory on the
 * first start and kept across restarts. {@link ServerProcess} owns the process: port, readiness, stop, kill on exit.
 */
final class PrivateDatabases {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(1);

    private PrivateDatabases() {}

    /**
     * PostgreSQL as a child {@code postgres} process (trust authentication, user {@code postgres}, fsync off), started.
     * As root it runs as the {@code postgres} user through {@code setpriv}, which execs in place: {@code runuser} would
     * stay in between and turn every signal into SIGTERM, and {@code SIGINT} (fast shutdown) must reach the server.
     */
    static ServerProcess postgres() {
        return start(
                "postgres",
                "postgres",
                PrivateDatabases::postgresUrl,
                (dir, data) -> ServerProcess.run(
                        INSTALL_TIMEOUT,
                        dir,
                        ServerProcess.asUser(
                                "postgres",
                                ServerProcess.binary("initdb"),
                                "-D",
                                data.toString(),
                                "-A",
                                "trust",
                                "-U",
                                "postgres",
                                "-N",
                                "--no-instructions")),
                (port, dir, data) -> {
                    List<String> cmd = new ArrayList<>();
                    if (ServerProcess.runsAsRoot()) {
                        cmd.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
                    }
                    cmd.addAll(List.of(
                            ServerProcess.binary("postgres"),
                            "-D",
                            data.toString(),
                            "-p",
                            Integer.toString(port),
                            "-k",
                            dir.toString(),
                            "-c",
                            "listen_addresses=" + ServerProcess.HOST,
                            "-c",
                            "fsync=off"));
                    return cmd;
                });
    }

    static String postgresUrl(ServerProcess postgres) {
        return postgresUrl(postgres.port());
    }

    private static String postgresUrl(int port) {
        return "jdbc:postgresql://" + ServerProcess.HOST + ":" + port + "/postgres?user=postgres";
    }

    /** MariaDB ({@code root} with an empty password, database {@code test}) as a child {@code mariadbd}, started. */
    static ServerProcess mariadb() {
        return start(
                "mariadb",
                "mysql",
                PrivateDatabases::mariadbUrl,
                (dir, data) -> {
                    ServerProcess.run(
                            INSTALL_TIMEOUT,
                            dir,
                            List.of(
                                    ServerProcess.binary("mariadb-install-db"),
                                    "--no-defaults",
                                    "--user=mysql",
                                    "--datadir=" + data,
                                    "--auth-root-authentication-method=normal",
                                    "--skip-test-db",
                                    "--skip-name-resolve"));
                    Files.writeString(dir.resolve("init.sql"), "CREATE DATABASE IF NOT EXISTS test;\n");
                },
                (port, dir, data) -> List.of(
                        ServerProcess.binary("mariadbd"),
                        "--no-defaults",
                        "--user=mysql",
                        "--datadir=" + data,
                        "--port=" + port,
                        "--bind-address=" + ServerProcess.HOST,
                        "--socket=" + dir.resolve("sock"),
                        "--pid-file=" + dir.resolve("pid"),
                        "--init-file=" + dir.resolve("init.sql"),
                        "--skip-name-resolve",
                        "--innodb-buffer-pool-size=32M",
                        "--skip-log-bin"));
    }

    static String mariadbUrl(ServerProcess mariadb) {
        return mariadbUrl(mariadb.port());
    }

    private static String mariadbUrl(int port) {
        return "jdbc:mariadb://" + ServerProcess.HOST + ":" + port + "/test?user=root";
    }

    /** Makes a server's data directory {@code data} inside its directory {@code dir}, on the first start only. */
    @FunctionalInterface
    private interface Install {
        void into(Path dir, Path data) throws IOException;
    }

    /** The command line that runs a server on {@code port} over its data directory. */
    @FunctionalInterface
    private interface Launch {
        List<String> command(int port, Path dir, Path data);
    }

    /**
     * Starts a database server in its {@link ServerProcess} directory, running as {@code user}, installing its data
     * directory on the first start; ready once a login at {@code url} works.
     */
    private static ServerProcess start(
            String name, String user, IntFunction<String> url, Install install, Launch launch) {
        return ServerProcess.builder(name)
                .startTimeout(START_TIMEOUT)
                .ready(port -> acceptsLogin(url.apply(port)))
                .command((port, dir) -> {
                    Path data = dir.resolve("data");
                    if (!Files.exists(data)) {
                        chown(dir, user);
                        install.into(dir, data);
                    }
                    return launch.command(port, dir, data);
                })
                .start();
    }

    /**
     * Ready means a login to the test's database works: both servers open their port before they accept logins
     * (MariaDB runs its init file in between), and the store under test connects with a 1 s timeout.
     */
    private static boolean acceptsLogin(String url) {
        try (Connection c = DriverManager.getConnection(url)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The server's directory belongs to the user it runs as (only root can and must hand it over). */
    private static void chown(Path dir, String user) {
        if (ServerProcess.runsAsRoot()) {
            ServerProcess.run(Duration.ofSeconds(10), dir, List.of("chown", "-R", user, dir.toString()));
        }
    }
}
