package dev.visionapi.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.visionapi.jobs.JobPage;

/** A page of the caller's jobs, newest first. */
@Schema(name = "JobList")
public record JobListResponse(
        @Schema(description = "The jobs, newest first") List<JobResponse> jobs,
        @Schema(description = "Pass as 'cursor' for the next page; null after the last", nullable = true) String next) {

    static JobListResponse from(JobPage page) {
        return new JobListResponse(page.jobs().stream().map(JobResponse::from).toList(), page.next());
    }
}
