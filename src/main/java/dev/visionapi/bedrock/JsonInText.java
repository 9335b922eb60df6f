package dev.visionapi.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON object a JSON-only answer holds, past any prose or code fence a model wrote around it. */
public final class JsonInText {

    private JsonInText() {
    }

    /** The text from its first '{' to its last '}' read as JSON; null when there is none or it is not JSON. */
    public static JsonNode objectIn(ObjectMapper json, String text) {
        int start = text.indexOf('{');
        int end = text.lastIndexOf('}');
        if (start < 0 || end < start) {
            return null;
        }
        try {
            return json.readTree(text.substring(start, end + 1));
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
