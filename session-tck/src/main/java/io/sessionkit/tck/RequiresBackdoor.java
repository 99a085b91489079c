package io.sessionkit.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a kit rule only when the conformance test supplies a {@link StoreBackdoor}; otherwise it is reported as skipped
 * with a note saying how to enable it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Inherited
public @interface RequiresBackdoor {}
