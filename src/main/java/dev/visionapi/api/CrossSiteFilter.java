package dev.visionapi.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.visionapi.problem.ProblemType;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a state-changing request (POST, PUT, PATCH, DELETE) that a browser sent from another site: its
 * {@code Origin} is neither this service's own (the request's scheme and host, as forwarded when proxy forwarding is
 * enabled) nor one of {@code quarkus.http.cors.origins}, or, without an {@code Origin}, its {@code Sec-Fetch-Site} says
 * it comes from another site. A multipart form is a CORS "simple" request, so without this any page could make its
 * visitors' browsers run analyses. Requests without either header (curl, servers) are not browsers' and pass.
 */
@ApplicationScoped
public class CrossSiteFilter {

    private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final Set<String> OTHER_SITES = Set.of("cross-site", "same-site");

    private final List<String> allowedOrigins;
    private final List<Pattern> allowedOriginPatterns;
    private final boolean anyOrigin;

    CrossSiteFilter(@ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> corsOrigins) {
        List<String> origins = corsOrigins.orElse(List.of()).stream().map(String::strip).filter(o -> !o.isEmpty())
                .toList();
        this.anyOrigin = origins.contains("*");
        // As in Quarkus' CORS filter, an entry between slashes is a regular expression.
        this.allowedOriginPatterns = origins.stream().filter(o -> o.length() > 2 && o.startsWith("/") && o.endsWith("/"))
                .map(o -> Pattern.compile(o.substring(1, o.length() - 1))).toList();
        this.allowedOrigins = origins.stream().filter(o -> !(o.length() > 2 && o.startsWith("/") && o.endsWith("/")))
                .map(CrossSiteFilter::normalised).flatMap(Optional::stream).toList();
    }

    void register(@Observes Router router) {
        // Right after the request ID and body-length filters: before authentication, admission and the REST layer,
        // so that every path and method is covered, those the REST layer would answer 404 or 405 included.
        router.route().order(Integer.MIN_VALUE + 2).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!STATE_CHANGING.contains(request.method()) || allowed(request)) {
            context.next();
            return;
        }
        ProblemWriter.write(context, ProblemType.CROSS_SITE_REQUEST, "This service accepts POST, PUT, PATCH and DELETE "
                + "requests from its own web page only, or from the origins it is configured to allow.",
                Map.of("Vary", "Origin"));
    }

    private boolean allowed(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            String site = request.getHeader("Sec-Fetch-Site");
            return site == null || !OTHER_SITES.contains(site.strip().toLowerCase(Locale.ROOT));
        }
        if (anyOrigin || allowedOriginPatterns.stream().anyMatch(p -> p.matcher(origin).matches())) {
            return true;
        }
        Optional<String> presented = normalised(origin);
        return presented.isPresent()
                && (presented.get().equals(ownOrigin(request)) || allowedOrigins.contains(presented.get()));
    }

    /** This service's origin as the client addressed it: scheme and Host (or :authority), port made explicit. */
    private static String ownOrigin(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority == null) {
            return "";
        }
        String scheme = request.scheme() == null ? "http" : request.scheme().toLowerCase(Locale.ROOT);
        int port = authority.port() > 0 ? authority.port() : defaultPort(scheme);
        return scheme + "://" + authority.host().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** {@code scheme://host:port} with the scheme's default port made explicit, or empty for "null" and nonsense. */
    private static Optional<String> normalised(String origin) {
        try {
            URI uri = new URI(origin.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() > 0 ? uri.getPort() : defaultPort(scheme);
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }
}
