package dev.visionapi.jobs;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.analysis.AnalysisRequest;
import dev.visionapi.analysis.PromptResolver;
import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.config.JobsConfig;
import dev.visionapi.image.SampleCatalog;
import dev.visionapi.jobs.batch.BatchJobs;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.sources.S3PrefixListing;
import dev.visionapi.sources.S3Uri;
import io.smallrye.mutiny.Uni;

/**
 * Jobs as clients see them: created after the checks of {@code /v1/analyses} (preset or prompt, parameters, model,
 * allowed sources), read, listed, cancelled, and their results. A job belongs to the API key that created it
 * ({@code owner}, null when keys are off); another key's job is not found.
 */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);

    private final JobDatabase database;
    private final JobStore store;
    private final JobWorkers workers;
    private final BatchPoller batchPoller;
    private final BatchStore batchStore;
    private final BatchJobs batchJobs;
    private final EngineChoice engines;
    private final PromptResolver prompts;
    private final ModelCatalog models;
    private final SampleCatalog samples;
    private final S3PrefixListing listing;
    private final JobListing lister;
    private final ResultLines lines;
    private final ResultsExport export;
    private final int maxItems;

    JobService(JobDatabase database, JobStore store, JobWorkers workers, BatchPoller batchPoller,
            BatchStore batchStore, BatchJobs batchJobs, EngineChoice engines, PromptResolver prompts,
            ModelCatalog models, SampleCatalog samples, S3PrefixListing listing, JobListing lister, ResultLines lines,
            ResultsExport export, JobsConfig config) {
        this.database = database;
        this.store = store;
        this.workers = workers;
        this.batchPoller = batchPoller;
        this.batchStore = batchStore;
        this.batchJobs = batchJobs;
        this.engines = engines;
        this.prompts = prompts;
        this.models = models;
        this.samples = samples;
        this.listing = listing;
        this.lister = lister;
        this.lines = lines;
        this.export = export;
        this.maxItems = config.maxItems();
    }

    /**
     * Checks the request and queues the job: a list's images as its items, checked each as for an analysis; a prefix
     * with no item yet, listed in the background ({@link JobListing}).
     */
    public Uni<Job> create(JobSpec spec, String engine, JobSource source, String owner) {
        database.pool(); // 503 before anything else when there is no database
        prompts.resolve(new AnalysisRequest(List.of(), spec.presetId(), spec.promptText(),
                Optional.ofNullable(spec.model()), Optional.empty(), Optional.empty(), spec.parameters()));
        ModelProfile model = models.select(Optional.ofNullable(spec.model()).filter(id -> !id.isBlank()));
        spec.output().ifPresent(output -> listing.allowed(output, "output.s3Prefix"));
        if (source instanceof JobSource.Prefix prefix) {
            S3Uri uri = listing.allowed(prefix.s3Prefix(), "source.s3Prefix");
            // The number of images is not known yet: the checks that do not depend on it answer 400 now (an engine that
            // cannot run); the per-job minimum of batch is checked when the listing ends, and fails the job then.
            engines.choose(engine, Integer.MAX_VALUE, model);
            return lister.queue(spec, engine, uri, model.id(), owner);
        }
        List<String> items = sources(((JobSource.Images) source).images());
        if (items.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "'source': there is no image to analyse.");
        }
        Engine chosen = engines.choose(engine, items.size(), model);
        UUID id = UUID.randomUUID();
        // Read back before this replica's workers are nudged: the answer shows the job as it was queued.
        return store.insert(id, owner, chosen, model.id(), spec, items)
                .chain(() -> get(id, owner))
                .invoke(chosen == Engine.BEDROCK_BATCH ? batchPoller::nudge : workers::nudge);
    }

    public Uni<Job> get(UUID id, String owner) {
        database.pool();
        return store.find(id, owner).map(job -> job.orElseThrow(() -> notFound(id)));
    }

    public Uni<JobPage> list(String owner, int limit, String cursor) {
        database.pool();
        return store.list(owner, limit, cursor);
    }

    /**
     * Cancels the job unless it has ended; the job as it stands either way. A batch job's Bedrock jobs are asked to
     * stop (the batch poller stops any this misses, and keeps the answers they gave before they stopped).
     */
    public Uni<Job> cancel(UUID id, String owner) {
        database.pool();
        return store.cancel(id, owner)
                .call(cancelled -> cancelled ? stopBatch(id).chain(() -> export.write(id))
                        : Uni.createFrom().voidItem())
                .chain(() -> get(id, owner));
    }

    private Uni<Void> stopBatch(UUID id) {
        return batchStore.arns(id).chain(arns -> {
            Uni<Void> stopped = Uni.createFrom().voidItem();
            for (String arn : arns) {
                stopped = stopped.chain(() -> batchJobs.stop(arn).replaceWithVoid()
                        .onFailure().recoverWithUni(failure -> {
                            LOG.warnf("Job %s: its Bedrock job could not be stopped now (the batch poller tries "
                                    + "again): %s", id, failure.toString());
                            return Uni.createFrom().voidItem();
                        }));
            }
            return stopped;
        });
    }

    /** Up to {@code limit} finished items after index {@code after}, as NDJSON. */
    public Uni<String> results(UUID id, String owner, int after, int limit) {
        return get(id, owner).chain(job -> store.results(id, after, limit)).map(results -> {
            StringBuilder text = new StringBuilder();
            lines.append(text, results);
            return text.toString();
        });
    }

    /** The images of a list as item sources, each checked as {@code /v1/analyses} checks it. */
    private List<String> sources(List<JobSource.Image> images) {
        if (images.size() > maxItems) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "'source.images' has %d images; a job may have "
                    .formatted(images.size()) + "at most %d (jobs.max-items).".formatted(maxItems));
        }
        List<String> sources = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            JobSource.Image image = images.get(i);
            String path = "source.images[" + i + "]";
            if (present(image.url())) {
                sources.add(url(image.url().strip(), path + ".url"));
            } else if (present(image.s3())) {
                sources.add(listing.allowed(image.s3().strip(), path + ".s3").toString());
            } else {
                String sample = image.sample().strip();
                if (samples.find(sample).isEmpty()) {
                    throw new ProblemException(ProblemType.INVALID_REQUEST,
                            "'%s.sample': unknown sample '%s'. GET /v1/samples lists them.".formatted(path, sample));
                }
                sources.add(ItemAnalysis.SAMPLE_PREFIX + sample);
            }
        }
        return sources;
    }

    /** An http(s) URL; whether its host may be fetched is checked when the item runs, as for an analysis. */
    private static String url(String url, String path) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() != null && (uri.getScheme().equalsIgnoreCase("https")
                    || uri.getScheme().equalsIgnoreCase("http")) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new ProblemException(ProblemType.INVALID_REQUEST, "'%s' is not an https URL.".formatted(path));
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static ProblemException notFound(UUID id) {
        return new ProblemException(ProblemType.JOB_NOT_FOUND, "There is no job " + id + " for this API key.");
    }
}
