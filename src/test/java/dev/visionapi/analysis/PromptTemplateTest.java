package dev.visionapi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Test
    void findsPlaceholders() {
        assertThat(PromptTemplate.placeholders("Into {{language}}, say so in {{language}}; {{x-y}}"))
                .containsExactlyInAnyOrder("language", "x-y");
    }

    @Test
    void fillsEveryOccurrence() {
        assertThat(PromptTemplate.fill("A {{a}} and {{a}} {{b}}", Map.of("a", "1", "b", "2"))).isEqualTo("A 1 and 1 2");
    }

    @Test
    void insertedValuesAreNeverExpandedAgain() {
        assertThat(PromptTemplate.fill("Q: {{q}} L: {{l}}", Map.of("q", "{{l}} $0 \\", "l", "fr")))
                .isEqualTo("Q: {{l}} $0 \\ L: fr");
    }
}
