package dev.visionapi.security;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A path policy named in {@code quarkus.http.auth.permission.*.policy}: when it requires a key, only an identity with
 * {@link ApiKeys#ROLE} passes; otherwise every request does, without authenticating it.
 */
final class ApiKeyPolicy implements HttpSecurityPolicy {

    private final String name;
    private final boolean keyRequired;

    ApiKeyPolicy(String name, boolean keyRequired) {
        this.name = name;
        this.keyRequired = keyRequired;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
            AuthorizationRequestContext context) {
        if (!keyRequired) {
            return CheckResult.permit();
        }
        return identity.map(known -> {
            if (known.hasRole(ApiKeys.ROLE)) {
                return CheckResult.PERMIT;
            }
            if (known.isAnonymous()) {
                // Quarkus answers a denied anonymous request with the mechanism's challenge and an empty body; failed
                // instead, the request reaches the exception mappers, which answer with a problem.
                throw new UnauthorizedException();
            }
            return CheckResult.DENY;
        });
    }
}
