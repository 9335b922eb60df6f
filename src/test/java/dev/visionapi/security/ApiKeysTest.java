package dev.visionapi.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.visionapi.config.AuthConfig;

class ApiKeysTest {

    @Test
    void aKeyIsNamedByTheFirstEightHexDigitsOfItsSha256() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("k-alpha-7f3a".getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        ApiKeys keys = new ApiKeys(List.of("k-alpha-7f3a", " k-beta-91cd "));
        assertThat(keys.nameOf("k-alpha-7f3a")).contains(expected);
        assertThat(expected).hasSize(8).doesNotContain("alpha");
    }

    @Test
    void onlyConfiguredKeysHaveNamesAndBlanksAreNoKeys() {
        ApiKeys keys = new ApiKeys(List.of("k-alpha-7f3a", " k-beta-91cd ", "  "));
        assertThat(keys.configured()).isTrue();
        assertThat(keys.nameOf("k-beta-91cd")).isPresent();
        assertThat(keys.nameOf("k-beta-91c")).isEmpty();
        assertThat(keys.nameOf("")).isEmpty();
        assertThat(new ApiKeys(List.of(" ")).configured()).isFalse();
    }

    @Test
    void aKeyListedTwiceIsOneKey() {
        ApiKeys keys = new ApiKeys(List.of("k-alpha-7f3a", "k-alpha-7f3a"));
        assertThat(keys.nameOf("k-alpha-7f3a")).isPresent();
    }

    @Test
    void theKeyIsReadFromEitherHeader() {
        assertThat(ApiKeyAuthenticationRequest.presentedIn(name -> name.equals("Authorization") ? "bearer  k1 " : null))
                .contains("k1");
        assertThat(ApiKeyAuthenticationRequest.presentedIn(name -> name.equals("X-API-Key") ? " k2" : null))
                .contains("k2");
        assertThat(ApiKeyAuthenticationRequest.presentedIn(name -> name.equals("Authorization") ? "Basic eDp5" : null))
                .isEmpty();
        assertThat(ApiKeyAuthenticationRequest.presentedIn(name -> name.equals("Authorization") ? "Bearer " : null))
                .isEmpty();
    }

    @Test
    void twoKeysUnderOneNameAreRefusedWithoutShowingEither() {
        // These two keys' digests share their first 32 bits (found by search), so their names clash.
        assertThatThrownBy(() -> new ApiKeys(List.of("key-8337", "key-15029")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("7152ff1c")
                .hasMessageNotContaining("key-8337").hasMessageNotContaining("key-15029");
    }

    @Test
    void keysComeFromTheListAndTheFileWithoutItsCommentsAndBlankLines(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("keys"), "# team A\n  file-key-1  \n\n#file-key-2\n");
        ApiKeys keys = new ApiKeys(config(Optional.of(List.of("list-key-1")), Optional.of(file)));
        assertThat(keys.nameOf("list-key-1")).isPresent();
        assertThat(keys.nameOf("file-key-1")).isPresent();
        assertThat(keys.nameOf("#file-key-2")).isEmpty();
        assertThat(keys.nameOf("file-key-2")).isEmpty();
        assertThat(new ApiKeys(config(Optional.empty(), Optional.empty())).configured()).isFalse();
    }

    @Test
    void anUnreadableKeyFileStopsTheService(@TempDir Path directory) {
        assertThatThrownBy(() -> new ApiKeys(config(Optional.empty(), Optional.of(directory.resolve("missing")))))
                .hasMessageContaining("cannot be read");
    }

    private static AuthConfig config(Optional<List<String>> list, Optional<Path> file) {
        return new TestAuthConfig(list, file, 0);
    }
}
