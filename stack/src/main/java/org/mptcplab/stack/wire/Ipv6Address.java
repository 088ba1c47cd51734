package org.mptcplab.stack.wire;

/** An IPv6 address held as two 64-bit halves. */
public record Ipv6Address(long high, long low) implements IpAddress {

    public static Ipv6Address read(byte[] b, int off) {
        return new Ipv6Address(Bytes.i64(b, off), Bytes.i64(b, off + 8));
    }

    /** Parses the RFC 4291 2.2 text forms, including "::" and a trailing dotted IPv4 part. */
    public static Ipv6Address parse(String text) {
        String t = text.trim();
        int pct = t.indexOf('%');
        if (pct >= 0) {
            t = t.substring(0, pct); // zone id: not part of the address
        }
        int[] groups = new int[8];
        int dbl = t.indexOf("::");
        if (dbl >= 0 && t.indexOf("::", dbl + 1) >= 0) {
            throw new IllegalArgumentException("not an IPv6 address (more than one '::'): '" + text + "'");
        }
        String head = dbl >= 0 ? t.substring(0, dbl) : t;
        String tail = dbl >= 0 ? t.substring(dbl + 2) : "";
        int[] h = groups(head, text);
        int[] tl = groups(tail, text);
        if (dbl < 0 && h.length != 8 || dbl >= 0 && h.length + tl.length > 7) {
            throw new IllegalArgumentException("not an IPv6 address (wrong number of groups): '" + text + "'");
        }
        System.arraycopy(h, 0, groups, 0, h.length);
        System.arraycopy(tl, 0, groups, 8 - tl.length, tl.length);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | groups[i];
            lo = (lo << 16) | groups[i + 4];
        }
        return new Ipv6Address(hi, lo);
    }

    private static int[] groups(String s, String text) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        boolean v4Tail = parts[parts.length - 1].contains(".");
        int[] out = new int[parts.length + (v4Tail ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && v4Tail) {
                int v4 = Ipv4Address.parse(p).bits();
                out[i] = (v4 >>> 16) & 0xffff;
                out[i + 1] = v4 & 0xffff;
                break;
            }
            if (p.isEmpty() || p.length() > 4) {
                throw new IllegalArgumentException("not an IPv6 address (bad group '" + p + "'): '" + text + "'");
            }
            try {
                out[i] = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv6 address (bad group '" + p + "'): '" + text + "'");
            }
        }
        return out;
    }

    @Override
    public int byteLength() {
        return 16;
    }

    @Override
    public void emit(byte[] b, int off) {
        Bytes.put64(b, off, high);
        Bytes.put64(b, off + 8, low);
    }

    private int group(int i) {
        long half = i < 4 ? high : low;
        return (int) ((half >>> (16 * (3 - (i & 3)))) & 0xffff);
    }

    /** RFC 5952 canonical text: lower case, longest run of two or more zero groups as "::". */
    @Override
    public String toString() {
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (group(i) == 0) {
                int j = i;
                while (j < 8 && group(j) == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(i)));
        }
        return sb.toString();
    }
}
