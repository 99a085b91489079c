package io.sessionkit.servlet;

import org.junit.jupiter.api.DisplayName;

@DisplayName("SessionFilter in Jetty 12 (ee10)")
class JettySessionFilterTest extends SessionFilterContractTest {
    @Override
    protected WebServer.Factory container() {
        return Containers.JETTY;
    }
}
