package dev.visionapi.api;

import java.util.List;

import io.vertx.core.MultiMap;

/** A multipart form as {@link MultipartReceiver} received it: its text fields and its image files, in memory. */
record ReceivedForm(MultiMap fields, List<UploadedImage> images) {

    /** Where the form waits in the routing context for the REST layer. */
    static final String CONTEXT_KEY = ReceivedForm.class.getName();
}
