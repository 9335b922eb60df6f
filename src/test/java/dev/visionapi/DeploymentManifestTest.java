package dev.visionapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.visionapi.config.AnalysisConfig;
import dev.visionapi.config.AuthConfig;
import dev.visionapi.config.BedrockConfig;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.JobsConfig;
import dev.visionapi.config.PresetsConfig;
import io.smallrye.config.ConfigMapping;

/** The Kubernetes manifests in docker/kubernetes agree with the application's port, probes and configuration. */
class DeploymentManifestTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MANIFESTS = Path.of("docker", "kubernetes");

    private static List<JsonNode> documents;
    private static Properties properties;

    @BeforeAll
    static void read() throws IOException {
        documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList()) {
                documents.add(YAML.readTree(file.toFile()));
            }
        }
        properties = new Properties();
        try (InputStream in = DeploymentManifestTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
    }

    @Test
    void theContainerServesTheApplicationsPortAndTheServiceTargetsIt() {
        JsonNode container = container();
        assertThat(properties.getProperty("quarkus.http.port", "8080")).isEqualTo("8080");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        assertThat(kind("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo(container.at("/ports/0/name").asText());
    }

    @Test
    void probesUseTheHealthEndpoints() {
        JsonNode container = container();
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    }

    @Test
    void everyVariableSetIsOneTheApplicationReads() throws IOException {
        Set<String> known = knownVariables();
        known.addAll(quarkusRuntimeVariables());
        List<String> set = new ArrayList<>();
        kind("ConfigMap").path("data").fieldNames().forEachRemaining(set::add);
        container().path("env").forEach(variable -> set.add(variable.path("name").asText()));
        assertThat(set).isNotEmpty().allSatisfy(name -> assertThat(known).as(name).contains(name));
    }

    /** The ConfigMap's commented-out entries ("# NAME: value", to be filled in per installation) are real names too. */
    @Test
    void everyCommentedOutVariableIsOneTheApplicationReads() throws IOException {
        Set<String> known = knownVariables();
        Pattern entry = Pattern.compile("^\\s*#\\s*([A-Z][A-Z0-9_]+):", Pattern.MULTILINE);
        Matcher matcher = entry.matcher(Files.readString(MANIFESTS.resolve("configmap.yaml")));
        List<String> commented = new ArrayList<>();
        while (matcher.find()) {
            commented.add(matcher.group(1));
        }
        assertThat(commented).contains("JOBS_BATCH_STAGING", "JOBS_BATCH_ROLE_ARN")
                .allSatisfy(name -> assertThat(known).as(name).contains(name));
    }

    /** Jobs' database from an optional Secret: without it the pods start and /v1/jobs answers 503. */
    @Test
    void theJobsDatabaseComesFromAnOptionalSecret() {
        List<JsonNode> database = StreamSupport.stream(container().path("env").spliterator(), false)
                .filter(variable -> variable.path("name").asText().startsWith("QUARKUS_DATASOURCE_")).toList();
        assertThat(database).extracting(variable -> variable.path("name").asText()).containsExactlyInAnyOrder(
                "QUARKUS_DATASOURCE_REACTIVE_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
        assertThat(database).allSatisfy(variable -> {
            JsonNode secret = variable.at("/valueFrom/secretKeyRef");
            assertThat(secret.path("name").asText()).isEqualTo("image-understanding-api-db");
            assertThat(secret.path("optional").asBoolean()).as("optional").isTrue();
        });
        assertThat(database).extracting(variable -> variable.at("/valueFrom/secretKeyRef/key").asText())
                .containsExactlyInAnyOrder("reactive-url", "username", "password");
    }

    @Test
    void podsGetMoreTimeToStopThanTheApplicationTakesToDrain() {
        Duration drain = Duration.parse("PT" + properties.getProperty("quarkus.shutdown.timeout").toUpperCase());
        assertThat(kind("Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asLong())
                .isGreaterThan(drain.toSeconds());
    }

    @Test
    void theContainerRunsLockedDownWithAWritableTmp() {
        JsonNode container = container();
        assertThat(kind("Deployment").at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
        assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    }

    /** The form's files live in memory, within a size limit, where the application writes them (tmpdir is /tmp). */
    @Test
    void uploadsGoToAMemoryBackedVolumeOfLimitedSize() {
        String uploads = properties.getProperty("quarkus.http.body.uploads-directory")
                .replace("${java.io.tmpdir}", "/tmp");
        JsonNode mount = StreamSupport.stream(container().path("volumeMounts").spliterator(), false)
                .filter(candidate -> candidate.path("mountPath").asText().equals(uploads)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at " + uploads));
        JsonNode volume = StreamSupport.stream(kind("Deployment").at("/spec/template/spec/volumes").spliterator(), false)
                .filter(candidate -> candidate.path("name").asText().equals(mount.path("name").asText())).findFirst()
                .orElseThrow();
        assertThat(volume.at("/emptyDir/medium").asText()).isEqualTo("Memory");
        assertThat(volume.at("/emptyDir/sizeLimit").asText()).isNotEmpty();
        assertThat(properties.getProperty("quarkus.http.body.delete-uploaded-files-on-end")).isEqualTo("true");
    }

    @Test
    void theServiceAccountIsAnnotatedForIrsa() {
        assertThat(kind("ServiceAccount").at("/metadata/annotations").path("eks.amazonaws.com/role-arn").asText())
                .startsWith("arn:aws:iam::");
        assertThat(kind("Deployment").at("/spec/template/spec/serviceAccountName").asText())
                .isEqualTo(kind("ServiceAccount").at("/metadata/name").asText());
    }

    private static JsonNode container() {
        return kind("Deployment").at("/spec/template/spec/containers/0");
    }

    private static JsonNode kind(String kind) {
        return documents.stream().filter(document -> kind.equals(document.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + MANIFESTS));
    }

    /** The environment variables of every property of the application's configuration mappings. */
    private static Set<String> knownVariables() {
        Set<String> variables = new HashSet<>();
        for (Class<?> mapping : List.of(BedrockConfig.class, ImagesConfig.class, AnalysisConfig.class,
                AuthConfig.class, PresetsConfig.class, JobsConfig.class)) {
            collect(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), variables);
        }
        return variables;
    }

    /**
     * The environment variables of the Quarkus extensions' properties that are read at run time, from the
     * configuration model every extension jar carries (build-time properties set in a pod would have no effect).
     */
    private static Set<String> quarkusRuntimeVariables() throws IOException {
        Set<String> variables = new HashSet<>();
        Enumeration<URL> models = DeploymentManifestTest.class.getClassLoader()
                .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
        while (models.hasMoreElements()) {
            try (InputStream in = models.nextElement().openStream()) {
                for (JsonNode property : JSON.readTree(in).findParents("phase")) {
                    if ("RUN_TIME".equals(property.path("phase").asText())) {
                        variables.add(property.at("/path/environmentVariable").asText());
                    }
                }
            }
        }
        assertThat(variables).as("run-time properties of the Quarkus extensions").contains("QUARKUS_HTTP_PORT");
        return variables;
    }

    private static void collect(Class<?> type, String prefix, Set<String> variables) {
        for (Method method : type.getDeclaredMethods()) {
            String property = prefix + "." + method.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == type) {
                collect(method.getReturnType(), property, variables);
            } else {
                variables.add(property.replaceAll("[.-]", "_").toUpperCase());
            }
        }
    }
}
