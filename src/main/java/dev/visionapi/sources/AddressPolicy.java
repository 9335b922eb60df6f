package dev.visionapi.sources;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which IP addresses an image may be fetched from: every public address, none of the internal ones (loopback,
 * private, link-local, CGNAT, multicast, reserved, and IPv6 forms that carry such an IPv4 address) unless an allowed
 * network lists them.
 */
final class AddressPolicy {

    private record Block(Cidr cidr, String kind) {

        Block(String cidr, String kind) {
            this(Cidr.parse(cidr), kind);
        }
    }

    private static final List<Block> INTERNAL = List.of(
            new Block("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
            new Block("10.0.0.0/8", "private"),
            new Block("100.64.0.0/10", "shared (CGNAT)"),
            new Block("127.0.0.0/8", "loopback"),
            new Block("169.254.0.0/16", "link-local"),
            new Block("172.16.0.0/12", "private"),
            new Block("192.0.0.0/24", "reserved"),
            new Block("192.168.0.0/16", "private"),
            new Block("198.18.0.0/15", "reserved"),
            new Block("224.0.0.0/4", "multicast"),
            new Block("240.0.0.0/4", "reserved or broadcast"),
            new Block("::/128", "unspecified"),
            new Block("::1/128", "loopback"),
            new Block("fc00::/7", "unique local"),
            new Block("fe80::/10", "link-local"),
            new Block("fec0::/10", "site-local"),
            new Block("ff00::/8", "multicast"));

    /**
     * IPv6 blocks whose addresses carry an IPv4 address in bytes 12 to 15 (6to4 is handled apart). Written as bytes:
     * Java parses {@code ::ffff:0:0} as the IPv4 address 0.0.0.0.
     */
    private static final List<Cidr> IPV4_CARRIERS = List.of(
            ipv6Prefix96(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), // IPv4-mapped ::ffff:a.b.c.d
            ipv6Prefix96(0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0), // IPv4-translated ::ffff:0:a.b.c.d
            ipv6Prefix96(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),       // IPv4-compatible ::a.b.c.d (deprecated)
            ipv6Prefix96(0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0)); // NAT64 64:ff9b::a.b.c.d
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;

    AddressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    static AddressPolicy allowing(List<String> allowedNetworks) {
        return new AddressPolicy(allowedNetworks.stream().map(Cidr::parse).toList());
    }

    /** Why {@code address} must not be fetched from, e.g. "loopback"; empty when it may. */
    Optional<String> refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        Optional<byte[]> ipv4 = embeddedIpv4(bytes);
        if (isAllowed(bytes) || ipv4.filter(this::isAllowed).isPresent()) {
            return Optional.empty();
        }
        Optional<String> kind = internalKind(bytes);
        if (kind.isEmpty() && ipv4.isPresent()) {
            kind = internalKind(ipv4.get()).map(inner -> inner + " (inside an IPv6 address)");
        }
        return kind;
    }

    private boolean isAllowed(byte[] address) {
        return allowed.stream().anyMatch(cidr -> cidr.contains(address));
    }

    private static Optional<String> internalKind(byte[] address) {
        return INTERNAL.stream().filter(block -> block.cidr().contains(address)).map(Block::kind).findFirst();
    }

    private static Cidr ipv6Prefix96(int... head) {
        byte[] network = new byte[16];
        for (int i = 0; i < head.length; i++) {
            network[i] = (byte) head[i];
        }
        return new Cidr(network, 96);
    }

    /** The IPv4 address an IPv6 address stands for, in the forms that route to it. */
    private static Optional<byte[]> embeddedIpv4(byte[] address) {
        if (address.length != 16) {
            return Optional.empty();
        }
        if (IPV4_CARRIERS.stream().anyMatch(cidr -> cidr.contains(address))) {
            return Optional.of(Arrays.copyOfRange(address, 12, 16));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return Optional.of(Arrays.copyOfRange(address, 2, 6));
        }
        return Optional.empty();
    }
}
