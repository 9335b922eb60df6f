package dev.visionapi.cache;

import java.util.Locale;

/**
 * What a request's {@code Cache-Control} asks of the result cache: {@code no-cache} skips the lookup (the fresh answer
 * is stored for the requests after it), {@code no-store} keeps the answer out of the cache (RFC 9111, 5.2.1).
 */
public record CacheDirectives(boolean noCache, boolean noStore) {

    public static final CacheDirectives NONE = new CacheDirectives(false, false);

    /** The directives of a {@code Cache-Control} header's value; null or unknown directives ask for nothing. */
    public static CacheDirectives of(String cacheControl) {
        if (cacheControl == null || cacheControl.isBlank()) {
            return NONE;
        }
        boolean noCache = false;
        boolean noStore = false;
        for (String directive : cacheControl.split(",")) {
            String name = directive.strip().toLowerCase(Locale.ROOT);
            int equals = name.indexOf('=');
            if (equals >= 0) {
                // max-age=0: nothing stored is young enough, as no-cache says.
                noCache |= name.substring(0, equals).strip().equals("max-age")
                        && name.substring(equals + 1).strip().equals("0");
                continue;
            }
            noCache |= name.equals("no-cache");
            noStore |= name.equals("no-store");
        }
        return new CacheDirectives(noCache, noStore);
    }
}
