/**
 * Spring Security's session objects on SessionKit's JSON codec: start with
 * {@link io.sessionkit.springsecurity.SpringSecurityValueTypes}. Nullness is declared with JSpecify:
 * {@code @NullMarked}, so every type is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.sessionkit.springsecurity;

import org.jspecify.annotations.NullMarked;
