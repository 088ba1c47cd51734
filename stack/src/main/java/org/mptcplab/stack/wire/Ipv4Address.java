package org.mptcplab.stack.wire;

/** An IPv4 address held as its 32 bits. */
public record Ipv4Address(int bits) implements IpAddress {

    public static Ipv4Address of(int a, int b, int c, int d) {
        return new Ipv4Address((a << 24) | (b << 16) | (c << 8) | d);
    }

    public static Ipv4Address read(byte[] b, int off) {
        return new Ipv4Address(Bytes.i32(b, off));
    }

    /** Parses dotted-quad text; throws IllegalArgumentException saying what is wrong. */
    public static Ipv4Address parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address (expected 4 dotted numbers): '" + text + "'");
        }
        int v = 0;
        for (String p : parts) {
            int n;
            try {
                n = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address ('" + p + "' is not a number): '" + text + "'");
            }
            if (n < 0 || n > 255 || p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address ('" + p + "' is not 0-255): '" + text + "'");
            }
            v = (v << 8) | n;
        }
        return new Ipv4Address(v);
    }

    @Override
    public int byteLength() {
        return 4;
    }

    @Override
    public void emit(byte[] b, int off) {
        Bytes.put32(b, off, bits);
    }

    @Override
    public String toString() {
        return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
