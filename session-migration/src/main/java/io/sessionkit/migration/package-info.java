/**
 * Moving sessions between two SessionKit stores while traffic flows: {@link io.sessionkit.migration.MigratingSessionStore}
 * (and its provider, {@code sessionkit.store=migrating}).
 *
 * <p>Non-null unless marked {@code @Nullable}: the package is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.migration;

import org.jspecify.annotations.NullMarked;
