package dev.visionapi.bedrock;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.SdkNumber;
import software.amazon.awssdk.core.document.Document;

/** Converts between Jackson's JSON trees and the SDK's {@link Document}, which tool schemas and inputs use. */
final class JsonDocuments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonDocuments() {
    }

    static Document toDocument(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Document.fromNull();
        }
        if (node.isObject()) {
            Map<String, Document> members = new LinkedHashMap<>();
            node.properties().forEach(member -> members.put(member.getKey(), toDocument(member.getValue())));
            return Document.fromMap(members);
        }
        if (node.isArray()) {
            List<Document> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(toDocument(item)));
            return Document.fromList(items);
        }
        if (node.isBoolean()) {
            return Document.fromBoolean(node.booleanValue());
        }
        if (node.isNumber()) {
            return Document.fromNumber(SdkNumber.fromBigDecimal(node.decimalValue()));
        }
        return Document.fromString(node.asText());
    }

    static JsonNode toJson(Document document) {
        if (document == null || document.isNull()) {
            return NODES.nullNode();
        }
        if (document.isMap()) {
            ObjectNode object = NODES.objectNode();
            document.asMap().forEach((name, value) -> object.set(name, toJson(value)));
            return object;
        }
        if (document.isList()) {
            ArrayNode array = NODES.arrayNode();
            document.asList().forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (document.isBoolean()) {
            return NODES.booleanNode(document.asBoolean());
        }
        if (document.isNumber()) {
            return NODES.numberNode(document.asNumber().bigDecimalValue());
        }
        return NODES.textNode(document.asString());
    }
}
