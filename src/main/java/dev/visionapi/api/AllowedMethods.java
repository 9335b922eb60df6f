package dev.visionapi.api;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

/**
 * The methods each of this service's resource paths allows, for the {@code Allow} header of a 405 (RFC 9110): the REST
 * layer refuses a method without naming the allowed ones. Read once from the resource classes' own annotations.
 */
@ApplicationScoped
public class AllowedMethods {

    private final Map<Pattern, String> byPath;

    @Inject
    AllowedMethods(BeanManager beans) {
        this(beans.getBeans(Object.class, Any.Literal.INSTANCE).stream().<Class<?>>map(bean -> bean.getBeanClass())
                .filter(type -> type.isAnnotationPresent(Path.class)).distinct().toList());
    }

    AllowedMethods(List<Class<?>> resources) {
        Map<String, TreeSet<String>> methods = new LinkedHashMap<>();
        for (Class<?> resource : resources) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getMethods()) {
                httpMethodOf(method).ifPresent(http -> {
                    Path sub = method.getAnnotation(Path.class);
                    String template = join(base, sub == null ? "" : sub.value());
                    TreeSet<String> allowed = methods.computeIfAbsent(template, ignored -> new TreeSet<>());
                    allowed.add(http);
                    if (http.equals(HttpMethod.GET)) {
                        allowed.add(HttpMethod.HEAD);
                    }
                    allowed.add(HttpMethod.OPTIONS);
                });
            }
        }
        Map<Pattern, String> patterns = new LinkedHashMap<>();
        methods.forEach((template, allowed) -> patterns.put(pattern(template), String.join(", ", allowed)));
        this.byPath = patterns;
    }

    /** The {@code Allow} value for a path, if it is one of the resources'. */
    public Optional<String> forPath(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return byPath.entrySet().stream().filter(entry -> entry.getKey().matcher(trimmed).matches())
                .map(Map.Entry::getValue).findFirst();
    }

    private static Optional<String> httpMethodOf(Method method) {
        List<String> found = new ArrayList<>();
        for (var annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                found.add(http.value());
            }
        }
        return found.stream().findFirst();
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A template's {@code {name}} segments match one path segment each. */
    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
