package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.SdkBytes;

/** The final Converse body: each placeholder's base64 replaced by its image's, the rest of the JSON untouched. */
class ImageBodyWriterTest {

    @Test
    void eachPlaceholderBecomesItsImageWhereverItStands() {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        byte[] first = {1, 2, 3, 4};
        byte[] second = new byte[1000];
        second[999] = 7;
        String firstPlaceholder = base64(images.placeholder(first));
        String secondPlaceholder = base64(images.placeholder(second));
        // The second image first in the JSON: order follows the marshalled text, not the order of placeholder().
        String marshalled = "{\"a\":\"" + secondPlaceholder + "\",\"text\":\"x\",\"b\":\"" + firstPlaceholder + "\"}";

        String body = new String(ImageBodyWriter.write(marshalled, images), StandardCharsets.ISO_8859_1);

        assertThat(body).isEqualTo("{\"a\":\"" + Base64.getEncoder().encodeToString(second) + "\",\"text\":\"x\",\"b\":\""
                + Base64.getEncoder().encodeToString(first) + "\"}");
    }

    @Test
    void anEmptyImageIsAnEmptyString() {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        String placeholder = base64(images.placeholder(new byte[0]));

        byte[] body = ImageBodyWriter.write("[\"" + placeholder + "\"]", images);

        assertThat(new String(body, StandardCharsets.ISO_8859_1)).isEqualTo("[\"\"]");
    }

    @Test
    void aPlaceholderMissingFromTheMarshalledRequestIsAnError() {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        images.placeholder(new byte[] {1});

        assertThatThrownBy(() -> ImageBodyWriter.write("{\"text\":\"no image\"}", images))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPlaceholderThatAppearsTwiceIsAnError() {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        String placeholder = base64(images.placeholder(new byte[] {1}));

        assertThatThrownBy(() -> ImageBodyWriter.write("[\"" + placeholder + "\",\"" + placeholder + "\"]", images))
                .isInstanceOf(IllegalStateException.class);
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }
}
