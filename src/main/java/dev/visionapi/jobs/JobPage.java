package dev.visionapi.jobs;

import java.util.List;

/** Some of a key's jobs, newest first, and the cursor of the next page (null after the last). */
public record JobPage(List<Job> jobs, String next) {
}
