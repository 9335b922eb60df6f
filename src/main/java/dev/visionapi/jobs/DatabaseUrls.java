package dev.visionapi.jobs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Completes the datasource's URLs before the datasource starts. Flyway needs a JDBC URL while the application uses
 * the reactive one only: when just {@code quarkus.datasource.reactive.url} is set, the JDBC URL is derived from it.
 * In dev mode and tests without a configured URL (and without {@code quarkus.datasource.active=false}), an embedded
 * PostgreSQL is started on loopback and its URLs are provided. In prod nothing is started: without a URL the datasource
 * stays inactive and jobs answer 503.
 */
public class DatabaseUrls implements ConfigSourceFactory {

    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    // Below application.properties, environment and system properties: whatever they set wins.
    private static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> provided = new HashMap<>();
        String reactive = value(context, REACTIVE_URL);
        if (reactive == null && embeddedWanted(context)) {
            reactive = EmbeddedDatabase.reactiveUrl();
            provided.put(REACTIVE_URL, reactive);
            provided.put("quarkus.datasource.username", EmbeddedDatabase.USER);
        }
        if (reactive != null && value(context, JDBC_URL) == null) {
            provided.put(JDBC_URL, "jdbc:" + reactive);
        }
        return provided.isEmpty() ? List.of()
                : List.of(new PropertiesConfigSource(provided, "jobs database URLs", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean embeddedWanted(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean devOrTest = profiles.contains("dev") || profiles.contains("test");
        return devOrTest && !"false".equalsIgnoreCase(value(context, "quarkus.datasource.active"));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }
}
