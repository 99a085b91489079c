package io.sessionkit.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a kit rule only for stores that several nodes share (two store instances made with the same namespace see the
 * same records). An in-process store declares that it has no second node by overriding
 * {@link SessionStoreConformanceKit#sharedByNodes()}; the rule is then reported as skipped, saying so.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Inherited
public @interface RequiresSharedNodes {}
