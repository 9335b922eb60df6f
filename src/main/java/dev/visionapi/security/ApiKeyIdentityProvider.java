package dev.visionapi.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Accepts a configured API key: the identity's principal is the key's name, with the {@link ApiKeys#ROLE} role. A key
 * that is not configured fails authentication (401) and counts against its client address
 * ({@link FailedAuthentications}). Hashing a key is quick, so it is done on the calling thread.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    private final ApiKeys keys;
    private final FailedAuthentications failures;

    ApiKeyIdentityProvider(ApiKeys keys, FailedAuthentications failures) {
        this.keys = keys;
        this.failures = failures;
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        return keys.nameOf(request.key())
                .map(name -> Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(name)).addRole(ApiKeys.ROLE).build()))
                .orElseGet(() -> {
                    RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
                    if (routing != null) {
                        failures.failed(ApiKeyAuthenticationMechanism.clientAddress(routing));
                    }
                    return Uni.createFrom().failure(new AuthenticationFailedException("The API key is not valid."));
                });
    }
}
