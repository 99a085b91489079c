/**
 * A Jakarta Servlet filter that backs {@code HttpSession} with a {@link io.sessionkit.SessionManager}: start with
 * {@link io.sessionkit.servlet.SessionFilter}. Nullness is declared with JSpecify: {@code @NullMarked}, so every type
 * is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.sessionkit.servlet;

import org.jspecify.annotations.NullMarked;
