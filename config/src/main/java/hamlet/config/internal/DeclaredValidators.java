package hamlet.config.internal;

import hamlet.config.SettingsValidator;
import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The validators the installed bundles declare, found before those bundles start. At the first load the validator
 * services are mostly not registered yet (Declarative Services registers them as each bundle starts, after the config
 * bundle), so a value only a validator can refuse (a seed that is not an address, {@code retry-max = 0}) would be
 * pushed and fail in its bundle's activate instead, as a stack trace. The kernel installs every system bundle
 * before the framework starts, so each one's component descriptions ({@code Service-Component}) can be read here.
 *
 * <p>Only a component that DS would build with nothing injected is built here: it provides
 * {@link SettingsValidator}, names its section, and has no reference and no activate method. Any other one (the
 * registry's node validator reads the running system) waits for its service. Validators are stateless by contract,
 * so a second instance beside DS's is harmless. Anything that cannot be read or built is skipped: the service
 * catches it later.
 */
final class DeclaredValidators {
    private static final Logger LOG = LoggerFactory.getLogger(DeclaredValidators.class);
    private static final String HEADER = "Service-Component";

    /** A validator a component description declares. */
    record Declared(String section, String className) {
    }

    private DeclaredValidators() {
    }

    /**
     * @param bundles the installed bundles
     * @param nodeId for log lines
     * @return a validator for each declared one that could be built
     */
    static List<NamedValidator> of(final Bundle[] bundles, final Supplier<String> nodeId) {
        final List<NamedValidator> validators = new ArrayList<>();
        for (final Bundle bundle : bundles) {
            for (final Declared declared : declaredBy(bundle, nodeId)) {
                try {
                    final Object validator = bundle.loadClass(declared.className()).getConstructor().newInstance();
                    if (validator instanceof SettingsValidator settingsValidator) {
                        validators.add(new NamedValidator(declared.section(), settingsValidator));
                    }
                } catch (final ReflectiveOperationException | RuntimeException | LinkageError e) {
                    LOG.debug("[{}] validator {} of bundle {} not built before it starts: {}", nodeId.get(),
                        declared.className(), bundle.getSymbolicName(), e.toString());
                }
            }
        }
        return validators;
    }

    private static List<Declared> declaredBy(final Bundle bundle, final Supplier<String> nodeId) {
        final String header;
        try {
            header = bundle.getHeaders("").get(HEADER);
        } catch (final IllegalStateException e) {
            return List.of(); // uninstalled meanwhile
        }
        if (header == null || header.isBlank()) {
            return List.of();
        }
        final List<Declared> declared = new ArrayList<>();
        for (final String path : header.split(",")) {
            for (final URL entry : entries(bundle, path.strip())) {
                try (InputStream in = entry.openStream()) {
                    declared.addAll(parse(in));
                } catch (final Exception e) { // a description DS cannot read either; DS reports it
                    LOG.debug("[{}] cannot read {} of bundle {}: {}", nodeId.get(), entry, bundle.getSymbolicName(),
                        e.toString());
                }
            }
        }
        return declared;
    }

    /** The entries a Service-Component path names; its last segment may hold wildcards. */
    private static List<URL> entries(final Bundle bundle, final String path) {
        if (path.isEmpty()) {
            return List.of();
        }
        if (!path.contains("*")) {
            final URL entry = bundle.getEntry(path);
            return entry == null ? List.of() : List.of(entry);
        }
        final int slash = path.lastIndexOf('/');
        final Enumeration<URL> found = bundle.findEntries(slash < 0 ? "/" : path.substring(0, slash),
            path.substring(slash + 1), false);
        return found == null ? List.of() : Collections.list(found);
    }

    /**
     * @param xml one component description file, which may hold several components
     * @return the validators it declares that can be built without DS
     * @throws Exception when it is not readable XML
     */
    static List<Declared> parse(final InputStream xml) throws Exception {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        final Document document = factory.newDocumentBuilder().parse(xml);
        final List<Declared> declared = new ArrayList<>();
        final NodeList components = document.getElementsByTagNameNS("*", "component");
        for (int i = 0; i < components.getLength(); i++) {
            component((Element) components.item(i)).ifPresent(declared::add);
        }
        return declared;
    }

    private static Optional<Declared> component(final Element component) {
        if (!component.getAttribute("activate").isEmpty() || children(component, "reference").getLength() > 0
            || !"true".equals(attributeOr(component, "enabled", "true"))) {
            return Optional.empty();
        }
        boolean provides = false;
        final NodeList provide = children(component, "provide");
        for (int i = 0; i < provide.getLength(); i++) {
            provides |= SettingsValidator.class.getName().equals(((Element) provide.item(i)).getAttribute("interface"));
        }
        String section = null;
        final NodeList properties = children(component, "property");
        for (int i = 0; i < properties.getLength(); i++) {
            final Element property = (Element) properties.item(i);
            if (SettingsValidator.SECTION_PROPERTY.equals(property.getAttribute("name"))) {
                section = property.getAttribute("value");
            }
        }
        final NodeList implementation = children(component, "implementation");
        if (!provides || section == null || section.isEmpty() || implementation.getLength() != 1) {
            return Optional.empty();
        }
        final String className = ((Element) implementation.item(0)).getAttribute("class");
        return className.isEmpty() ? Optional.empty()
            : Optional.of(new Declared(section, className));
    }

    private static NodeList children(final Element element, final String name) {
        return element.getElementsByTagNameNS("*", name).getLength() > 0
            ? element.getElementsByTagNameNS("*", name) : element.getElementsByTagName(name);
    }

    private static String attributeOr(final Element element, final String name, final String fallback) {
        return element.hasAttribute(name) ? element.getAttribute(name) : fallback;
    }
}
