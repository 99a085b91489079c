package io.sessionkit.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test class that runs once per shared store: its static {@code stores()} method returns the {@link RunNamespace}s
 * (each with the properties that point application nodes at it), a field {@code @Parameter RunNamespace store} receives
 * the one of the run, and methods annotated {@code @BeforeParameterizedClassInvocation(injectArguments = false)} /
 * {@code @AfterParameterizedClassInvocation(injectArguments = false)} start the nodes on it and stop them (then call
 * {@link RunNamespace#cleanUp()}). One instance per store, so the nodes live in instance fields.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@MethodSource("stores")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public @interface OverSharedStores {}
