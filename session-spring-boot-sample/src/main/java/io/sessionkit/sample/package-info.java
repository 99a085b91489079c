/**
 * The SessionKit Spring Boot sample: a plain Boot app (Spring Security form login, a counter kept in the
 * {@code HttpSession}, logout) with no SessionKit code at all. session-spring-boot-starter, on the class path, puts the
 * session into the store {@code sessionkit.store} names. Start it with {@link io.sessionkit.sample.SampleApplication}.
 * Nullness is declared with JSpecify: {@code @NullMarked}, so every type is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.sessionkit.sample;

import org.jspecify.annotations.NullMarked;
