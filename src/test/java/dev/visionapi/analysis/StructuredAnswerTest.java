package dev.visionapi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class StructuredAnswerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final StructuredAnswer structure = new StructuredAnswer();

    @Test
    void validDataHasNoProblemsAndInvalidDataSaysWhy() throws Exception {
        JsonNode schema = JSON.readTree("""
                {"type": "object", "properties": {"confidence": {"type": "number", "maximum": 1}},
                 "required": ["confidence"]}""");
        assertThat(structure.problems(JSON.readTree("{\"confidence\": 0.4}"), schema)).isEmpty();
        assertThat(structure.problems(JSON.readTree("{\"confidence\": 4}"), schema)).isNotEmpty();
        assertThat(structure.problems(JSON.readTree("{}"), schema)).isNotEmpty();
        assertThat(structure.problems(null, schema)).containsExactly("the answer holds no JSON object");
    }

    @Test
    void rendersWithATemplateOrGenerically() throws Exception {
        JsonNode data = JSON.readTree("""
                {"subject": "cat", "objects": [{"name": "cat", "count": 2}, {"name": "mat", "count": 1}],
                 "safe": true}""");
        assertThat(structure.render(data, "<object>{{subject}}</object>")).isEqualTo("<object>cat</object>");
        assertThat(structure.render(data, null)).isEqualTo("subject: cat\nobjects: cat (2), mat (1)\nsafe: true");
    }
}
