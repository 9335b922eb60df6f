package dev.visionapi.image;

/** What Bedrock's Converse API accepts per image. */
final class BedrockImageLimits {

    /** 3.75 MB, taken as decimal megabytes so that either reading of "MB" is satisfied. */
    static final int MAX_BYTES = 3_750_000;
    static final int MAX_SIDE = 8_000;

    private BedrockImageLimits() {
    }
}
