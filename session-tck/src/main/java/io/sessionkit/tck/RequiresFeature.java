package io.sessionkit.tck;

import io.sessionkit.StoreFeature;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a kit rule only when the store under test declares the feature; otherwise the rule is reported as skipped
 * with the missing feature's name. See {@link FeatureCondition}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Inherited
public @interface RequiresFeature {
    StoreFeature value();
}
