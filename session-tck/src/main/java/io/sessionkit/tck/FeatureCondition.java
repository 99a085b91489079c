package io.sessionkit.tck;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gates {@link RequiresFeature}, {@link RequiresBackdoor} and {@link RequiresSharedNodes} rules on what the store under test declares. The
 * features are read once per conformance class from a probe store made by the kit's own factory.
 */
final class FeatureCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<SessionStoreConformanceKit> kit = context.getTestInstances()
                .flatMap(instances -> instances.findInstance(SessionStoreConformanceKit.class));
        if (kit.isEmpty()) {
            return ConditionEvaluationResult.enabled("evaluated per test");
        }
        SessionStoreConformanceKit.Capabilities caps = kit.get().capabilities();
        for (AnnotatedElement element : elements(context)) {
            Optional<RequiresFeature> feature = AnnotationSupport.findAnnotation(element, RequiresFeature.class);
            if (feature.isPresent() && !caps.features().contains(feature.get().value())) {
                return ConditionEvaluationResult.disabled(
                        "store does not declare feature " + feature.get().value());
            }
            if (AnnotationSupport.isAnnotated(element, RequiresBackdoor.class) && !caps.backdoor()) {
                return ConditionEvaluationResult.disabled(
                        "no StoreBackdoor: override backdoor(SessionStore) to run this rule");
            }
            if (AnnotationSupport.isAnnotated(element, RequiresSharedNodes.class) && !caps.sharedByNodes()) {
                return ConditionEvaluationResult.disabled("single-process store: no second node shares its records");
            }
        }
        return ConditionEvaluationResult.enabled("store declares what this rule needs");
    }

    private static java.util.List<AnnotatedElement> elements(ExtensionContext context) {
        java.util.List<AnnotatedElement> out = new java.util.ArrayList<>();
        context.getTestMethod().ifPresent(out::add);
        for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
            out.add(c);
        }
        return out;
    }
}
