package dev.visionapi.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.image.PreparedImage;

/**
 * The hex SHA-256 of everything that decides a model's answer: each image's bytes as sent to Bedrock (so an image
 * uploaded, fetched by URL or read from S3 has one key), the system prompt, the prompt, the schema and text
 * template, the model, {@code maxTokens} and the temperature.
 */
public record ResultKey(String hash) {

    // Part of every key: a change of what a key covers or of how answers are stored starts with empty caches.
    private static final String VERSION = "result-key-1";

    /**
     * The key of a call whose answer may be served again: one with temperature 0 whose images all come as bytes; empty
     * for others. An image Bedrock reads from S3 itself has no bytes here, and its object may change under the same
     * URI; a temperature above 0 asks for a different answer each time.
     */
    public static Optional<ResultKey> of(ModelCall call, String textTemplate) {
        if (call.temperature() != 0f || call.images().stream().anyMatch(image -> image.location().isPresent())) {
            return Optional.empty();
        }
        MessageDigest key = sha256();
        field(key, VERSION);
        field(key, call.modelId());
        field(key, Integer.toString(call.maxTokens()));
        field(key, Float.toString(call.temperature()));
        field(key, call.system().orElse(null));
        field(key, call.prompt());
        field(key, call.outputSchema().map(JsonNode::toString).orElse(null));
        field(key, textTemplate);
        key.update(ByteBuffer.allocate(Integer.BYTES).putInt(call.images().size()).array());
        for (PreparedImage image : call.images()) {
            field(key, image.format().mediaType());
            key.update(sha256().digest(image.bytes()));
        }
        return Optional.of(new ResultKey(HexFormat.of().formatHex(key.digest())));
    }

    /** A text with its length in front, so that no two lists of fields hash alike; null apart from empty. */
    private static void field(MessageDigest digest, String value) {
        if (value == null) {
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
