package io.sessionkit.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * The counter page. {@code GET /} shows who is logged in, this session's counter and which instance answered;
 * {@code POST /count} adds one to the counter and redirects back (post/redirect/get). The counter is a plain
 * {@code HttpSession} attribute: that it survives a restart and is the same on every instance is the starter's doing.
 */
@Controller
class CounterController {
    static final String COUNTER = "counter";

    private final String instance;
    private final String store;

    CounterController(
            @Value("${sample.instance}") String instance, @Value("${sessionkit.store:not set}") String store) {
        this.instance = instance;
        this.store = store;
    }

    @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String page(Authentication user, HttpSession session, CsrfToken csrf, HttpServletRequest request) {
        String context = request.getContextPath();
        String csrfField = "<input type=\"hidden\" name=\"" + html(csrf.getParameterName()) + "\" value=\""
                + html(csrf.getToken()) + "\">";
        return """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>SessionKit Spring Boot sample</title></head>
                <body>
                <h1>Hello, <span id="user">%s</span></h1>
                <p>This session's counter: <strong id="counter">%d</strong></p>
                <form method="post" action="%s/count">%s<button type="submit">Add one</button></form>
                <p>Answered by instance <strong id="instance">%s</strong> on port %d
                (<code>sessionkit.store</code>: <code id="store">%s</code>).</p>
                <form method="post" action="%s/logout">%s<button type="submit">Log out</button></form>
                </body>
                </html>
                """.formatted(
                        html(user.getName()),
                        counter(session),
                        context,
                        csrfField,
                        html(instance),
                        request.getLocalPort(),
                        html(store),
                        context,
                        csrfField);
    }

    @PostMapping("/count")
    String count(HttpSession session) {
        session.setAttribute(COUNTER, counter(session) + 1);
        return "redirect:/";
    }

    private static int counter(HttpSession session) {
        Integer n = (Integer) session.getAttribute(COUNTER);
        return n == null ? 0 : n;
    }

    private static String html(String text) {
        return HtmlUtils.htmlEscape(text);
    }
}
