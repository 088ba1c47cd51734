package org.mptcplab.stack.capture;

/**
 * Link-layer header types of capture files (the LINKTYPE_ values of the tcpdump.org registry,
 * draft-ietf-opsawg-pcaplinktype). These are the numbers stored in files; they differ from the
 * in-memory DLT_ values for a few types (RAW is 101 in files, 12 or 14 as a DLT).
 *
 * <p>Only the types this project decodes get a constant; every other value still reads fine and
 * shows up through {@link #name(int)} as {@code UNKNOWN(n)}.
 */
public final class LinkType {
    /** BSD loopback: a 4-byte address family in the byte order of the host that captured. */
    public static final int NULL = 0;
    /** Ethernet II / 802.3 (14-byte header). */
    public static final int ETHERNET = 1;
    /** PPP, RFC 1661 (2-byte protocol field, optionally preceded by address/control 0xff 0x03). */
    public static final int PPP = 9;
    /** PPP in HDLC-like framing, RFC 1662. */
    public static final int PPP_HDLC = 50;
    /** Raw IP: the packet starts with the IPv4 or IPv6 header (version nibble tells which). */
    public static final int RAW = 101;
    /** OpenBSD loopback: like {@link #NULL}, but the family is in network byte order. */
    public static final int LOOP = 108;
    /** Linux "cooked" capture v1 (16-byte SLL header, {@code tcpdump -i any}). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture v2 (20-byte SLL2 header, carries the interface index). */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /**
     * The registry name without its {@code LINKTYPE_} prefix, e.g. {@code ETHERNET}, or
     * {@code UNKNOWN(n)} for a type without a constant here. Never null, never throws.
     */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "ETHERNET";
            case PPP -> "PPP";
            case PPP_HDLC -> "PPP_HDLC";
            case RAW -> "RAW";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "UNKNOWN(" + linkType + ")";
        };
    }

    /** Whether {@code linkType} has a constant in this class. */
    public static boolean isKnown(int linkType) {
        return !name(linkType).startsWith("UNKNOWN(");
    }
}
