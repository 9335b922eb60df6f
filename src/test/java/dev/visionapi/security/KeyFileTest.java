package dev.visionapi.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file's lines: bare keys, {@code name:key} and {@code name:key:budget}; a malformed line stops start-up. */
class KeyFileTest {

    private static final Path FILE = Path.of("/etc/keys/api-keys");

    @Test
    void theThreeFormsOfALine() {
        List<KeyFile.Entry> entries = KeyFile.parse(FILE, List.of("# comment", "", "  bare-key-1  ",
                "team-a:key-a", "team-b:key-b:", "team-c : key-c : 12.50"));
        assertThat(entries).containsExactly(
                new KeyFile.Entry(null, "bare-key-1", null, 3),
                new KeyFile.Entry("team-a", "key-a", null, 4),
                new KeyFile.Entry("team-b", "key-b", null, 5),
                new KeyFile.Entry("team-c", "key-c", new BigDecimal("12.50"), 6));
    }

    @Test
    void namedKeysHaveTheirNamesAndBudgetsAndBareKeysTheirDigestNames(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("keys"),
                "# teams\nbare-key-1\nteam-a:key-a:0.000001\nteam-b:key-b\n");
        ApiKeys keys = new ApiKeys(new TestAuthConfig(Optional.of(List.of("listed-key")), Optional.of(file), 0));
        assertThat(keys.nameOf("key-a")).contains("team-a");
        assertThat(keys.nameOf("key-b")).contains("team-b");
        assertThat(keys.nameOf("bare-key-1")).contains(digestName("bare-key-1"));
        assertThat(keys.nameOf("listed-key")).contains(digestName("listed-key"));
        assertThat(keys.nameOf("team-a")).isEmpty();
        assertThat(keys.budgetOf("team-a")).contains(new BigDecimal("0.000001"));
        assertThat(keys.budgetOf("team-b")).isEmpty();
        assertThat(keys.budgetOf(digestName("bare-key-1"))).isEmpty();
    }

    @Test
    void aMalformedLineStopsStartUpNamingFileAndLineButNotTheKey() {
        expectMalformed(List.of("ok-key", "team:secret-one:ten"), 2, "budget is not a decimal");
        expectMalformed(List.of("team:secret-one:-1"), 1, "negative");
        expectMalformed(List.of("# c", "team:secret-one:1:2"), 2, "more than two ':'");
        expectMalformed(List.of("bad name:secret-one"), 1, "the name must be");
        expectMalformed(List.of(":secret-one"), 1, "the name must be");
        expectMalformed(List.of("secret-one:"), 1, "the key is empty");
        expectMalformed(List.of("team:  :5"), 1, "the key is empty");
    }

    @Test
    void namesAreUniqueAndAKeyHasOneName() {
        assertThatThrownBy(() -> new ApiKeys(List.of(), KeyFile.parse(FILE, List.of("team:secret-one", "team:secret-two"))))
                .hasMessageContaining("Two API keys have the name team").hasMessageContaining("line 2")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> new ApiKeys(List.of(), KeyFile.parse(FILE, List.of("team-a:secret-one",
                "team-b:secret-one"))))
                .hasMessageContaining("team-a and team-b").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> new ApiKeys(List.of("secret-one"), KeyFile.parse(FILE, List.of("team:secret-one"))))
                .hasMessageContaining("two names").hasMessageNotContaining("secret-one");
        // A named key may not take the name another key has by its digest.
        assertThatThrownBy(() -> new ApiKeys(List.of("secret-one"),
                KeyFile.parse(FILE, List.of(digestName("secret-one") + ":secret-two"))))
                .hasMessageContaining("Two API keys have the name").hasMessageNotContaining("secret-t");
        assertThat(new ApiKeys(List.of(), KeyFile.parse(FILE, List.of("team:secret-one:5", "team:secret-one:5")))
                .nameOf("secret-one")).contains("team");
    }

    private static void expectMalformed(List<String> lines, int line, String reason) {
        assertThatThrownBy(() -> KeyFile.parse(FILE, lines))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("API key file " + FILE + ", line " + line + ": ")
                .hasMessageContaining(reason)
                .hasMessageNotContaining("secret");
    }

    private static String digestName(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    }
}
