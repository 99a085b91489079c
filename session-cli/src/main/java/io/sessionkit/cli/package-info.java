/**
 * The {@code sessionkit} command-line tool: {@link io.sessionkit.cli.SessionKitCli} and its commands. Not a library:
 * nothing here is meant to be called from other code but {@code main}.
 *
 * <p>Non-null unless marked {@code @Nullable}: the package is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.cli;

import org.jspecify.annotations.NullMarked;
