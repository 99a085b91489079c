package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SessionFilter in Tomcat 11")
class TomcatSessionFilterTest extends SessionFilterContractTest {
    @Override
    protected WebServer.Factory container() {
        return Containers.TOMCAT;
    }

    @Test
    @DisplayName(
            "Servlet 6.1 sendRedirect(location, 303, clearBuffer) also saves first (the filter is compiled against 6.0)")
    void servlet61RedirectOverload() throws InterruptedException {
        TestApp.Probe probe = TestApp.newProbe();
        HttpResponse<String> post = browser.post(server.uri("/post-redirect-303?name=flash&value=see-other"));
        assertThat(post.statusCode()).isEqualTo(303);
        assertThat(probe.await()).isEqualTo("cookie-before-return=true");
        assertThat(Browser.setCookies(post, COOKIE)).hasSize(1);
        assertThat(browser.get(server.base()
                                .resolve(post.headers().firstValue("Location").orElseThrow()))
                        .body())
                .isEqualTo("see-other");
    }
}
