/**
 * Moving users off Spring Session without logging them out: start with
 * {@link io.sessionkit.springsession.SpringSessionImporter}, over a
 * {@link io.sessionkit.springsession.SpringSessionRedisSource} or a
 * {@link io.sessionkit.springsession.SpringSessionJdbcSource}. Nullness is declared with JSpecify:
 * {@code @NullMarked}, so every type is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.sessionkit.springsession;

import org.jspecify.annotations.NullMarked;
