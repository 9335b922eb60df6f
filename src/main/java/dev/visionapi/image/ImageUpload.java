package dev.visionapi.image;

import java.io.IOException;

/** One image as received from a client or taken from the samples, before it is checked. */
public interface ImageUpload {

    /** How the image is named in error messages: the client's file name or the sample ID. */
    String name();

    /** Size in bytes, known before the content is read. */
    long size();

    /** The content; may block on file I/O, so it is only called off the event loop. */
    byte[] bytes() throws IOException;
}
