package dev.visionapi.api;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.config.ImagesConfig;
import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Lets a JSON request carry an image of up to {@code images.max-file-bytes} in base64: Jackson refuses strings over
 * 20 million characters by default, about 15 MB of image. The body as a whole stays bounded by
 * {@code quarkus.http.limits.max-body-size} and the upload memory.
 */
@Singleton
public class JsonBodyLimits implements ObjectMapperCustomizer {

    private final int maxStringLength;

    JsonBodyLimits(ImagesConfig images) {
        this.maxStringLength = (int) Math.min(Integer.MAX_VALUE, (images.maxFileBytes() + 2) / 3 * 4 + 1024);
    }

    @Override
    public void customize(ObjectMapper mapper) {
        StreamReadConstraints defaults = mapper.getFactory().streamReadConstraints();
        if (defaults.getMaxStringLength() < maxStringLength) {
            mapper.getFactory().setStreamReadConstraints(
                    StreamReadConstraints.builder().maxStringLength(maxStringLength).build());
        }
    }
}
