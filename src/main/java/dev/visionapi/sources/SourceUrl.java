package dev.visionapi.sources;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/**
 * A URL that passed the checks that need no lookup: scheme, user-info, port and the form of the host.
 *
 * @param host the host name as the certificate must name it, or the IP address literal (without brackets)
 * @param literal the address when the host is an IP literal; empty for a name that is looked up
 * @param pathAndQuery what is sent in the request line
 */
record SourceUrl(URI uri, boolean https, String host, Optional<InetAddress> literal, int port, String pathAndQuery) {

    /** Canonical dotted-quad IPv4: any other numeric host (2130706433, 0177.0.0.1, 0x7f.1) is refused. */
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** A host whose last label is a number, as WHATWG URL parsers (browsers, curl) read it: an IPv4 address. */
    private static final Pattern NUMERIC_LAST_LABEL = Pattern.compile("(?i)(.*\\.)?(\\d+|0x[0-9a-f]*)\\.?");
    /** LDH host names, optionally fully qualified: anything else (underscores, percent signs) is not looked up. */
    private static final Pattern HOST_NAME = Pattern.compile("(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?");

    /** Checks {@code uri} against the rules; refused with 400 {@code source-forbidden}. */
    static SourceUrl check(URI uri, boolean allowHttp, Set<Integer> extraPorts) {
        String shown = shown(uri);
        String scheme = Optional.ofNullable(uri.getScheme()).map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        boolean https = scheme.equals("https");
        if (!https && !(allowHttp && scheme.equals("http"))) {
            throw forbidden(shown + ": only " + (allowHttp ? "https and http" : "https") + " URLs are fetched.");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw forbidden(shown + ": URLs with user information (user:password@) are not fetched.");
        }
        String authorityHost = asciiHost(hostOf(uri));
        if (authorityHost == null || authorityHost.isEmpty()) {
            throw forbidden(shown + ": the URL has no valid host.");
        }
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        boolean standardPort = https ? port == 443 : port == 80;
        if (!standardPort && !extraPorts.contains(port)) {
            throw forbidden(shown + ": port " + port + " is not allowed.");
        }
        String host;
        Optional<InetAddress> literal;
        if (authorityHost.startsWith("[")) {
            host = authorityHost.substring(1, authorityHost.length() - 1);
            if (host.contains("%")) {
                throw forbidden(shown + ": the host is an IPv6 address with a zone, which is not fetched from.");
            }
            literal = Optional.of(parseLiteral(host, shown));
        } else if (NUMERIC_LAST_LABEL.matcher(authorityHost).matches()) {
            if (!DOTTED_QUAD.matcher(authorityHost).matches()) {
                throw forbidden(shown + ": IP addresses are fetched only in the dotted decimal form (a.b.c.d).");
            }
            host = authorityHost;
            literal = Optional.of(parseLiteral(host, shown));
        } else if (HOST_NAME.matcher(authorityHost).matches()) {
            host = authorityHost.toLowerCase(Locale.ROOT);
            literal = Optional.empty();
        } else {
            throw forbidden(shown + ": the URL has no valid host.");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new SourceUrl(uri, https, host, literal, port, pathAndQuery);
    }

    /** The URL as error messages show it: without query and fragment, which may hold tokens (pre-signed URLs). */
    static String shown(URI uri) {
        StringBuilder text = new StringBuilder();
        if (uri.getScheme() != null) {
            text.append(uri.getScheme()).append("://");
        }
        String host = hostOf(uri);
        if (host != null) {
            text.append(host);
        }
        if (uri.getPort() != -1) {
            text.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            text.append(uri.getRawPath());
        }
        return text.toString();
    }

    String shown() {
        return shown(uri);
    }

    /**
     * The host as written: java.net.URI leaves it null for names it cannot parse as a server authority (127.1, 0x7f.1),
     * so the authority without user-info and port is read then.
     */
    private static String hostOf(URI uri) {
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? null : hostPort.substring(0, close + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    /** An internationalised host name in its ASCII (punycode) form, as it is looked up and named in certificates. */
    private static String asciiHost(String host) {
        if (host == null || host.chars().allMatch(c -> c < 0x80)) {
            return host;
        }
        try {
            return IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetAddress parseLiteral(String literal, String shown) {
        try {
            return InetAddress.getByName(literal); // an IP literal: parsed, not looked up
        } catch (UnknownHostException e) {
            throw forbidden(shown + ": the URL has no valid host.");
        }
    }

    static ProblemException forbidden(String detail) {
        return new ProblemException(ProblemType.SOURCE_FORBIDDEN, detail);
    }
}
