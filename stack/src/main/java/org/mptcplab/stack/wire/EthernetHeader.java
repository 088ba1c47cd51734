package org.mptcplab.stack.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Ethernet II header with optional 802.1Q / 802.1ad tags (kept in order, outermost first).
 *
 * @param vlanTags the 16-bit TCI of each tag; an empty list when untagged
 * @param etherType the type of the payload after the tags (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP)
 */
public record EthernetHeader(MacAddress destination, MacAddress source, List<Integer> vlanTags, int etherType) {
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_QINQ = 0x88a8;
    public static final int BASE_LENGTH = 14;
    /** More stacked tags than this is not a real frame; stops a loop over garbage early. */
    private static final int MAX_TAGS = 4;

    public EthernetHeader {
        vlanTags = List.copyOf(vlanTags);
    }

    public EthernetHeader(MacAddress destination, MacAddress source, int etherType) {
        this(destination, source, List.of(), etherType);
    }

    public int headerLength() {
        return BASE_LENGTH + 4 * vlanTags.size();
    }

    public static EthernetHeader parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < BASE_LENGTH) {
            throw MalformedPacketException.truncated("Ethernet header", off, BASE_LENGTH, len);
        }
        MacAddress dst = MacAddress.read(b, off);
        MacAddress src = MacAddress.read(b, off + 6);
        int type = Bytes.u16(b, off + 12);
        int pos = off + 14;
        List<Integer> tags = List.of();
        while (type == TYPE_VLAN || type == TYPE_QINQ) {
            if (tags.isEmpty()) {
                tags = new ArrayList<>(2);
            }
            if (tags.size() == MAX_TAGS) {
                throw new MalformedPacketException(MalformedPacketException.Kind.BAD_VALUE, pos - 2,
                        "Ethernet header at offset " + off + ": more than " + MAX_TAGS + " VLAN tags");
            }
            if (off + len - pos < 4) {
                throw MalformedPacketException.truncated("802.1Q tag", pos, 4, off + len - pos);
            }
            tags.add(Bytes.u16(b, pos));
            type = Bytes.u16(b, pos + 2);
            pos += 4;
        }
        return new EthernetHeader(dst, src, tags, type);
    }

    public int emit(byte[] b, int off) {
        destination.emit(b, off);
        source.emit(b, off + 6);
        int pos = off + 12;
        for (int tci : vlanTags) {
            Bytes.put16(b, pos, TYPE_VLAN);
            Bytes.put16(b, pos + 2, tci);
            pos += 4;
        }
        Bytes.put16(b, pos, etherType);
        return headerLength();
    }
}
