package org.mptcplab.stack.mptcp;

import org.mptcplab.stack.wire.Bytes;
import org.mptcplab.stack.wire.MptcpOption;

/**
 * The fields of one received DSS option (RFC 8684 3.3), in a mutable holder the stack reuses for
 * every segment instead of a {@link MptcpOption.Dss} record each; the accessors are the record's.
 * A copy is made only for a segment that waits in the out-of-order queue.
 */
final class DssView {
    int flags;
    long dataAck;
    long dataSequenceNumber;
    int subflowSequenceNumber;
    int dataLevelLength;
    /** -1 when absent. */
    int checksum = -1;

    DssView() {
    }

    DssView(DssView o) {
        flags = o.flags;
        dataAck = o.dataAck;
        dataSequenceNumber = o.dataSequenceNumber;
        subflowSequenceNumber = o.subflowSequenceNumber;
        dataLevelLength = o.dataLevelLength;
        checksum = o.checksum;
    }

    DssView set(MptcpOption.Dss d) {
        flags = d.flags();
        dataAck = d.dataAck();
        dataSequenceNumber = d.dataSequenceNumber();
        subflowSequenceNumber = d.subflowSequenceNumber();
        dataLevelLength = d.dataLevelLength();
        checksum = d.checksum();
        return this;
    }

    /**
     * Reads the DSS of {@code length} bytes at {@code off} (its kind byte) exactly as
     * {@link MptcpOption.Dss}'s parser does; false where that parser would call it malformed.
     */
    boolean parse(byte[] b, int off, int length) {
        if (length < 4) {
            return false;
        }
        int f = b[off + 3] & 0x1f;
        int plain = MptcpOption.Dss.lengthFor(f, false);
        boolean csum;
        if (length == plain) {
            csum = false;
        } else if ((f & MptcpOption.Dss.FLAG_MAPPING) != 0 && length == plain + 2) {
            csum = true;
        } else {
            return false;
        }
        int p = off + 4;
        long ack = 0;
        if ((f & MptcpOption.Dss.FLAG_DATA_ACK) != 0) {
            if ((f & MptcpOption.Dss.FLAG_DATA_ACK_8) != 0) {
                ack = Bytes.i64(b, p);
                p += 8;
            } else {
                ack = Bytes.u32(b, p);
                p += 4;
            }
        }
        long dsn = 0;
        int ssn = 0;
        int dll = 0;
        int ck = -1;
        if ((f & MptcpOption.Dss.FLAG_MAPPING) != 0) {
            if ((f & MptcpOption.Dss.FLAG_DSN_8) != 0) {
                dsn = Bytes.i64(b, p);
                p += 8;
            } else {
                dsn = Bytes.u32(b, p);
                p += 4;
            }
            ssn = Bytes.i32(b, p);
            dll = Bytes.u16(b, p + 4);
            p += 6;
            if (csum) {
                ck = Bytes.u16(b, p);
            }
        }
        flags = f;
        dataAck = ack;
        dataSequenceNumber = dsn;
        subflowSequenceNumber = ssn;
        dataLevelLength = dll;
        checksum = ck;
        return true;
    }

    boolean hasDataAck() {
        return (flags & MptcpOption.Dss.FLAG_DATA_ACK) != 0;
    }

    boolean dataAckIs64() {
        return (flags & MptcpOption.Dss.FLAG_DATA_ACK_8) != 0;
    }

    boolean hasMapping() {
        return (flags & MptcpOption.Dss.FLAG_MAPPING) != 0;
    }

    boolean dsnIs64() {
        return (flags & MptcpOption.Dss.FLAG_DSN_8) != 0;
    }

    boolean dataFin() {
        return (flags & MptcpOption.Dss.FLAG_DATA_FIN) != 0;
    }

    /** The infinite mapping (RFC 8684 3.7): a mapping of data-level length 0. */
    boolean isInfiniteMapping() {
        return hasMapping() && dataLevelLength == 0;
    }

    long dataAck() {
        return dataAck;
    }

    long dataSequenceNumber() {
        return dataSequenceNumber;
    }

    int subflowSequenceNumber() {
        return subflowSequenceNumber;
    }

    int dataLevelLength() {
        return dataLevelLength;
    }

    int checksum() {
        return checksum;
    }
}
