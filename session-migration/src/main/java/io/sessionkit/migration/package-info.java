/**
 * Moving sessions between two SessionKit stores while traffic flows: {@link io.sessionkit.migration.MigratingSessionStore}
 * (on first touch; its provider is {@code sessionkit.store=migrating}) and {@link io.sessionkit.migration.BulkCopier}
 * (every session at once).
 *
 * <p>Non-null unless marked {@code @Nullable}: the package is {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.migration;

import org.jspecify.annotations.NullMarked;
