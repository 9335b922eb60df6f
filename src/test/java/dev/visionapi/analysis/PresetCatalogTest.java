package dev.visionapi.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A broken preset file stops start-up with a message that names the preset and the problem. */
class PresetCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void theBuiltInPresetsAreValid() throws IOException {
        PresetCatalog catalog = new PresetCatalog(Optional::empty, JSON);
        assertThat(catalog.all()).extracting(Preset::id).contains("caption", "alt-text", "moderation",
                "content-match", "mask-prompt", "text-extraction");
        assertThat(catalog.all()).allSatisfy(preset -> assertThat(PresetCatalog.problems(preset)).isEmpty());
    }

    @Test
    void aPlaceholderWithoutAParameterIsNamed() {
        assertRefused("""
                [{"id": "greeting", "name": "Greeting", "prompt": "Say {{what}}", "parameters": []}]""",
                "Preset 'greeting'", "uses placeholders [what] but it declares parameters []");
    }

    @Test
    void aSchemaThatIsNotAnObjectIsNamed() {
        assertRefused("""
                [{"id": "count", "name": "Count", "prompt": "Count.", "parameters": [],
                  "schema": {"type": "integer"}}]""",
                "Preset 'count'", "its schema must describe an object");
    }

    @Test
    void anEnumFromAMissingParameterIsNamed() {
        assertRefused("""
                [{"id": "sort", "name": "Sort", "prompt": "Sort.", "parameters": [],
                  "schema": {"type": "object", "properties": {"bin": {"type": "string"}}},
                  "schemaEnums": {"bin": "bins"}}]""",
                "Preset 'sort'", "schemaEnums maps 'bin' to 'bins'");
    }

    @Test
    void anOutOfRangeTemperatureIsNamed() {
        assertRefused("""
                [{"id": "hot", "name": "Hot", "prompt": "Go.", "parameters": [], "temperature": 2}]""",
                "Preset 'hot'", "temperature must be 0 to 1");
    }

    @Test
    void aFileThatIsNotJsonIsNamed() {
        assertRefused("presets: [caption]", "cannot be read as a JSON array of presets");
    }

    private void assertRefused(String content, String... fragments) {
        Path file = directory.resolve("presets.json");
        assertThatThrownBy(() -> {
            Files.writeString(file, content);
            new PresetCatalog(() -> Optional.of(file), JSON);
        }).isInstanceOf(IllegalStateException.class).hasMessageContainingAll(fragments);
    }
}
