package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.client.ApiClient;
import dev.visionapi.client.ApiException;
import dev.visionapi.client.ApiResponse;
import dev.visionapi.client.api.AnalysesApi;
import dev.visionapi.client.api.JobsApi;
import dev.visionapi.client.api.ModelsApi;
import dev.visionapi.client.api.PresetsApi;
import dev.visionapi.client.api.SamplesApi;
import dev.visionapi.client.model.Analysis;
import dev.visionapi.client.model.Job;
import dev.visionapi.client.model.JobImage;
import dev.visionapi.client.model.JobRequest;
import dev.visionapi.client.model.JobSource;
import dev.visionapi.client.model.Model;
import dev.visionapi.client.model.Preset;
import dev.visionapi.client.model.PresetParameter;
import dev.visionapi.client.model.Sample;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every operation of the committed {@code openapi.yaml}, called through the Java client openapi-generator makes of it
 * during the build (library {@code native}: java.net.http and Jackson), against the running service. The client sends
 * what the document implies (its Accept lists every media type of the operation's responses), so this is the
 * contract as a generated client reads it.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class GeneratedClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI service;

    @TempDir
    Path files;

    private ApiClient client;

    @BeforeEach
    void client() {
        bedrock().reset(); // the emulator answers as Bedrock does, whatever a test class before this one scripted
        client = new ApiClient();
        client.updateBaseUri(service.toString().replaceAll("/$", ""));
        client.setReadTimeout(Duration.ofSeconds(30));
    }

    /** createJob, getJob, getJobResults, listJobs and cancelJob, as a generated client calls them. */
    @Test
    void jobs() throws Exception {
        JobsApi jobs = new JobsApi(client);
        Job created = jobs.createJob(new JobRequest().preset("caption")
                .source(new JobSource().images(List.of(new JobImage().sample("cat-chelsea")))));
        assertThat(created.getStatus()).isEqualTo(Job.StatusEnum.QUEUED);
        assertThat(created.getCounts().getTotal()).isEqualTo(1);

        Job job = created;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (job.getStatus() != Job.StatusEnum.COMPLETED && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            job = jobs.getJob(created.getId());
        }
        assertThat(job.getStatus()).isEqualTo(Job.StatusEnum.COMPLETED);
        assertThat(job.getCounts().getSucceeded()).isEqualTo(1);

        // NDJSON is no JSON document: the client hands it over as a file, as it does every non-JSON body.
        String results = Files.readString(jobs.getJobResults(created.getId(), null, null).toPath());
        assertThat(results.lines()).hasSize(1);
        assertThat(JSON.readTree(results).path("status").asText()).isEqualTo("succeeded");
        assertThat(jobs.listJobs(null, 500).getJobs()).extracting(Job::getId).contains(created.getId());
        // An ended job is left as it is.
        assertThat(jobs.cancelJob(created.getId()).getStatus()).isEqualTo(Job.StatusEnum.COMPLETED);
    }

    @Test
    void listModels() throws ApiException {
        List<Model> models = new ModelsApi(client).listModels();

        assertThat(models).extracting(Model::getId).contains("us.anthropic.claude-haiku-4-5-20251001-v1:0",
                "example.custom-vision-v1:0");
        assertThat(models.get(0).getDefault()).isTrue();
    }

    @Test
    void listPresets() throws ApiException {
        assertThat(new PresetsApi(client).listPresets()).extracting(Preset::getId)
                .contains("caption", "classification", "question");
    }

    @Test
    void getPreset() throws ApiException {
        Preset classification = new PresetsApi(client).getPreset("classification");

        assertThat(classification.getSchema()).isNotNull();
        assertThat(classification.getParameters()).extracting(PresetParameter::getName, PresetParameter::getMaxLength)
                .containsExactly(tuple("categories", 500));
    }

    @Test
    void getPresetOfAnUnknownIdIsA404Problem() throws IOException {
        ApiException refused = catchThrowableOfType(ApiException.class,
                () -> new PresetsApi(client).getPreset("unicorn"));

        assertThat(refused.getCode()).isEqualTo(404);
        assertThat(refused.getResponseHeaders().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
        assertThat(JSON.readTree(refused.getResponseBody()).path("type").asText())
                .isEqualTo("urn:visionapi:problem:not-found");
    }

    @Test
    void listSamples() throws ApiException {
        List<Sample> samples = new SamplesApi(client).listSamples();

        assertThat(samples).extracting(Sample::getId).contains("cat-chelsea", "vehicle-rocket");
        assertThat(samples).filteredOn(sample -> sample.getId().equals("cat-chelsea")).singleElement()
                .extracting(Sample::getUrl).isEqualTo("/v1/samples/cat-chelsea");
    }

    @Test
    void getSample() throws ApiException, IOException {
        ApiResponse<File> image = new SamplesApi(client).getSampleWithHttpInfo("cat-chelsea");

        assertThat(image.getStatusCode()).isEqualTo(200);
        assertThat(image.getHeaders().get("Content-Type")).containsExactly("image/png");
        assertThat(Files.readAllBytes(image.getData().toPath())).isEqualTo(TestImages.CAT_PNG);
    }

    @Test
    void analyseASampleWithAPreset() throws ApiException {
        // The generated client needs lists of images and image URLs, even empty ones.
        ApiResponse<Analysis> answer = new AnalysesApi(client).analyseWithHttpInfo(List.of(), List.of(), "cat-chelsea",
                List.of("caption"), null, null, null, null, null, null, null, null);

        // The client's Accept lists application/json and text/event-stream alike: the service answers with JSON.
        assertThat(answer.getHeaders().get("Content-Type")).singleElement().asString().startsWith("application/json");
        Analysis analysis = answer.getData();
        assertThat(analysis.getPreset()).isEqualTo("caption");
        assertThat(analysis.getText()).startsWith("[synthetic answer");
        assertThat(analysis.getImages()).singleElement().satisfies(image -> {
            assertThat(image.getMediaType()).isEqualTo("image/png");
            assertThat(image.getOriginalSizeBytes()).isEqualTo(TestImages.CAT_PNG.length);
        });

        Analysis both = new AnalysesApi(client).analyse(List.of(), List.of(), "cat-chelsea", List.of("caption", "story"),
                null, null, null, null, null, null, null, null);
        assertThat(both.getResults()).containsOnlyKeys("caption", "story");
        assertThat(both.getResults().get("story").getText()).startsWith("[synthetic answer");
    }

    @Test
    void analyseUploadedImagesWithAPromptAndParameters() throws ApiException, IOException {
        File cat = Files.write(files.resolve("cat.png"), TestImages.CAT_PNG).toFile();
        File rocket = Files.write(files.resolve("rocket.jpg"), TestImages.ROCKET_JPEG).toFile();

        Analysis analysis = new AnalysesApi(client).analyse(List.of(cat, rocket), List.of(), null, List.of(),
                "What do these two images have in common? 🚀", null, 300, 0.5, null, null, null, null);

        assertThat(analysis.getPreset()).isNull();
        assertThat(analysis.getImages()).extracting(image -> image.getMediaType())
                .containsExactly("image/png", "image/jpeg");
        assertThat(analysis.getUsage().getTotalTokens()).isPositive();

        Analysis classified = new AnalysesApi(client).analyse(List.of(cat), List.of(), null, List.of("classification"), null, null,
                null, null, null, null, null, "Cat, Dog");
        JsonNode data = JSON.valueToTree(classified.getData());
        assertThat(data.path("category").asText()).isIn("Cat", "Dog");
    }

    @Test
    void analyseAnInvalidRequestIsA400ProblemWithTheField() throws IOException {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> new AnalysesApi(client)
                .analyse(List.of(), List.of(), "cat-chelsea", List.of(), null, null, 9000, null, null, null, null, null));

        assertThat(refused.getCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(refused.getResponseBody());
        assertThat(problem.path("type").asText()).isEqualTo("urn:visionapi:problem:invalid-request");
        assertThat(problem.findValuesAsText("field")).contains("maxTokens");
    }
}
