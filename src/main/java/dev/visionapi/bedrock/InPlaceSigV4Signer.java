package dev.visionapi.bedrock;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.BaseSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SdkInternalHttpSignerProperty;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignerProperty;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * The SDK's SigV4 signer, made to hash an {@link InMemoryBody} where it lies.
 * <p>
 * Why: for an asynchronous body, the SDK's signer (2.57) copies each chunk it hashes into a buffer of its own and
 * sends that buffer, so every call in flight held its body (the images, base64) twice for as long as Bedrock took to
 * answer. Its synchronous path hashes a stream and leaves the body as it is. For a body held in memory this signer
 * takes that path, with the same signer, request and properties, so the signature is the one the SDK would compute,
 * and sends the body's own buffer. Any other body, or a signature that would change the body (chunked signing), is
 * left to the SDK's asynchronous path.
 */
final class InPlaceSigV4Signer implements AwsV4HttpSigner {

    /** Every property the SigV4 signer reads: those its interfaces declare, and the SDK's internal checksum store. */
    private static final List<SignerProperty<?>> PROPERTIES = declaredProperties(AwsV4HttpSigner.class,
            SdkInternalHttpSignerProperty.class);

    private final AwsV4HttpSigner sdk = AwsV4HttpSigner.create();

    /** SigV4 as the SDK configures it for Bedrock, signing with this signer. */
    static AwsV4AuthScheme authScheme() {
        return authScheme(new InPlaceSigV4Signer());
    }

    /** SigV4 as the SDK configures it for Bedrock, signing with the given signer. */
    static AwsV4AuthScheme authScheme(AwsV4HttpSigner signer) {
        AwsV4AuthScheme sdkScheme = AwsV4AuthScheme.create();
        return new AwsV4AuthScheme() {
            @Override
            public String schemeId() {
                return sdkScheme.schemeId();
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return sdkScheme.identityProvider(providers);
            }

            @Override
            public AwsV4HttpSigner signer() {
                return signer;
            }
        };
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        return sdk.sign(request);
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        if (!(request.payload().orElse(null) instanceof InMemoryBody body)) {
            return sdk.signAsync(request);
        }
        ContentStreamProvider content = body.contentStreamProvider();
        SignRequest.Builder<AwsCredentialsIdentity> inPlace = SignRequest.<AwsCredentialsIdentity>builder(request.identity())
                .request(request.request())
                .payload(content);
        PROPERTIES.forEach(property -> copy(property, request, inPlace));
        SignedRequest signed = sdk.sign(inPlace.build());
        if (signed.payload().orElse(null) != content) {
            return sdk.signAsync(request);
        }
        return CompletableFuture.completedFuture(AsyncSignedRequest.builder()
                .request(signed.request())
                .payload(body)
                .build());
    }

    private static <T> void copy(SignerProperty<T> property, BaseSignRequest<?, ?> from,
            SignRequest.Builder<AwsCredentialsIdentity> to) {
        if (from.hasProperty(property)) {
            to.putProperty(property, from.property(property));
        }
    }

    private static List<SignerProperty<?>> declaredProperties(Class<?>... holders) {
        List<SignerProperty<?>> properties = new ArrayList<>();
        for (Class<?> holder : holders) {
            for (Field field : holder.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && SignerProperty.class.isAssignableFrom(field.getType())) {
                    try {
                        properties.add((SignerProperty<?>) field.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("SigV4 signer property " + field.getName() + " is unreadable", e);
                    }
                }
            }
        }
        return List.copyOf(properties);
    }
}
