package dev.visionapi.image;

/** One image as received from a client or taken from the samples, before it is checked. */
public non-sealed interface ImageUpload extends RequestImage {

    /** How the image is named in error messages: the client's file name or the sample ID. */
    @Override
    String name();

    /** The content, in memory; never changed after it is received. */
    byte[] bytes();
}
