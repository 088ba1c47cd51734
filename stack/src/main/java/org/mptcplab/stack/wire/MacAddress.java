package org.mptcplab.stack.wire;

/** A 48-bit Ethernet address held in the low bits of a long. */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        bits &= 0xffff_ffff_ffffL;
    }

    public static MacAddress read(byte[] b, int off) {
        return new MacAddress(((long) Bytes.u16(b, off) << 32) | Bytes.u32(b, off + 2));
    }

    public static MacAddress parse(String text) {
        String t = text.trim();
        String[] parts = t.split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address (expected 6 hex pairs): '" + text + "'");
        }
        long v = 0;
        for (String p : parts) {
            if (p.length() != 2) {
                throw new IllegalArgumentException("not a MAC address (bad pair '" + p + "'): '" + text + "'");
            }
            int n = Character.digit(p.charAt(0), 16) << 4 | Character.digit(p.charAt(1), 16);
            if (Character.digit(p.charAt(0), 16) < 0 || Character.digit(p.charAt(1), 16) < 0) {
                throw new IllegalArgumentException("not a MAC address (bad pair '" + p + "'): '" + text + "'");
            }
            v = (v << 8) | n;
        }
        return new MacAddress(v);
    }

    /** True for a locally administered address (the U/L bit set), as the stack's own MACs are. */
    public boolean isLocallyAdministered() {
        return ((bits >>> 40) & 0x02) != 0;
    }

    public void emit(byte[] b, int off) {
        Bytes.put16(b, off, (int) (bits >>> 32));
        Bytes.put32(b, off + 2, (int) bits);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int v = (int) ((bits >>> (8 * i)) & 0xff);
            sb.append(Character.forDigit(v >>> 4, 16)).append(Character.forDigit(v & 0xf, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
