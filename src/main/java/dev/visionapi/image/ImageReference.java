package dev.visionapi.image;

/**
 * An image the model reads where it is stored, judged by {@link ImagePreparer#asStored} from the object's first bytes
 * to need no preparation: nothing of it is held but what is reported.
 *
 * @param asSent the image as the model gets it: its location, format and header dimensions, without bytes
 * @param bytesRead how many of its bytes the service read to judge it
 */
public record ImageReference(String name, PreparedImage asSent, int bytesRead) implements RequestImage {
}
