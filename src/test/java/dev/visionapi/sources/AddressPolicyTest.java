package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Which addresses are fetched from, checked on the addresses themselves (no connection is made, so none of these
 * addresses is ever contacted): with the defaults every internal class is refused, in IPv4 and every IPv6 form that
 * carries an IPv4 address; public addresses pass; allowed networks open exactly what they list.
 */
class AddressPolicyTest {

    private static final AddressPolicy DEFAULTS = AddressPolicy.allowing(List.of());

    /** One or more addresses of every IPv4 class refused by default, at both ends of each block. */
    private static final String[] INTERNAL_IPV4 = {
        "0.0.0.0", "0.255.255.255", // this network
        "10.0.0.0", "10.255.255.255", // private
        "100.64.0.0", "100.127.255.255", // CGNAT
        "127.0.0.1", "127.255.255.255", // loopback
        "169.254.0.1", "169.254.169.254", "169.254.255.255", // link-local, cloud instance metadata
        "172.16.0.0", "172.31.255.255", // private
        "192.168.0.0", "192.168.255.255", // private
        "192.0.0.1", "198.18.0.1", "198.19.255.255", // reserved
        "224.0.0.1", "239.255.255.250", // multicast
        "240.0.0.1", "255.255.255.255"}; // reserved, broadcast

    @ParameterizedTest
    @ValueSource(strings = {
        "0.0.0.0", "0.255.255.255", "10.0.0.0", "10.255.255.255", "100.64.0.0", "100.127.255.255", "127.0.0.1",
        "127.255.255.255", "169.254.0.1", "169.254.169.254", "169.254.255.255", "172.16.0.0", "172.31.255.255",
        "192.168.0.0", "192.168.255.255", "192.0.0.1", "198.18.0.1", "198.19.255.255", "224.0.0.1",
        "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "::1", "fc00::1", "fd00:ec2::254", "fdff:ffff::1", "fe80::1", "febf:ffff::1", "fec0::1", "ff02::1",
        "ff0e::1"})
    void withTheDefaultsInternalAddressesAreRefused(String address) throws UnknownHostException {
        assertThat(DEFAULTS.refusal(InetAddress.getByName(address))).as(address).isPresent();
    }

    @Test
    void withTheDefaultsEveryInternalIpv4AddressIsRefusedInEveryIpv6FormThatCarriesIt() throws UnknownHostException {
        for (String text : INTERNAL_IPV4) {
            byte[] ipv4 = InetAddress.getByName(text).getAddress();
            for (byte[] ipv6 : List.of(mapped(ipv4), translated(ipv4), compatible(ipv4), nat64(ipv4), sixToFour(ipv4))) {
                // Inet6Address.getByAddress keeps the IPv6 form that InetAddress.getByName would turn into IPv4.
                Inet6Address address = Inet6Address.getByAddress(null, ipv6, -1);
                assertThat(DEFAULTS.refusal(address)).as(address.getHostAddress()).isPresent();
            }
            assertThat(DEFAULTS.refusal(InetAddress.getByName("::ffff:" + text))).as("::ffff:" + text).isPresent();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.215.14", "9.255.255.255", "11.0.0.0", "100.63.255.255",
        "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
        "172.32.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255", "2606:4700:4700::1111",
        "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::"})
    void withTheDefaultsPublicAddressesPass(String address) throws UnknownHostException {
        assertThat(DEFAULTS.refusal(InetAddress.getByName(address))).as(address).isEmpty();
    }

    @Test
    void anAllowedNetworkOpensExactlyWhatItLists() throws UnknownHostException {
        AddressPolicy policy = AddressPolicy.allowing(List.of("10.1.2.0/24", "fd12:3456::/32"));

        assertThat(policy.refusal(InetAddress.getByName("10.1.2.0"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("10.1.2.255"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("::ffff:10.1.2.7"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("fd12:3456:ffff::1"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("10.1.3.0"))).contains("private");
        assertThat(policy.refusal(InetAddress.getByName("10.1.1.255"))).contains("private");
        assertThat(policy.refusal(InetAddress.getByName("127.0.0.1"))).contains("loopback");
        assertThat(policy.refusal(InetAddress.getByName("fd12:3457::1"))).contains("unique local");
    }

    @Test
    void cidrsAreParsedFromLiteralsOnly() {
        assertThat(Cidr.parse("172.16.0.0/12").contains(new byte[]{(byte) 172, 31, (byte) 255, (byte) 255})).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(new byte[]{(byte) 172, 32, 0, 0})).isFalse();
        assertThat(Cidr.parse("192.0.2.1").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("0.0.0.0/0").contains(new byte[]{8, 8, 8, 8})).isTrue();
        for (String invalid : new String[]{"localhost/8", "example.org", "10.0.0.0/33", "::/129", "010.0.0.0/8",
            "10.0.0/8", "2130706433/32", "10.0.0.0/-1"}) {
            assertThatThrownBy(() -> Cidr.parse(invalid)).as(invalid).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static byte[] mapped(byte[] ipv4) {
        return withTail(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}, ipv4);
    }

    private static byte[] translated(byte[] ipv4) {
        return withTail(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0}, ipv4);
    }

    private static byte[] compatible(byte[] ipv4) {
        return withTail(new byte[12], ipv4);
    }

    private static byte[] nat64(byte[] ipv4) {
        return withTail(new byte[]{0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, ipv4);
    }

    private static byte[] sixToFour(byte[] ipv4) {
        byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x02;
        System.arraycopy(ipv4, 0, address, 2, 4);
        address[15] = 1;
        return address;
    }

    private static byte[] withTail(byte[] head, byte[] ipv4) {
        byte[] address = new byte[16];
        System.arraycopy(head, 0, address, 0, 12);
        System.arraycopy(ipv4, 0, address, 12, 4);
        return address;
    }
}
