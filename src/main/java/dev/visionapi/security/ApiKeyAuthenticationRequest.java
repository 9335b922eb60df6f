package dev.visionapi.security;

import java.util.Optional;
import java.util.function.UnaryOperator;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An API key a request presented, to be checked by {@link ApiKeyIdentityProvider}. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private static final String BEARER = "Bearer ";

    private final String key;

    ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    /**
     * The key in {@code Authorization: Bearer <key>} or, without a bearer token, in {@code X-API-Key: <key>}; the
     * function gives a request header's value by its name, or null.
     */
    public static Optional<String> presentedIn(UnaryOperator<String> header) {
        String authorization = header.apply("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(authorization.substring(BEARER.length()).strip()).filter(key -> !key.isEmpty());
        }
        return Optional.ofNullable(header.apply("X-API-Key")).map(String::strip).filter(key -> !key.isEmpty());
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest"; // never the key
    }
}
