package io.sessionkit.servlet;

import org.junit.jupiter.api.DisplayName;

@DisplayName("SessionFilter in Tomcat 11")
class TomcatSessionFilterTest extends SessionFilterContractTest {
    @Override
    protected WebServer.Factory container() {
        return TomcatServer::start;
    }
}
