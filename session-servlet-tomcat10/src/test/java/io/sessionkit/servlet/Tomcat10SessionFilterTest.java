package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole servlet contract suite of session-servlet, on Tomcat 10.1 (Servlet 6.0), with the session-servlet jar as
 * users get it. Spring Boot 3.x ships this container.
 */
@DisplayName("SessionFilter in Tomcat 10.1")
class Tomcat10SessionFilterTest extends SessionFilterContractTest {
    @Override
    protected WebServer.Factory container() {
        return TomcatServer::start;
    }

    @Test
    @DisplayName("the container under test is Tomcat 10.1 with the Servlet 6.0 API, not 11 by accident")
    void runsOnTomcat101() {
        assertThat(org.apache.catalina.util.ServerInfo.getServerNumber()).startsWith("10.1.");
        try (WebServer app =
                container().start(new SessionFilter(manager, SessionFilterConfig.defaults()), new Version())) {
            assertThat(browser.get(app.uri("/")).body()).isEqualTo("Servlet 6.0");
        }
    }

    /** Answers the Servlet API version the container implements. */
    static final class Version extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter()
                    .print("Servlet " + req.getServletContext().getMajorVersion() + "."
                            + req.getServletContext().getMinorVersion());
        }
    }
}
