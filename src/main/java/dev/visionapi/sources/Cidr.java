package dev.visionapi.sources;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** A block of IP addresses written as {@code address/prefix-length}, e.g. {@code 10.0.0.0/8} or {@code fc00::/7}. */
record Cidr(byte[] network, int prefixLength) {

    /** Only literals are parsed: a host name here would be looked up in DNS. */
    private static final Pattern IPV4_LITERAL = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    Cidr {
        network = network.clone();
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
    }

    /** Parses {@code 10.0.0.0/8}; an address without a prefix length is a block of one. */
    static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        boolean ipv6 = address.contains(":");
        if (!ipv6 && !IPV4_LITERAL.matcher(address).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block (address/prefix)");
        }
        InetAddress parsed;
        try {
            parsed = InetAddress.getByName(address); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block (address/prefix)", e);
        }
        byte[] bytes = parsed.getAddress();
        int length = slash < 0 ? bytes.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        if (ipv6 && parsed instanceof Inet4Address) {
            // Java turns ::ffff:a.b.c.d into an IPv4 address: the prefix counted the 96 leading bits too.
            length = slash < 0 ? 32 : length - 96;
        }
        return new Cidr(bytes, length);
    }

    boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (address[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && prefixLength == cidr.prefixLength && Arrays.equals(network, cidr.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return Arrays.toString(network) + "/" + prefixLength;
        }
    }
}
