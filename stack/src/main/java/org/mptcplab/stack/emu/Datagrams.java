package org.mptcplab.stack.emu;

import java.util.SplittableRandom;
import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.Checksums;
import org.mptcplab.stack.wire.Ipv4Header;
import org.mptcplab.stack.wire.Ipv6Address;
import org.mptcplab.stack.wire.Ipv6Header;
import org.mptcplab.stack.wire.MalformedPacketException;
import org.mptcplab.stack.wire.TcpOption;

/**
 * In-place edits of raw IP datagrams for middleboxes and faults. Checksums are updated
 * incrementally (RFC 1624), never recomputed, so a segment that arrived with a wrong checksum
 * keeps it wrong.
 */
final class Datagrams {
    private Datagrams() {
    }

    /**
     * Finds the TCP segment of an unfragmented IPv4/IPv6 datagram: {@code (offset << 32) | length},
     * or -1 when the datagram is not a whole, well-formed-enough TCP segment.
     */
    static long locateTcp(byte[] b) {
        int len = b.length;
        if (len < 1) {
            return -1;
        }
        int version = (b[0] & 0xff) >>> 4;
        int tcpOff;
        int segLen;
        if (version == 4) {
            if (len < Ipv4Header.MIN_LENGTH) {
                return -1;
            }
            int ihl = (b[0] & 0xf) * 4;
            int total = u16(b, 2);
            if (ihl < Ipv4Header.MIN_LENGTH || total < ihl || total > len || (b[9] & 0xff) != Ipv4Header.PROTO_TCP
                    || (u16(b, 6) & 0x3fff) != 0) {
                return -1;
            }
            tcpOff = ihl;
            segLen = total - ihl;
        } else if (version == 6) {
            if (len < Ipv6Header.FIXED_LENGTH) {
                return -1;
            }
            int end = Ipv6Header.FIXED_LENGTH + u16(b, 4);
            if (end > len) {
                return -1;
            }
            if ((b[6] & 0xff) == Ipv4Header.PROTO_TCP) {
                tcpOff = Ipv6Header.FIXED_LENGTH;
            } else {
                try {
                    Ipv6Header h = Ipv6Header.parse(b, 0, end);
                    if (h.upperProtocol() != Ipv4Header.PROTO_TCP || h.fragmentOffset() >= 0) {
                        return -1;
                    }
                    tcpOff = h.headerLength();
                } catch (MalformedPacketException e) {
                    return -1;
                }
            }
            segLen = end - tcpOff;
        } else {
            return -1;
        }
        if (segLen < 20) {
            return -1;
        }
        int dataOffset = ((b[tcpOff + 12] & 0xff) >>> 4) * 4;
        if (dataOffset < 20 || dataOffset > segLen) {
            return -1;
        }
        return ((long) tcpOff << 32) | segLen;
    }

    /**
     * Computes and stores the TCP checksum of a datagram whose sender left it to the network
     * (checksum offload); leaves anything that is not a whole TCP segment alone.
     */
    static void fillTcpChecksum(byte[] b) {
        long located = locateTcp(b);
        if (located < 0) {
            return;
        }
        int off = tcpOffset(located);
        int seg = segmentLength(located);
        b[off + 16] = 0;
        b[off + 17] = 0;
        long sum;
        if ((b[0] & 0xff) >>> 4 == 4) {
            sum = Checksums.ipv4Pseudo(Bytes.i32(b, 12), Bytes.i32(b, 16), Ipv4Header.PROTO_TCP, seg);
        } else {
            sum = Checksums.ipv6Pseudo(Ipv6Address.read(b, 8), Ipv6Address.read(b, 24), Ipv4Header.PROTO_TCP, seg);
        }
        int v = Checksums.finish(Checksums.add(sum, b, off, seg));
        b[off + 16] = (byte) (v >>> 8);
        b[off + 17] = (byte) v;
    }

    static int tcpOffset(long located) {
        return (int) (located >>> 32);
    }

    static int segmentLength(long located) {
        return (int) located;
    }

    static int dataOffset(byte[] b, int tcpOff) {
        return ((b[tcpOff + 12] & 0xff) >>> 4) * 4;
    }

    /**
     * Overwrites every MPTCP option (kind 30) with NOPs; with {@code dataOnly}, only in a segment
     * that carries payload. Returns whether anything changed.
     */
    static boolean stripMptcp(byte[] b, boolean dataOnly) {
        long loc = locateTcp(b);
        if (loc < 0) {
            return false;
        }
        int tcpOff = tcpOffset(loc);
        int dataOffset = dataOffset(b, tcpOff);
        if (dataOnly && segmentLength(loc) == dataOffset) {
            return false;
        }
        int start = tcpOff + 20;
        int end = tcpOff + dataOffset;
        long oldSum = Checksums.add(0, b, start, end - start);
        boolean changed = false;
        int p = start;
        while (p < end) {
            int kind = b[p] & 0xff;
            if (kind == TcpOption.KIND_EOL) {
                break;
            }
            if (kind == TcpOption.KIND_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) {
                break;
            }
            int olen = b[p + 1] & 0xff;
            if (olen < 2 || olen > end - p) {
                break; // a broken option area: leave the rest as it is
            }
            if (kind == TcpOption.KIND_MPTCP) {
                for (int i = p; i < p + olen; i++) {
                    b[i] = TcpOption.KIND_NOP;
                }
                changed = true;
            }
            p += olen;
        }
        if (changed) {
            adjustChecksum(b, tcpOff + 16, oldSum, Checksums.add(0, b, start, end - start));
        }
        return changed;
    }

    /** Changes one random TCP payload byte and updates the TCP checksum; false without payload. */
    static boolean rewritePayload(byte[] b, SplittableRandom random) {
        long loc = locateTcp(b);
        if (loc < 0) {
            return false;
        }
        int tcpOff = tcpOffset(loc);
        int segEnd = tcpOff + segmentLength(loc);
        int payOff = tcpOff + dataOffset(b, tcpOff);
        if (payOff == segEnd) {
            return false;
        }
        int pos = payOff + random.nextInt(segEnd - payOff);
        // The 16-bit word holding the byte, counted from the start of the segment.
        int word = tcpOff + ((pos - tcpOff) & ~1);
        int wordLen = Math.min(2, segEnd - word);
        long oldSum = Checksums.add(0, b, word, wordLen);
        b[pos] ^= (byte) (1 + random.nextInt(255));
        adjustChecksum(b, tcpOff + 16, oldSum, Checksums.add(0, b, word, wordLen));
        return true;
    }

    /** Flips one random bit: within the TCP segment of a TCP datagram, anywhere otherwise. */
    static void corrupt(byte[] b, SplittableRandom random) {
        if (b.length == 0) {
            return;
        }
        long loc = locateTcp(b);
        int from = 0;
        int len = b.length;
        if (loc >= 0) {
            from = tcpOffset(loc);
            len = segmentLength(loc);
        }
        int pos = from + random.nextInt(len);
        b[pos] ^= (byte) (1 << random.nextInt(8));
    }

    /**
     * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), with m and m' the ones-complement sums of the region
     * before and after the change (the region must not contain the checksum field).
     */
    static void adjustChecksum(byte[] b, int checksumOff, long oldSum, long newSum) {
        int hc = u16(b, checksumOff);
        long s = (~hc & 0xffff) + (~fold(oldSum) & 0xffff) + fold(newSum);
        int v = Checksums.finish(s);
        b[checksumOff] = (byte) (v >>> 8);
        b[checksumOff + 1] = (byte) v;
    }

    private static long fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
