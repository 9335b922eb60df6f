package dev.visionapi.security;

import java.time.Duration;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the API key of a request ({@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}) for
 * {@link ApiKeyIdentityProvider}. A request without one is anonymous; without configured keys every request is.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** The {@code WWW-Authenticate} value of every 401. */
    public static final String CHALLENGE = "Bearer realm=\"image-understanding\"";

    private static final Uni<ChallengeData> UNAUTHORIZED = Uni.createFrom()
            .item(new ChallengeData(401, "WWW-Authenticate", CHALLENGE));

    private final ApiKeys keys;
    private final FailedAuthentications failures;

    ApiKeyAuthenticationMechanism(ApiKeys keys, FailedAuthentications failures) {
        this.keys = keys;
        this.failures = failures;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!keys.configured()) {
            return Uni.createFrom().nullItem();
        }
        return ApiKeyAuthenticationRequest.presentedIn(context.request()::getHeader)
                .map(key -> {
                    // An address that sent too many wrong keys is refused before this one is compared.
                    long wait = failures.secondsToWait(clientAddress(context));
                    if (wait > 0) {
                        return Uni.createFrom().<SecurityIdentity>failure(new ProblemException(ProblemType.RATE_LIMITED,
                                "Too many wrong API keys from this address: at most %d a minute."
                                        .formatted(failures.perMinute()), Duration.ofSeconds(wait), null));
                    }
                    return identities.authenticate(
                            HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyAuthenticationRequest(key), context));
                })
                .orElseGet(() -> Uni.createFrom().nullItem());
    }

    /** The address failed authentications are counted by (the forwarded one when proxy forwarding is enabled). */
    static String clientAddress(RoutingContext context) {
        return context.request().remoteAddress() == null ? "" : context.request().remoteAddress().hostAddress();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return UNAUTHORIZED;
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }
}
