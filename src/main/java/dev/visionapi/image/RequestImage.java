package dev.visionapi.image;

/**
 * One image of a request as it reaches the analysis: its content in memory ({@link ImageUpload}), or a reference to
 * where the model reads it itself ({@link ImageReference}).
 */
public sealed interface RequestImage permits ImageUpload, ImageReference {

    /** How the image is named in error messages: the client's file name, the sample ID, the URL or S3 URI. */
    String name();
}
