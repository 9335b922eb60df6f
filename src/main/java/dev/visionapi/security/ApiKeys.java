package dev.visionapi.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.visionapi.config.AuthConfig;
import io.quarkus.runtime.Startup;

/**
 * The configured API keys, kept as SHA-256 digests only, each with its name: the first 8 hex digits of its digest (a
 * name that can be logged and shown, never the key). Without keys the API is open. Read at start-up, so that an
 * unreadable key file stops the service instead of its first request.
 */
@Startup
@ApplicationScoped
public class ApiKeys {

    /** The role every request to the API needs: a valid key's identity has it, and every identity when no keys are set. */
    public static final String ROLE = "api-client";

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final int NAME_HEX_DIGITS = 8;

    private final List<KnownKey> keys;

    /** One accepted key: its digest and its name. */
    private record KnownKey(byte[] digest, String name) {
    }

    @Inject
    ApiKeys(AuthConfig config) {
        this(Stream.concat(config.apiKeys().orElse(List.of()).stream(),
                config.apiKeysFile().map(file -> {
                    try {
                        return Files.readAllLines(file).stream().filter(line -> !line.strip().startsWith("#"));
                    } catch (IOException e) {
                        throw new UncheckedIOException("API key file " + file + " cannot be read", e);
                    }
                }).orElse(Stream.empty())).toList());
    }

    ApiKeys(List<String> configured) {
        Map<String, KnownKey> byName = new LinkedHashMap<>();
        configured.stream().map(String::strip).filter(key -> !key.isEmpty()).map(ApiKeys::digest).forEach(digest -> {
            KnownKey key = new KnownKey(digest, HexFormat.of().formatHex(digest, 0, NAME_HEX_DIGITS / 2));
            KnownKey earlier = byName.putIfAbsent(key.name(), key);
            if (earlier != null && !MessageDigest.isEqual(earlier.digest(), digest)) {
                // Names identify keys in logs and rate limits: two keys under one name would share both.
                throw new IllegalStateException("Two API keys have the name " + key.name() + "; replace one of them");
            }
        });
        keys = List.copyOf(byName.values());
        LOG.infof("API keys %s", keys.isEmpty() ? "not configured: /v1 is open"
                : "required for /v1 (" + keys.size() + " keys: " + String.join(", ", byName.keySet()) + ")");
    }

    public boolean configured() {
        return !keys.isEmpty();
    }

    /**
     * The name of the configured key equal to this one, if any. Every configured digest is compared, in constant time,
     * so the time taken does not tell which key matched or how much of it.
     */
    public Optional<String> nameOf(String presented) {
        byte[] digest = digest(presented);
        String match = null;
        for (KnownKey key : keys) {
            if (MessageDigest.isEqual(key.digest(), digest)) {
                match = key.name();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
