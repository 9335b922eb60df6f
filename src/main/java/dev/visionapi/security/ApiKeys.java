package dev.visionapi.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.visionapi.config.AuthConfig;
import io.quarkus.runtime.Startup;

/**
 * The configured API keys, kept as SHA-256 digests only, each with its name (a name that can be logged and shown, never
 * the key): the one given in the key file ({@code name:key} or {@code name:key:budget}, see {@link KeyFile}), else the
 * first 8 hex digits of its digest. A key of the file may carry a monthly budget in USD. Without keys the API is open.
 * Read at start-up, so that an unreadable or malformed key file stops the service instead of its first request.
 */
@Startup
@ApplicationScoped
public class ApiKeys {

    /** The role every request to the API needs: a valid key's identity has it, and every identity when no keys are set. */
    public static final String ROLE = "api-client";

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final int NAME_HEX_DIGITS = 8;

    private final List<KnownKey> keys;
    private final Map<String, BigDecimal> budgets;

    /** One accepted key: its digest, its name and its monthly budget (null: none). */
    private record KnownKey(byte[] digest, String name, BigDecimal budgetUsd) {
    }

    @Inject
    ApiKeys(AuthConfig config) {
        this(config.apiKeys().orElse(List.of()), config.apiKeysFile().map(file -> {
            try {
                return KeyFile.parse(file, Files.readAllLines(file));
            } catch (IOException e) {
                throw new UncheckedIOException("API key file " + file + " cannot be read", e);
            }
        }).orElse(List.of()));
    }

    ApiKeys(List<String> configured) {
        this(configured, List.of());
    }

    /** The keys of {@code auth.api-keys} (bare keys) and those of the key file. */
    ApiKeys(List<String> listed, List<KeyFile.Entry> fromFile) {
        Map<String, KnownKey> byName = new LinkedHashMap<>();
        Map<String, String> nameByDigest = new HashMap<>();
        listed.stream().map(String::strip).filter(key -> !key.isEmpty())
                .forEach(key -> add(byName, nameByDigest, digest(key), null, null, null));
        fromFile.forEach(entry -> add(byName, nameByDigest, digest(entry.key()), entry.name(), entry.budgetUsd(),
                "line " + entry.line() + " of the API key file"));
        keys = List.copyOf(byName.values());
        Map<String, BigDecimal> budgeted = new HashMap<>();
        keys.stream().filter(key -> key.budgetUsd() != null).forEach(key -> budgeted.put(key.name(), key.budgetUsd()));
        budgets = Map.copyOf(budgeted);
        LOG.infof("API keys %s", keys.isEmpty() ? "not configured: /v1 is open"
                : "required for /v1 (" + keys.size() + " keys: " + String.join(", ", byName.keySet()) + "; "
                        + budgets.size() + " with a monthly budget)");
    }

    /** Adds a key under its name (its digest's first hex digits when none is given); {@code where} names its line. */
    private static void add(Map<String, KnownKey> byName, Map<String, String> nameByDigest, byte[] digest, String name,
            BigDecimal budget, String where) {
        String hex = HexFormat.of().formatHex(digest);
        KnownKey key = new KnownKey(digest, name != null ? name : hex.substring(0, NAME_HEX_DIGITS), budget);
        String at = where == null ? "" : " (" + where + ")";
        String earlierName = nameByDigest.get(hex);
        if (earlierName != null && !earlierName.equals(key.name())) {
            throw new IllegalStateException("One API key is listed under two names, " + earlierName + " and "
                    + key.name() + at + "; keep one");
        }
        KnownKey earlier = byName.putIfAbsent(key.name(), key);
        if (earlier != null && (!MessageDigest.isEqual(earlier.digest(), digest)
                || !Objects.equals(earlier.budgetUsd(), budget))) {
            // Names identify keys in logs, rate limits, usage and budgets: two keys under one name would share them.
            throw new IllegalStateException("Two API keys have the name " + key.name() + at + "; replace one of them");
        }
        nameByDigest.put(hex, key.name());
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

    /** The monthly budget in USD of the key with this name, if it has one. */
    public Optional<BigDecimal> budgetOf(String name) {
        return Optional.ofNullable(budgets.get(name));
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
