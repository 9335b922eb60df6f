package dev.visionapi.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The sample images shipped in {@code samples/} on the class path (see {@code samples/LICENSES.md}), loaded once.
 * Their index, {@code samples/samples.json}, gives each an ID and a name; the format comes from the bytes.
 */
@ApplicationScoped
public class SampleCatalog {

    private static final String DIRECTORY = "samples/";

    private final Map<String, Sample> samples = new LinkedHashMap<>();

    record Entry(String id, String name, String file) {
    }

    SampleCatalog(ObjectMapper json) throws IOException {
        for (Entry entry : json.readValue(read("samples.json"), Entry[].class)) {
            byte[] bytes = read(entry.file());
            ImageFormat format = ImageFormat.detect(bytes)
                    .orElseThrow(() -> new IllegalStateException("Sample " + entry.file() + " is not an image"));
            samples.put(entry.id(), new Sample(entry.id(), entry.name(), format, bytes));
        }
    }

    public Collection<Sample> all() {
        return List.copyOf(samples.values());
    }

    public Optional<Sample> find(String id) {
        return Optional.ofNullable(samples.get(id));
    }

    private static byte[] read(String file) {
        try (InputStream in = SampleCatalog.class.getClassLoader().getResourceAsStream(DIRECTORY + file)) {
            if (in == null) {
                throw new IllegalStateException("Sample resource missing: " + DIRECTORY + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
