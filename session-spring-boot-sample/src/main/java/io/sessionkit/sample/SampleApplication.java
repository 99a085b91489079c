package io.sessionkit.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample's entry point, as {@code start.spring.io} writes it. Every setting is a property
 * ({@code application.properties}, overridden by {@code --name=value} arguments): {@code server.port},
 * {@code sample.instance} (the name the pages show), {@code sessionkit.store} and the store's connection.
 */
@SpringBootApplication
public class SampleApplication {
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
