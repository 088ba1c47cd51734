package org.mptcplab.stack.wire;

/**
 * An IPv4 or IPv6 address as plain numbers: cheap to compare and hash (connection tables,
 * address ids) and printed in the usual text forms.
 */
public sealed interface IpAddress permits Ipv4Address, Ipv6Address {
    /** 4 or 16. */
    int byteLength();

    /** Writes the address in network order. */
    void emit(byte[] b, int off);

    default byte[] toBytes() {
        byte[] out = new byte[byteLength()];
        emit(out, 0);
        return out;
    }

    /** Parses "10.0.0.1" or an IPv6 text form ("fd00::1", "::ffff:1.2.3.4"). */
    static IpAddress parse(String text) {
        if (text.indexOf(':') >= 0) {
            return Ipv6Address.parse(text);
        }
        return Ipv4Address.parse(text);
    }
}
