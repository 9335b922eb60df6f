package dev.visionapi.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the API open when no keys are configured. Decision: the resources always require {@link ApiKeys#ROLE}, and
 * without keys this augmentor grants it to every identity, the anonymous one included, so one annotation guards both modes.
 */
@ApplicationScoped
public class OpenWithoutKeys implements SecurityIdentityAugmentor {

    private final boolean open;

    OpenWithoutKeys(ApiKeys keys) {
        this.open = !keys.configured();
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!open || identity.hasRole(ApiKeys.ROLE)) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRole(ApiKeys.ROLE).build());
    }
}
