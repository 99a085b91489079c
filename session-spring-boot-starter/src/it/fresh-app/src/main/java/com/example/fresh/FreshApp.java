package com.example.fresh;

import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A fresh Boot app: Spring Security's defaults (form login, every page authenticated), a counter, no SessionKit code. */
@SpringBootApplication
@RestController
public class FreshApp {
    public static void main(String[] args) {
        SpringApplication.run(FreshApp.class, args);
    }

    @GetMapping("/me")
    String me(Principal principal) {
        return principal.getName();
    }

    @GetMapping("/counter")
    String counter(HttpSession session) {
        Integer n = (Integer) session.getAttribute("counter");
        int next = n == null ? 1 : n + 1;
        session.setAttribute("counter", next);
        return String.valueOf(next);
    }
}
