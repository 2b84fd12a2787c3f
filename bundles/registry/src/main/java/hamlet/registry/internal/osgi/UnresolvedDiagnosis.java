package hamlet.registry.internal.osgi;

import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a bundle does not resolve, in a sentence: the requirements of it that no bundle of the framework offers.
 * Asking the framework for providers has no side effect (unlike starting the bundle to read the resolver's
 * exception). Stateless.
 */
final class UnresolvedDiagnosis {
    private UnresolvedDiagnosis() {
    }

    /**
     * @param bundle a bundle that stays INSTALLED
     * @param wiring the framework's wiring
     * @return the reason
     */
    static String of(final Bundle bundle, final FrameworkWiring wiring) {
        final BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return "does not resolve (it has no revision: uninstalled meanwhile)";
        }
        final List<String> missing = new ArrayList<>();
        for (final Requirement requirement : revision.getRequirements(null)) {
            final String resolution = requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
            if (Namespace.RESOLUTION_OPTIONAL.equals(resolution)
                || PackageNamespace.RESOLUTION_DYNAMIC.equals(resolution)) {
                continue;
            }
            if (wiring.findProviders(requirement).isEmpty()) {
                missing.add(requirement.getNamespace() + " "
                    + requirement.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "(any)"));
            }
        }
        if (missing.isEmpty()) {
            return "does not resolve: every requirement has a provider, but they do not fit together (a uses "
                + "constraint, or a provider that does not resolve itself)";
        }
        return "does not resolve: nothing provides " + String.join("; ", missing);
    }
}
