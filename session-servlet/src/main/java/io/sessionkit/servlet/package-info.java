/**
 * A Jakarta Servlet filter that backs {@code HttpSession} with a {@link io.sessionkit.SessionManager}: start with
 * {@link io.sessionkit.servlet.SessionFilter}. Everything here is non-null unless its Javadoc says otherwise.
 */
package io.sessionkit.servlet;
