package dev.visionapi.bedrock.emulator;

import java.util.Base64;
import java.util.List;

/** The images a Converse call carried, as bytes: what tests compare with what was uploaded. */
public final class ReceivedImages {

    private ReceivedImages() {
    }

    /** The bytes of the call's images, decoded from base64, in order; every image must have come as bytes. */
    public static List<byte[]> of(ConverseCall call) {
        return call.images().stream()
                .map(image -> Base64.getDecoder().decode(image.getJsonObject("source").getString("bytes")))
                .toList();
    }

    /** The URIs of the call's images that the model is to read from S3 ({@code s3Location}), in order. */
    public static List<String> s3Uris(ConverseCall call) {
        return call.s3Locations().stream().map(location -> location.getString("uri")).toList();
    }
}
