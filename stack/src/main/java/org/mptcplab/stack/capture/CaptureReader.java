package org.mptcplab.stack.capture;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * Reads pcap and pcapng capture files, strictly and fast.
 *
 * <p>The file is memory-mapped (in windows of up to 1 GiB, so files past 2 GiB work) and walked
 * record by record; each {@link #next()} allocates only the record and its data array. No native
 * library is involved.
 *
 * <p><b>Strict but forgiving.</b> Every damaged or suspicious record or block is reported as a
 * {@link CaptureError} (see {@link #errors()}) saying what and where, with actual and expected
 * values. The reader then goes on where that is safe: a pcapng block whose length is sane is
 * skipped by that length. No input makes {@code next()} throw or loop forever: each step either
 * moves forward by at least one byte or ends the file.
 *
 * <p><b>Resynchronisation.</b> A record or block whose length cannot be used (a pcap record
 * claiming more than the maximum, or running past the end of the file; a pcapng block length
 * below 12, not a multiple of 4, past the end of the file, or contradicted by its trailing copy
 * and by what follows it) leaves the reader out of step with the file. It then scans forward,
 * byte by byte, for the next place where a record or block plausibly starts, as capture-repair
 * tools do, and goes on from there; what it jumped over is listed in {@link #skips()}. The
 * tests a resynchronisation point must pass are at {@link #pcapResyncPoint} and
 * {@link #pcapngResyncPoint}. Only when no such point exists before the end of the file does
 * reading stop ({@link #stoppedAt()}). Each byte is looked at by at most one scan and each look
 * costs a bounded number of reads, so reading stays linear in the file size.
 *
 * <p>What is reported but still delivered: a captured length above the snaplen, an original
 * length below the captured length, an out-of-range pcap sub-second field or pcapng timestamp.
 * (In pcap, where such a header may also be one read out of step, only if a plausible record
 * header follows it; otherwise the reader resynchronises.) What is skipped: anything whose
 * bytes cannot be located with certainty.
 *
 * <p>Iteration is single-pass: {@link #iterator()} continues from the current position, it does
 * not rewind. Not thread-safe. The file must not shrink while open (a mapped read past the new
 * end faults; that is reported as an error and ends reading). Growing files (a capture still
 * being written) are read up to their size at {@code open}.
 */
public final class CaptureReader implements AutoCloseable, Iterable<CaptureRecord> {

    /**
     * Largest captured length accepted for one packet: 256 KiB, libpcap's MAXIMUM_SNAPLEN.
     * Anything larger is treated as a corrupt length, not as a packet.
     */
    public static final int MAX_CAPTURED_LENGTH = 262_144;

    /** Errors kept by {@link #errors()}; beyond this they are only counted ({@link #errorCount()}). */
    public static final int MAX_STORED_ERRORS = 1_000;

    /** A pcapng section may not describe more interfaces than this (protects memory). */
    static final int MAX_INTERFACES = 1 << 20;

    static final long DEFAULT_WINDOW = 1L << 30;

    /**
     * A pcap resynchronisation point must carry a timestamp within this many seconds of the last
     * good record (when there is one), and the record after it within this many seconds of it.
     * A day: wide enough for captures with long idle gaps, narrow enough that a random 32-bit
     * seconds field passes with probability 4e-5 (before the other checks).
     */
    static final long RESYNC_WINDOW_SECONDS = 86_400;

    /**
     * Largest pcapng block accepted as a resynchronisation point: 16 MiB, far above any packet
     * block (256 KiB of data plus options). Bounds how far ahead the trailing length of a
     * candidate is looked for, so a scan never jumps back and forth across a mapping window.
     */
    static final long MAX_RESYNC_BLOCK = 16L << 20;

    // pcap, draft-ietf-opsawg-pcap section 4 (File Header) and 5 (Packet Record).
    private static final int PCAP_HEADER = 24;
    private static final int PCAP_RECORD_HEADER = 16;
    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;
    private static final int MAGIC_MICROS_SWAPPED = 0xD4C3B2A1;
    private static final int MAGIC_NANOS_SWAPPED = 0x4D3CB2A1;
    /** Reserved3 and R bits of "LinkType and additional information" (section 4, Figure 2). */
    private static final int PCAP_LINKTYPE_RESERVED_BITS = 0x0BFF0000;

    // pcapng, draft-ietf-opsawg-pcapng sections 3.1, 4 and Appendix A.
    private static final int BT_SHB = 0x0A0D0D0A;
    private static final int BT_IDB = 1;
    private static final int BT_PB = 2;
    private static final int BT_SPB = 3;
    private static final int BT_NRB = 4;
    private static final int BT_ISB = 5;
    private static final int BT_EPB = 6;
    private static final int BT_SJE = 9;
    private static final int BT_DSB = 0x0A;
    private static final int BT_CUSTOM = 0xBAD;
    private static final int BT_CUSTOM_NO_COPY = 0x40000BAD;
    private static final int MIN_ISB = 24;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int BYTE_ORDER_MAGIC_SWAPPED = 0x4D3C2B1A;
    private static final int MIN_BLOCK = 12;
    private static final int MIN_SHB = 28;
    private static final int MIN_IDB = 20;
    private static final int MIN_EPB = 32;
    private static final int MIN_SPB = 16;
    private static final int OPT_ENDOFOPT = 0;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Source source;
    private final String name;
    private final long size;
    private final long windowSize;
    private final boolean pcapng;

    // Current window over the file: bytes [winStart, winEnd) are win[0 .. winEnd - winStart).
    private ByteBuffer win;
    private long winStart;
    private long winEnd;
    private ByteOrder order;

    private long pos;
    private boolean done;
    private boolean closed;
    private long records;
    private long errorCount;
    private long stoppedAt = -1;
    private final List<CaptureError> errors = new ArrayList<>();

    // Resynchronisation.
    private final List<Skip> skips = new ArrayList<>();
    private long skipCount;
    private long bytesSkipped;
    private long positionsScanned;

    // pcap file header values.
    private int pcapLinkType = -1;
    private long pcapSnapLen;
    /** Largest captured length a pcap resynchronisation point may claim. */
    private long pcapResyncSnapLen;
    /** Seconds field of the last pcap record delivered, if {@link #pcapHaveLast}. */
    private long pcapLastSeconds;
    private boolean pcapHaveLast;
    private long pcapFractionMultiplier;
    private long pcapFractionLimit;

    // pcapng state of the current section.
    private final List<Interface> interfaces = new ArrayList<>();
    private boolean skippingSection;
    private int sections;

    private CaptureReader(Source source, String name, long windowSize) throws CaptureFormatException {
        this.source = source;
        this.name = name;
        this.size = source.size();
        this.windowSize = windowSize;
        this.order = ByteOrder.BIG_ENDIAN;
        if (size < 4) {
            throw new CaptureFormatException(0, name + ": not a capture file: "
                    + (size == 0 ? "the file is empty" : "the file is only " + size + " bytes long"));
        }
        mapOrThrow(Math.min(size, MIN_SHB));
        int magic = win.getInt(0);
        switch (magic) {
            case MAGIC_MICROS, MAGIC_NANOS, MAGIC_MICROS_SWAPPED, MAGIC_NANOS_SWAPPED -> {
                pcapng = false;
                readPcapHeader(magic);
            }
            case BT_SHB -> {
                pcapng = true;
                checkFirstSectionHeader();
            }
            default -> throw new CaptureFormatException(0, name + ": not a capture file: " + describeMagic(magic));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Opening

    /**
     * Opens a pcap or pcapng file, recognised by its magic number (not its name: pcapng files
     * named .pcap are common).
     *
     * @throws CaptureFormatException if the file cannot be opened, has neither a pcap nor a
     *                                pcapng magic number, or its file header cannot be read: a
     *                                pcap file header cut short, or a first pcapng Section Header
     *                                Block cut short, with a bad byte-order magic, or with a block
     *                                length that is below 28, not a multiple of 4, past the end
     *                                of the file or not repeated by its trailing copy
     */
    public static CaptureReader open(Path file) throws CaptureFormatException {
        return open(file, DEFAULT_WINDOW);
    }

    /** As {@link #open(Path)} with a chosen mapping window (tests use tiny ones). */
    static CaptureReader open(Path file, long windowSize) throws CaptureFormatException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new CaptureFormatException(-1, file + ": cannot be opened: it is a directory");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            throw new CaptureFormatException(-1, file + ": cannot be opened: " + describe(e), e);
        }
        try {
            return new CaptureReader(new FileSource(channel), file.toString(), windowSize);
        } catch (CaptureFormatException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new CaptureFormatException(-1, file + ": cannot be read: " + describe(e), e);
        }
    }

    /**
     * Reads a capture held in memory: the bytes between the buffer's position and limit (the
     * buffer itself is not modified).
     */
    public static CaptureReader of(ByteBuffer bytes) throws CaptureFormatException {
        return of(bytes, DEFAULT_WINDOW);
    }

    /** Reads a capture held in memory. The array is not copied: do not modify it while reading. */
    public static CaptureReader of(byte[] bytes) throws CaptureFormatException {
        return of(ByteBuffer.wrap(bytes), DEFAULT_WINDOW);
    }

    static CaptureReader of(ByteBuffer bytes, long windowSize) throws CaptureFormatException {
        return new CaptureReader(new BufferSource(bytes.slice()), "<memory>", windowSize);
    }

    // ---------------------------------------------------------------------------------------
    // Public state

    /** True for pcapng, false for classic pcap. */
    public boolean isPcapng() {
        return pcapng;
    }

    /**
     * The link type of a pcap file (from its header). For pcapng, -1: link types belong to
     * interfaces there and come with each record ({@link CaptureRecord#linkType()}).
     */
    public int linkType() {
        return pcapLinkType;
    }

    /** The snaplen of a pcap file header; for pcapng -1 (each interface has its own). */
    public long snapLength() {
        return pcapng ? -1 : pcapSnapLen;
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return size;
    }

    /** Records returned by {@link #next()} so far. */
    public long recordsRead() {
        return records;
    }

    /** pcapng Section Header Blocks seen so far (0 for pcap). */
    public int sectionsRead() {
        return sections;
    }

    /**
     * Every non-fatal problem found so far, in file order (the first {@link #MAX_STORED_ERRORS}
     * of them; {@link #errorCount()} counts all). An unmodifiable snapshot.
     */
    public List<CaptureError> errors() {
        return Collections.unmodifiableList(new ArrayList<>(errors));
    }

    /** Number of problems found so far, including those past {@link #MAX_STORED_ERRORS}. */
    public long errorCount() {
        return errorCount;
    }

    /**
     * A stretch of the file that was jumped over to get back in step after damage.
     *
     * @param fromOffset offset of the damaged record or block (the first byte skipped)
     * @param toOffset   offset where reading went on: the record or block found by the scan
     * @param reason     what was wrong at {@code fromOffset}: the message of the
     *                   {@link CaptureError} reported there
     */
    public record Skip(long fromOffset, long toOffset, String reason) {
        public Skip {
            Objects.requireNonNull(reason, "reason");
            if (toOffset <= fromOffset) {
                throw new IllegalArgumentException("empty skip " + fromOffset + ".." + toOffset);
            }
        }

        /** Number of bytes skipped. */
        public long length() {
            return toOffset - fromOffset;
        }
    }

    /**
     * Every stretch skipped to resynchronise so far, in file order (the first
     * {@link #MAX_STORED_ERRORS} of them; {@link #skipCount()} counts all). Damage the reader
     * could not get past is not a skip: see {@link #stoppedAt()}. An unmodifiable snapshot.
     */
    public List<Skip> skips() {
        return Collections.unmodifiableList(new ArrayList<>(skips));
    }

    /** Number of resynchronisations so far, including those past {@link #MAX_STORED_ERRORS}. */
    public long skipCount() {
        return skipCount;
    }

    /** Total bytes of all {@link #skips()}, including those not stored. */
    public long bytesSkipped() {
        return bytesSkipped;
    }

    /**
     * Candidate positions examined by resynchronisation scans so far (a work counter: tests use
     * it to show that scanning stays linear).
     */
    long positionsScanned() {
        return positionsScanned;
    }

    /**
     * True when reading reached the end of the file (damaged regions it skipped are in
     * {@link #errors()} and {@link #skips()}); false while reading, or when it stopped at damage it could not get
     * past ({@link #stoppedAt()} says where), so the rest of the file was not read.
     */
    public boolean readToEnd() {
        return done && stoppedAt < 0;
    }

    /** Offset where reading stopped at damage it could not get past, or -1. */
    public long stoppedAt() {
        return stoppedAt;
    }

    /** Whether the end of the file (or an unrecoverable problem) has been reached. */
    public boolean isAtEnd() {
        return done;
    }

    // ---------------------------------------------------------------------------------------
    // Reading

    /**
     * The next packet, or null at the end of the file (and on every call after it). Never
     * throws for any file content; problems go to {@link #errors()}.
     *
     * @throws IllegalStateException if the reader is closed
     */
    public CaptureRecord next() {
        if (closed) {
            throw new IllegalStateException("CaptureReader is closed");
        }
        if (done) {
            return null;
        }
        try {
            return pcapng ? nextPcapng() : nextPcap();
        } catch (InternalError e) {
            // A mapped read faulted: the file shrank underneath us (MappedByteBuffer contract).
            return fail(pos, "read fault at offset " + pos + " (did the file shrink while open?): " + e.getMessage());
        } catch (RuntimeException e) {
            // Should be unreachable (every read is bounds-checked first). Kept so a bug shows
            // up as a reported error in a running analysis rather than a crash; the fuzz test
            // asserts that no input ever produces this message.
            return fail(pos, "internal error at offset " + pos + ": " + e);
        }
    }

    /**
     * Single-pass iterator over the remaining records (it shares this reader's position).
     * Problems are collected in {@link #errors()}, not thrown.
     */
    @Override
    public Iterator<CaptureRecord> iterator() {
        return new Iterator<>() {
            private CaptureRecord pending;
            private boolean fetched;

            @Override
            public boolean hasNext() {
                if (!fetched) {
                    pending = CaptureReader.this.next();
                    fetched = true;
                }
                return pending != null;
            }

            @Override
            public CaptureRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                fetched = false;
                CaptureRecord r = pending;
                pending = null;
                return r;
            }
        };
    }

    /** Closes the file. Idempotent. The mapping itself is released by the garbage collector. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        done = true;
        win = null;
        source.close();
    }

    // ---------------------------------------------------------------------------------------
    // pcap (draft-ietf-opsawg-pcap)

    private void readPcapHeader(int magic) throws CaptureFormatException {
        // Section 4.1: the magic is written in the writer's byte order, so reading it
        // big-endian tells both the order and the timestamp unit.
        boolean swapped = magic == MAGIC_MICROS_SWAPPED || magic == MAGIC_NANOS_SWAPPED;
        boolean nanos = magic == MAGIC_NANOS || magic == MAGIC_NANOS_SWAPPED;
        if (size < PCAP_HEADER) {
            throw new CaptureFormatException(0, name + ": pcap file header is truncated: the file is "
                    + size + " bytes long, the header needs " + PCAP_HEADER);
        }
        setOrder(swapped ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        pcapFractionMultiplier = nanos ? 1 : 1_000;
        pcapFractionLimit = nanos ? NANOS_PER_SECOND : 1_000_000;
        int major = u16(4);
        int minor = u16(6);
        // Reserved1 (thiszone) and Reserved2 (sigfigs) "MUST be ignored by pcap file readers".
        pcapSnapLen = u32(16);
        long linkField = u32(20);
        pcapLinkType = (int) (linkField & 0xFFFF);
        if (major != 2 || minor != 4) {
            error(0, "pcap file header at offset 0: version " + major + "." + minor
                    + ", expected 2.4; reading it as 2.4");
        }
        if (pcapSnapLen == 0) {
            // Section 4: SnapLen "MUST NOT be zero". Without it, only the absolute cap applies.
            error(0, "pcap file header at offset 0: snaplen is 0, which is not allowed; "
                    + "checking captured lengths against " + MAX_CAPTURED_LENGTH + " only");
        }
        if ((linkField & PCAP_LINKTYPE_RESERVED_BITS) != 0) {
            // Section 4, Figure 2: Reserved3 and R "SHOULD" be treated as an error if non-zero.
            error(0, String.format("pcap file header at offset 0: reserved bits of the link type field "
                    + "are 0x%08x, expected 0", linkField & PCAP_LINKTYPE_RESERVED_BITS));
        }
        pcapResyncSnapLen = pcapSnapLen == 0 ? MAX_CAPTURED_LENGTH : Math.min(pcapSnapLen, MAX_CAPTURED_LENGTH);
        pos = PCAP_HEADER;
    }

    private CaptureRecord nextPcap() {
        while (!done) {
            long at = pos;
            long left = size - at;
            if (left == 0) {
                done = true;
                return null;
            }
            if (left < PCAP_RECORD_HEADER) {
                // Too few bytes for any record: nothing to resynchronise on.
                return fail(at, "pcap record at offset " + at + ": record header needs " + PCAP_RECORD_HEADER
                        + " bytes, only " + left + " left before end of file");
            }
            if (!ensure(at, PCAP_RECORD_HEADER)) {
                return null;
            }
            int o = (int) (at - winStart);
            long seconds = u32(o);
            long fraction = u32(o + 4);
            long captured = u32(o + 8);
            long original = u32(o + 12);
            left -= PCAP_RECORD_HEADER;
            // A pcap file has no markers (section 5): once a length is wrong, the next record
            // header can only be found by looking for something that reads like one.
            if (captured > MAX_CAPTURED_LENGTH) {
                if (!resync(at, "pcap record at offset " + at + ": captured length " + captured
                        + " is larger than the maximum " + MAX_CAPTURED_LENGTH, PCAP_RECORD_HEADER, this::pcapResyncPoint)) {
                    return null;
                }
                continue;
            }
            if (captured > left) {
                if (!resync(at, "pcap record at offset " + at + ": captured length " + captured
                        + " runs past end of file (" + left + " bytes left)", PCAP_RECORD_HEADER, this::pcapResyncPoint)) {
                    return null;
                }
                continue;
            }
            // A record with an odd header is either a writer's quirk (tcpdump's mptcp-dss-oobr.pcap
            // exceeds its snaplen; captures do have idle gaps) or a header read out of step,
            // after bytes were lost or added. Only the second leaves no record header after it:
            // then do not hand out garbage (which would also throw the reader further out of
            // step by its made-up length), resynchronise.
            String where = "pcap record at offset " + at + ": ";
            String odd = null;
            if (pcapSnapLen != 0 && captured > pcapSnapLen) {
                odd = where + "captured length " + captured + " is larger than the snaplen " + pcapSnapLen
                        + " of the file header";
            } else if (fraction >= pcapFractionLimit) {
                odd = where + (pcapFractionMultiplier == 1 ? "nanoseconds" : "microseconds") + " field " + fraction
                        + " is not below " + pcapFractionLimit;
            } else if (original < captured || original == 0) {
                odd = where + "original length " + original + (original == 0 ? " is 0" : " is smaller than captured length "
                        + captured);
            } else if (pcapHaveLast && Math.abs(seconds - pcapLastSeconds) > RESYNC_WINDOW_SECONDS) {
                odd = where + "timestamp " + seconds + " s is more than " + RESYNC_WINDOW_SECONDS
                        + " s away from the previous record's " + pcapLastSeconds + " s";
            }
            if (odd != null && !pcapFollowedByRecord(at + PCAP_RECORD_HEADER + captured)) {
                if (!resync(at, odd + ", and no record header follows it", PCAP_RECORD_HEADER, this::pcapResyncPoint)) {
                    return null;
                }
                continue;
            }
            if (pcapSnapLen != 0 && captured > pcapSnapLen) {
                error(at, where + "captured length " + captured + " is larger than the snaplen " + pcapSnapLen
                        + " of the file header");
            }
            int originalLength = checkOriginal(at, "pcap record", captured, original);
            if (fraction >= pcapFractionLimit) {
                error(at, "pcap record at offset " + at + ": "
                        + (pcapFractionMultiplier == 1 ? "nanoseconds" : "microseconds") + " field " + fraction
                        + " is not below " + pcapFractionLimit);
            }
            // At most (2^32-1) * 10^9 + (2^32-1) * 1000: fits a signed long.
            long timestamp = seconds * NANOS_PER_SECOND + fraction * pcapFractionMultiplier;
            byte[] data = copy(at + PCAP_RECORD_HEADER, (int) captured);
            if (data == null) {
                return null;
            }
            pos = at + PCAP_RECORD_HEADER + captured;
            records++;
            pcapLastSeconds = seconds;
            pcapHaveLast = true;
            return new CaptureRecord(timestamp, pcapLinkType, (int) captured, originalLength, at, 0, data);
        }
        return null;
    }

    /**
     * Whether a pcap record header plausibly starts at {@code p}, to resynchronise on. The tests,
     * each of which random bytes fail most of the time:
     * <ul>
     * <li>the sub-second field is below 10^6 (µs files) or 10^9 (ns files);
     * <li>the original length is 1 to {@link #MAX_CAPTURED_LENGTH} (no packet on a wire is empty;
     *     this also rules out runs of zero bytes), and the captured length is at most that and
     *     at most the snaplen of the file header;
     * <li>the seconds are within {@link #RESYNC_WINDOW_SECONDS} of the last good record, if any;
     * <li>the captured data fits in the file, and the record ends exactly at the end of the
     *     file, or where another header starts that passes the same tests (timed against this
     *     one; it may be empty, and its captured length may exceed the snaplen, as some writers'
     *     do). Two plausible headers in a row is what makes a false match in packet data
     *     unlikely. When the candidate could be timed against a good record, a record ending
     *     less than a header before the end of the file (a capture cut short) is accepted too.
     * </ul>
     */
    private boolean pcapResyncPoint(long p) {
        long captured = pcapPlausibleHeader(p, pcapHaveLast, pcapLastSeconds, pcapResyncSnapLen, false);
        if (captured < 0) {
            return false;
        }
        long seconds = u32((int) (p - winStart));
        long next = p + PCAP_RECORD_HEADER + captured;
        if (next > size) {
            return false;
        }
        if (size - next < PCAP_RECORD_HEADER) {
            return next == size || pcapHaveLast;
        }
        return pcapPlausibleHeader(next, true, seconds, MAX_CAPTURED_LENGTH, true) >= 0;
    }

    /**
     * Whether {@code next}, the end of a record with an odd header, is the end of the file,
     * within a record header of it (a file cut short), or the start of something with the shape
     * of a record header: a sub-second field in range and a captured length at most
     * {@link #MAX_CAPTURED_LENGTH}. Nothing more is asked (no time window, no original length),
     * so valid files with odd but real records pass; a header read out of step is followed by
     * bytes that fail even this about 2^-26 of the time.
     */
    private boolean pcapFollowedByRecord(long next) {
        if (size - next < PCAP_RECORD_HEADER) {
            return next <= size;
        }
        if (!ensure(next, PCAP_RECORD_HEADER)) {
            return false;
        }
        int o = (int) (next - winStart);
        return u32(o + 4) < pcapFractionLimit && u32(o + 8) <= MAX_CAPTURED_LENGTH;
    }

    /**
     * The captured length of the pcap record header at {@code p} if its fields are plausible
     * (see {@link #pcapResyncPoint}), else -1. Leaves the window over {@code p}.
     */
    private long pcapPlausibleHeader(long p, boolean timed, long nearSeconds, long capturedLimit, boolean mayBeEmpty) {
        if (size - p < PCAP_RECORD_HEADER || !ensure(p, PCAP_RECORD_HEADER)) {
            return -1;
        }
        int o = (int) (p - winStart);
        long fraction = u32(o + 4);
        if (fraction >= pcapFractionLimit) {
            return -1;
        }
        long captured = u32(o + 8);
        long original = u32(o + 12);
        if (original == 0 && !mayBeEmpty || original > MAX_CAPTURED_LENGTH || captured > original
                || captured > capturedLimit) {
            return -1;
        }
        if (timed && Math.abs(u32(o) - nearSeconds) > RESYNC_WINDOW_SECONDS) {
            return -1;
        }
        return captured;
    }

    // ---------------------------------------------------------------------------------------
    // pcapng (draft-ietf-opsawg-pcapng)

    private void checkFirstSectionHeader() throws CaptureFormatException {
        // Section 4.1: the Byte-Order Magic 8 octets into the SHB gives the section's order;
        // without it not even the block length can be read. The first SHB is the file header
        // of a pcapng file: if it cannot be read whole, neither can the file (as with a broken
        // pcap file header), so every problem here is fatal at open.
        if (size < 12) {
            throw new CaptureFormatException(0, name + ": pcapng Section Header Block at offset 0 is truncated: "
                    + "the file is " + size + " bytes long, at least 12 are needed to reach the byte-order magic");
        }
        int bom = win.getInt(8);
        if (bom != BYTE_ORDER_MAGIC && bom != BYTE_ORDER_MAGIC_SWAPPED) {
            throw new CaptureFormatException(8, name + ": " + badByteOrderMagic(0, bom));
        }
        setOrder(bom == BYTE_ORDER_MAGIC ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long length = u32(4);
        String where = name + ": pcapng Section Header Block at offset 0";
        // Section 3.1 (Block Total Length, a multiple of 4) and 4.1 (28 octets without options).
        if (length < MIN_SHB) {
            throw new CaptureFormatException(4, where + ": length " + length + " is shorter than " + MIN_SHB);
        }
        if ((length & 3) != 0) {
            throw new CaptureFormatException(4, where + ": length " + length + " is not a multiple of 4");
        }
        if (length > size) {
            throw new CaptureFormatException(0, where + " is truncated: the file is " + size
                    + " bytes long, the block claims " + length);
        }
        long trailer;
        try {
            trailer = source.slice(length - 4, 4).order(order).getInt(0) & 0xFFFF_FFFFL;
        } catch (IOException | RuntimeException e) {
            throw new CaptureFormatException(length - 4, name + ": cannot be read: " + describe(e), e);
        }
        if (trailer != length) {
            throw new CaptureFormatException(length - 4, where + ": trailing length " + trailer
                    + " does not match length " + length);
        }
        pos = 0;
    }

    private CaptureRecord nextPcapng() {
        while (!done) {
            long at = pos;
            long left = size - at;
            if (left == 0) {
                done = true;
                return null;
            }
            if (left < MIN_BLOCK) {
                // Too few bytes for any block: nothing to resynchronise on.
                return fail(at, "pcapng block at offset " + at + ": only " + left
                        + " bytes left before end of file, a block needs at least " + MIN_BLOCK);
            }
            if (!ensure(at, MIN_BLOCK)) {
                return null;
            }
            int o = (int) (at - winStart);
            // The SHB type is a palindrome (section 4.1), so it reads the same in either order.
            int type = win.getInt(o);
            if (type == BT_SHB) {
                int bom = win.order(ByteOrder.BIG_ENDIAN).getInt(o + 8);
                win.order(order);
                if (bom == BYTE_ORDER_MAGIC) {
                    setOrder(ByteOrder.BIG_ENDIAN);
                } else if (bom == BYTE_ORDER_MAGIC_SWAPPED) {
                    setOrder(ByteOrder.LITTLE_ENDIAN);
                } else {
                    // The order of this section is unknown, so is its length. Its interfaces
                    // are not those of the previous section (section 4.2): forget them, and
                    // look for the next block that reads correctly in the order we have (the
                    // section's own IDB if the order did not change, else the next SHB).
                    interfaces.clear();
                    skippingSection = false;
                    if (!resync(at, badByteOrderMagic(at, bom), MIN_BLOCK, this::pcapngResyncPoint)) {
                        return null;
                    }
                    continue;
                }
            }
            long length = u32(o + 4);
            // Section 3.1: Block Total Length counts type, both lengths and the body, and
            // "MUST be a multiple of 4". A length that breaks this cannot be used to skip.
            String bad = null;
            if (length < MIN_BLOCK) {
                bad = "pcapng block at offset " + at + ": length " + length + " is shorter than " + MIN_BLOCK;
            } else if ((length & 3) != 0) {
                bad = "pcapng block at offset " + at + ": length " + length + " is not a multiple of 4";
            } else if (length > left) {
                bad = "pcapng block at offset " + at + ": length " + length
                        + " runs past end of file (" + left + " bytes left)";
            }
            if (bad != null) {
                if (!resync(at, bad, MIN_BLOCK, this::pcapngResyncPoint)) {
                    return null;
                }
                continue;
            }
            if (!ensure(at + length - 4, 4)) {
                return null;
            }
            long trailer = u32((int) (at + length - 4 - winStart));
            if (trailer != length) {
                // Section 3.1: the trailing copy of the length exists to catch this. Which of
                // the two is wrong? If the leading one leads to the end of the file or to
                // another sound block, trust it and skip the block by it (its body is not
                // trusted); otherwise it is the one that is wrong: resynchronise.
                String message = "pcapng block at offset " + at + ": trailing length " + trailer
                        + " does not match length " + length;
                // A damaged SHB still starts a section (its byte-order magic was valid), but one
                // we cannot vouch for: skip to the next SHB (section 3.4).
                if (type == BT_SHB) {
                    startSection();
                    skippingSection = true;
                }
                if (pcapngFollowedByBlock(at + length)) {
                    error(at, message);
                    pos = at + length;
                } else if (!resync(at, message + ", and no block follows it", MIN_BLOCK, this::pcapngResyncPoint)) {
                    return null;
                }
                continue;
            }
            pos = at + length;
            CaptureRecord record = null;
            if (type == BT_SHB) {
                sectionHeader(at, length);
            } else if (skippingSection) {
                continue;
            } else if (type == BT_IDB) {
                interfaceDescription(at, length);
            } else if (type == BT_EPB) {
                record = packet(at, length, "Enhanced Packet Block", true);
            } else if (type == BT_PB) {
                record = packet(at, length, "Packet Block", false);
            } else if (type == BT_SPB) {
                record = simplePacket(at, length);
            }
            // Every other type (NRB 4, ISB 5, DSB 10, Custom 0xBAD / 0x40000BAD, local-use
            // types with the MSB set...) is skipped by its length, as section 3.1 intends.
            if (record != null) {
                records++;
                return record;
            }
        }
        return null;
    }

    /**
     * Whether a pcapng block plausibly starts at {@code p}, to resynchronise on:
     * <ul>
     * <li>its type is one this reader knows (section 4 and the registry of section 10.1: SHB,
     *     IDB, PB, SPB, NRB, ISB, EPB, systemd Journal Export, DSB, Custom), read in the current
     *     section's byte order; an SHB must have a valid byte-order magic, which also gives the
     *     order of its own lengths, and major version 1;
     * <li>its leading and trailing Block Total Length agree (section 3.1), are at least 12 and
     *     the minimum of the type, a multiple of 4, within the file and at most
     *     {@link #MAX_RESYNC_BLOCK};
     * <li>an EPB, PB or ISB names an interface of the section described by a sound IDB, and a
     *     packet block's captured length fits its body; an SPB needs interface 0.
     * </ul>
     * Any offset is tried, not only multiples of 4 from the damage: inserted or deleted bytes
     * shift everything after them.
     */
    private boolean pcapngResyncPoint(long p) {
        long left = size - p;
        int head = (int) Math.min(left, MIN_EPB - 4);
        if (left < MIN_BLOCK || !ensure(p, head)) {
            return false;
        }
        int o = (int) (p - winStart);
        ByteOrder blockOrder = order;
        int type = win.getInt(o);
        int minimum;
        switch (type) {
            case BT_SHB -> {
                int bom = win.order(ByteOrder.BIG_ENDIAN).getInt(o + 8);
                win.order(order);
                if (bom == BYTE_ORDER_MAGIC) {
                    blockOrder = ByteOrder.BIG_ENDIAN;
                } else if (bom == BYTE_ORDER_MAGIC_SWAPPED) {
                    blockOrder = ByteOrder.LITTLE_ENDIAN;
                } else {
                    return false;
                }
                minimum = MIN_SHB;
            }
            case BT_IDB -> minimum = MIN_IDB;
            case BT_EPB, BT_PB -> minimum = MIN_EPB;
            case BT_SPB -> minimum = MIN_SPB;
            case BT_ISB -> minimum = MIN_ISB;
            case BT_NRB, BT_SJE, BT_DSB, BT_CUSTOM, BT_CUSTOM_NO_COPY -> minimum = MIN_BLOCK;
            default -> {
                return false;
            }
        }
        long length = win.order(blockOrder).getInt(o + 4) & 0xFFFF_FFFFL;
        win.order(order);
        if (length < minimum || (length & 3) != 0 || length > left || length > MAX_RESYNC_BLOCK) {
            return false;
        }
        // Every field looked at below lies in the first 28 bytes, within the block.
        if (type == BT_SHB) {
            if ((win.order(blockOrder).getShort(o + 12) & 0xFFFF) != 1) {
                win.order(order);
                return false;
            }
            win.order(order);
        } else if (type == BT_EPB || type == BT_PB || type == BT_ISB) {
            long interfaceId = type == BT_PB ? u16(o + 8) : u32(o + 8);
            if (interfaceId >= interfaces.size() || !interfaces.get((int) interfaceId).valid) {
                return false;
            }
            if (type != BT_ISB) {
                long captured = u32(o + 20);
                if (captured > MAX_CAPTURED_LENGTH || captured > length - MIN_EPB) {
                    return false;
                }
            }
        } else if (type == BT_SPB && (interfaces.isEmpty() || !interfaces.get(0).valid)) {
            return false;
        }
        if (!ensure(p + length - 4, 4)) {
            return false;
        }
        long trailer = win.order(blockOrder).getInt((int) (p + length - 4 - winStart)) & 0xFFFF_FFFFL;
        win.order(order);
        return trailer == length;
    }

    /**
     * Whether a block that ends at {@code next} is followed by the end of the file, by fewer
     * bytes than any block needs (a file cut short), or by a block of any type whose two
     * lengths agree: the corroboration that its own leading length was right.
     */
    private boolean pcapngFollowedByBlock(long next) {
        long left = size - next;
        if (left < MIN_BLOCK) {
            return left >= 0;
        }
        if (!ensure(next, 8)) {
            return false;
        }
        int o = (int) (next - winStart);
        ByteOrder blockOrder = order;
        if (win.getInt(o) == BT_SHB) {
            if (!ensure(next, MIN_BLOCK)) {
                return false;
            }
            o = (int) (next - winStart);
            int bom = win.order(ByteOrder.BIG_ENDIAN).getInt(o + 8);
            win.order(order);
            if (bom != BYTE_ORDER_MAGIC && bom != BYTE_ORDER_MAGIC_SWAPPED) {
                return false;
            }
            blockOrder = bom == BYTE_ORDER_MAGIC ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }
        long length = win.order(blockOrder).getInt(o + 4) & 0xFFFF_FFFFL;
        win.order(order);
        if (length < MIN_BLOCK || (length & 3) != 0 || length > left || !ensure(next + length - 4, 4)) {
            return false;
        }
        long trailer = win.order(blockOrder).getInt((int) (next + length - 4 - winStart)) & 0xFFFF_FFFFL;
        win.order(order);
        return trailer == length;
    }

    private void startSection() {
        sections++;
        interfaces.clear(); // Interface IDs are per section (section 4.2).
        skippingSection = false;
    }

    /** Section Header Block, section 4.1. The byte order has already been switched. */
    private void sectionHeader(long at, long length) {
        startSection();
        if (length < MIN_SHB) {
            error(at, "pcapng Section Header Block at offset " + at + ": length " + length
                    + " is shorter than " + MIN_SHB + "; skipping the section");
            skippingSection = true;
            return;
        }
        if (!ensure(at, MIN_SHB)) {
            return;
        }
        int o = (int) (at - winStart);
        int major = u16(o + 12);
        int minor = u16(o + 14);
        // Section 4.1: 1.0 is current; "Readers ... MUST treat a Minor Version of 2 as
        // equivalent to a Minor Version of 0". Any other version may have a different layout,
        // and section 3.4 says a reader that cannot read a section "MUST skip everything until
        // the next Section Header Block".
        if (major != 1 || (minor != 0 && minor != 2)) {
            error(at, "pcapng Section Header Block at offset " + at + ": version " + major + "." + minor
                    + " is not supported (expected 1.0 or 1.2); skipping the section");
            skippingSection = true;
        }
        // Section Length (offset 16) is only a navigation hint; -1 means unknown. Blocks are
        // walked one by one anyway, so it is not used. Options (shb_hardware...) are not needed.
    }

    /** Interface Description Block, section 4.2. */
    private void interfaceDescription(long at, long length) {
        if (interfaces.size() >= MAX_INTERFACES) {
            error(at, "pcapng Interface Description Block at offset " + at + ": more than " + MAX_INTERFACES
                    + " interfaces in one section; ignoring this one");
            return;
        }
        String where = "pcapng Interface Description Block at offset " + at;
        if (length < MIN_IDB) {
            // Still take up its interface id, or every later id in the section would shift.
            error(at, where + ": length " + length + " is shorter than " + MIN_IDB);
            interfaces.add(Interface.malformed(at));
            return;
        }
        if (!ensure(at, MIN_IDB)) {
            return;
        }
        int o = (int) (at - winStart);
        int linkType = u16(o + 8);
        // Reserved (o + 10) "MUST be ignored by pcapng file readers".
        long snapLen = u32(o + 12);
        int tsresol = 6;        // Default 10^-6 when if_tsresol is absent.
        long tsoffset = 0;      // Default 0 when if_tsoffset is absent.

        // Options, section 3.5: TLVs padded to 32 bits, ended by opt_endofopt or by the end of
        // the block ("MUST NOT assume an option list will have an opt_endofopt option").
        long opt = at + 16;
        long end = at + length - 4;
        // The block length and every padded option are multiples of 4, so whenever opt < end
        // at least a whole 4-byte option header is left.
        while (opt < end) {
            long optLeft = end - opt;
            if (!ensure(opt, 4)) {
                return;
            }
            int p = (int) (opt - winStart);
            int code = u16(p);
            int optLength = u16(p + 2);
            if (code == OPT_ENDOFOPT) {
                break;
            }
            long padded = (optLength + 3L) & ~3L;
            if (optLength > optLeft - 4) {
                error(at, where + ": option " + code + " at offset " + opt + ": length " + optLength
                        + " runs past the end of the block (" + (optLeft - 4) + " bytes left)");
                break;
            }
            if (code == IF_TSRESOL || code == IF_TSOFFSET) {
                int expected = code == IF_TSRESOL ? 1 : 8;
                if (optLength != expected) {
                    // Section 3.5: report options with an invalid length; ignore them and go on.
                    error(at, where + ": " + (code == IF_TSRESOL ? "if_tsresol" : "if_tsoffset")
                            + " option at offset " + opt + " has length " + optLength + ", expected " + expected
                            + "; ignoring it");
                } else if (ensure(opt + 4, expected)) {
                    int v = (int) (opt + 4 - winStart);
                    if (code == IF_TSRESOL) {
                        tsresol = win.get(v) & 0xFF;
                    } else {
                        tsoffset = win.getLong(v);
                    }
                } else {
                    return;
                }
            }
            opt += 4 + padded;
        }
        long offsetNanos = 0;
        if (tsoffset != 0) {
            long maxSeconds = Long.MAX_VALUE / NANOS_PER_SECOND;
            if (tsoffset > maxSeconds || tsoffset < -maxSeconds) {
                error(at, where + ": if_tsoffset " + tsoffset + " s is out of range (more than "
                        + (Long.MAX_VALUE / NANOS_PER_SECOND) + " s); ignoring it");
            } else {
                offsetNanos = tsoffset * NANOS_PER_SECOND;
            }
        }
        interfaces.add(Interface.of(at, linkType, snapLen, tsresol, offsetNanos));
    }

    /** Enhanced Packet Block (section 4.3) or the obsolete Packet Block (Appendix A). */
    private CaptureRecord packet(long at, long length, String kind, boolean enhanced) {
        String where = "pcapng " + kind + " at offset " + at;
        if (length < MIN_EPB) {
            error(at, where + ": length " + length + " is shorter than " + MIN_EPB);
            return null;
        }
        if (!ensure(at, MIN_EPB - 4)) {
            return null;
        }
        int o = (int) (at - winStart);
        // EPB: 32-bit Interface ID. PB: 16-bit Interface ID then a 16-bit Drops Count.
        long interfaceId = enhanced ? u32(o + 8) : u16(o + 8);
        long high = u32(o + 12);
        long low = u32(o + 16);
        long captured = u32(o + 20);
        long original = u32(o + 24);
        long room = length - MIN_EPB;
        if (captured > MAX_CAPTURED_LENGTH) {
            error(at, where + ": captured length " + captured + " is larger than the maximum " + MAX_CAPTURED_LENGTH);
            return null;
        }
        if (captured > room) {
            error(at, where + ": captured length " + captured + " does not fit in the block (room for "
                    + room + " bytes of packet data)");
            return null;
        }
        Interface iface = lookUp(at, where, interfaceId);
        if (iface == null) {
            return null;
        }
        if (iface.snapLen != 0 && captured > iface.snapLen) {
            error(at, where + ": captured length " + captured + " is larger than the snaplen "
                    + iface.snapLen + " of interface " + interfaceId);
        }
        int originalLength = checkOriginal(at, "pcapng " + kind, captured, original);
        long timestamp = timestamp(at, where, iface, (high << 32) | low);
        byte[] data = copy(at + 28, (int) captured);
        if (data == null) {
            return null;
        }
        return new CaptureRecord(timestamp, iface.linkType, (int) captured, originalLength, at,
                (int) interfaceId, data);
    }

    /** Simple Packet Block, section 4.4. */
    private CaptureRecord simplePacket(long at, long length) {
        String where = "pcapng Simple Packet Block at offset " + at;
        if (length < MIN_SPB) {
            error(at, where + ": length " + length + " is shorter than " + MIN_SPB);
            return null;
        }
        if (interfaces.isEmpty()) {
            error(at, where + ": no Interface Description Block precedes it in its section "
                    + "(a Simple Packet Block belongs to interface 0)");
            return null;
        }
        Interface iface = interfaces.get(0);
        if (!iface.valid) {
            error(at, where + ": interface 0 was described by the malformed Interface Description Block at offset "
                    + iface.blockOffset);
            return null;
        }
        if (!ensure(at, 12)) {
            return null;
        }
        long original = u32((int) (at - winStart) + 8);
        // Section 4.4: the Packet Data length "is the minimum value among the SnapLen ... and
        // the Original Packet Length"; SnapLen 0 means no limit (section 4.2).
        long captured = iface.snapLen == 0 ? original : Math.min(original, iface.snapLen);
        long room = length - MIN_SPB;
        if (captured > MAX_CAPTURED_LENGTH) {
            error(at, where + ": captured length " + captured + " (the smaller of original length " + original
                    + " and snaplen " + iface.snapLen + ") is larger than the maximum " + MAX_CAPTURED_LENGTH);
            return null;
        }
        if (captured > room) {
            error(at, where + ": captured length " + captured + " (the smaller of original length " + original
                    + " and snaplen " + iface.snapLen + ") does not fit in the block (room for " + room
                    + " bytes of packet data)");
            return null;
        }
        int originalLength = checkOriginal(at, "pcapng Simple Packet Block", captured, original);
        byte[] data = copy(at + 12, (int) captured);
        if (data == null) {
            return null;
        }
        // No timestamp in an SPB (section 4.4); 0 is what Wireshark shows too.
        return new CaptureRecord(0, iface.linkType, (int) captured, originalLength, at, 0, data);
    }

    private Interface lookUp(long at, String where, long interfaceId) {
        // Section 4.3: "The interface ID MUST be valid, which means that an matching interface
        // description block MUST exist." Without it the link type is unknown: skip the packet.
        if (interfaceId >= interfaces.size()) {
            error(at, where + ": interface id " + interfaceId + " is not defined (the section has "
                    + interfaces.size() + (interfaces.size() == 1 ? " interface)" : " interfaces)"));
            return null;
        }
        Interface iface = interfaces.get((int) interfaceId);
        if (!iface.valid) {
            error(at, where + ": interface " + interfaceId
                    + " was described by the malformed Interface Description Block at offset " + iface.blockOffset);
            return null;
        }
        return iface;
    }

    /** Converts a 64-bit pcapng timestamp (section 4.3) to nanoseconds since the epoch. */
    private long timestamp(long at, String where, Interface iface, long units) {
        long nanos = iface.toNanos(units);
        if (nanos != Interface.OVERFLOW) {
            long sum = nanos + iface.offsetNanos;
            if (((nanos ^ sum) & (iface.offsetNanos ^ sum)) >= 0) {
                return sum; // The common case: no overflow anywhere.
            }
        }
        // Rare: redo it exactly, since a negative if_tsoffset can bring a huge count back in range.
        BigInteger exact = iface.exactNanos(units).add(BigInteger.valueOf(iface.offsetNanos));
        if (exact.bitLength() < 64) {
            return exact.longValue();
        }
        error(at, where + ": timestamp " + Long.toUnsignedString(units) + " in units of " + iface.resolutionText()
                + (iface.offsetNanos != 0 ? " plus if_tsoffset " + iface.offsetNanos / NANOS_PER_SECOND + " s" : "")
                + " does not fit in 64-bit nanoseconds since 1970 (years 1677 to 2262); using "
                + (exact.signum() < 0 ? "the smallest" : "the largest") + " value");
        return exact.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    private String badByteOrderMagic(long at, int bom) {
        return String.format("pcapng Section Header Block at offset %d: byte-order magic 0x%08x is neither "
                + "0x1a2b3c4d (big-endian) nor 0x4d3c2b1a (little-endian)", at, bom);
    }

    // ---------------------------------------------------------------------------------------
    // Shared helpers

    /**
     * Original length as an int, reporting one below the captured length (the drafts say it
     * "SHOULD NOT be less"; readers "MAY" fix it, this one only reports it) or past 2^31-1.
     */
    private int checkOriginal(long at, String what, long captured, long original) {
        if (original < captured) {
            error(at, what + " at offset " + at + ": original length " + original
                    + " is smaller than captured length " + captured);
        }
        if (original > Integer.MAX_VALUE) {
            error(at, what + " at offset " + at + ": original length " + original
                    + " is larger than " + Integer.MAX_VALUE + "; using " + Integer.MAX_VALUE);
            return Integer.MAX_VALUE;
        }
        return (int) original;
    }

    private byte[] copy(long at, int length) {
        if (!ensure(at, length)) {
            return null;
        }
        byte[] data = new byte[length];
        win.get((int) (at - winStart), data, 0, length);
        return data;
    }

    /**
     * Makes bytes [at, at + length) addressable in {@link #win}. The caller has checked that they
     * lie within the file. Reports an error and ends reading if the mapping fails.
     */
    private boolean ensure(long at, long length) {
        if (at >= winStart && at + length <= winEnd) {
            return true;
        }
        long mapLength = Math.min(size - at, Math.max(windowSize, length));
        try {
            win = source.slice(at, (int) mapLength).order(order);
            winStart = at;
            winEnd = at + mapLength;
            return true;
        } catch (IOException | RuntimeException e) {
            fail(at, "cannot map " + mapLength + " bytes at offset " + at + ": " + describe(e));
            return false;
        }
    }

    private void mapOrThrow(long length) throws CaptureFormatException {
        try {
            win = source.slice(0, (int) length).order(order);
            winStart = 0;
            winEnd = length;
        } catch (IOException | RuntimeException e) {
            throw new CaptureFormatException(0, name + ": cannot be read: " + describe(e), e);
        }
    }

    private void setOrder(ByteOrder newOrder) {
        order = newOrder;
        win.order(newOrder);
    }

    private int u16(int index) {
        return win.getShort(index) & 0xFFFF;
    }

    private long u32(int index) {
        return win.getInt(index) & 0xFFFF_FFFFL;
    }

    private void error(long at, String message) {
        errorCount++;
        if (errors.size() < MAX_STORED_ERRORS) {
            errors.add(new CaptureError(at, message));
        }
    }

    /**
     * Reports the damage at {@code at}, then scans forward from {@code at + 1}, byte by byte, for
     * the first position that {@code point} accepts, and goes on reading there (recording a
     * {@link Skip}). Returns false, with reading ended at {@code at}, if there is none.
     *
     * <p>Linear overall: a scan only looks at positions between the damage and the point found,
     * reading resumes at that point, and the next damage can only be found after it; so no
     * position is scanned twice. Each look is a bounded number of reads.
     */
    private boolean resync(long at, String reason, int minimum, LongPredicate point) {
        error(at, reason);
        long found = -1;
        for (long p = at + 1; p <= size - minimum && !done; p++) {
            positionsScanned++;
            if (point.test(p)) {
                found = p;
                break;
            }
        }
        if (done) {
            return false; // A mapping failure ended reading (and was reported) during the scan.
        }
        if (found < 0) {
            done = true;
            stoppedAt = at;
            return false;
        }
        skipCount++;
        bytesSkipped += found - at;
        if (skips.size() < MAX_STORED_ERRORS) {
            skips.add(new Skip(at, found, reason));
        }
        pos = found;
        return true;
    }

    /** Records a problem after which nothing more can be read, and ends the file. */
    private CaptureRecord fail(long at, String message) {
        error(at, message);
        done = true;
        stoppedAt = at;
        return null;
    }

    private static String describeMagic(int magic) {
        String base = String.format("magic number 0x%08x at offset 0 is neither pcap (0xa1b2c3d4 or 0xa1b23c4d, "
                + "either byte order) nor pcapng (0x0a0d0d0a)", magic);
        if ((magic >>> 16) == 0x1F8B) {
            return base + "; it looks gzip-compressed: decompress it first";
        }
        if (magic == 0xA1B2CD34 || magic == 0x34CDB2A1) {
            return base + "; it looks like the unsupported \"modified pcap\" (Kuznetsov) format";
        }
        if ((magic & 0xFFFFFF00) == 0x0A0D0A00 || (magic & 0x00FFFFFF) == 0x000A0D0A
                || (magic & 0x00FFFFFF) == 0x000A0D0D || (magic & 0xFFFFFF00) == 0x0D0D0A00) {
            // Reserved block types of draft-ietf-opsawg-pcapng section 10.1 for exactly this case.
            return base + "; it looks like a pcapng file damaged by a text-mode (FTP/HTTP) transfer";
        }
        return base;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing useful to do: we are already reporting the reason the open failed.
        }
    }

    // ---------------------------------------------------------------------------------------
    // Interfaces (pcapng section 4.2)

    /** What a packet block needs from its Interface Description Block. */
    private static final class Interface {
        static final long OVERFLOW = Long.MIN_VALUE;

        // How timestamp units become nanoseconds.
        private static final int MULTIPLY = 0;  // 10^-v with v <= 9: units * 10^(9 - v)
        private static final int DIVIDE = 1;    // 10^-v with 9 < v <= 27: units / 10^(v - 9)
        private static final int ZERO = 2;      // 10^-v with v > 27: always below 1 ns
        private static final int BINARY = 3;    // 2^-n: units * 10^9 / 2^n, in 128 bits

        final long blockOffset;
        final boolean valid;
        final int linkType;
        final long snapLen;
        final long offsetNanos;
        final int tsresol;
        private final int mode;
        private final long factor;
        private final long limit;

        private Interface(long blockOffset, boolean valid, int linkType, long snapLen, int tsresol, long offsetNanos) {
            this.blockOffset = blockOffset;
            this.valid = valid;
            this.linkType = linkType;
            this.snapLen = snapLen;
            this.tsresol = tsresol;
            this.offsetNanos = offsetNanos;
            // if_tsresol, section 4.2: MSB 0 -> the rest is a negative power of 10; MSB 1 ->
            // a negative power of 2.
            int exponent = tsresol & 0x7F;
            if ((tsresol & 0x80) != 0) {
                mode = BINARY;
                factor = exponent;
                limit = 0;
            } else if (exponent <= 9) {
                mode = MULTIPLY;
                factor = pow10(9 - exponent);
                limit = Long.MAX_VALUE / factor;
            } else if (exponent <= 27) {
                mode = DIVIDE;
                factor = pow10(exponent - 9);
                limit = 0;
            } else {
                mode = ZERO;
                factor = 0;
                limit = 0;
            }
        }

        static Interface of(long blockOffset, int linkType, long snapLen, int tsresol, long offsetNanos) {
            return new Interface(blockOffset, true, linkType, snapLen, tsresol, offsetNanos);
        }

        static Interface malformed(long blockOffset) {
            return new Interface(blockOffset, false, -1, 0, 6, 0);
        }

        /** Units (an unsigned 64-bit count) to nanoseconds, or {@link #OVERFLOW}. */
        long toNanos(long units) {
            switch (mode) {
                case MULTIPLY:
                    return units >= 0 && units <= limit ? units * factor : OVERFLOW;
                case DIVIDE:
                    // units < 2^64 and factor >= 10, so the quotient fits a signed long.
                    return Long.divideUnsigned(units, factor);
                case ZERO:
                    return 0;
                default:
                    return binaryToNanos(units, (int) factor);
            }
        }

        /** floor(units * 10^9 / 2^shift) for unsigned units, via a 128-bit product. */
        static long binaryToNanos(long units, int shift) {
            long lo = units * NANOS_PER_SECOND;
            // Unsigned high half: the signed high half plus the correction for a "negative" units.
            long hi = Math.multiplyHigh(units, NANOS_PER_SECOND) + ((units >> 63) & NANOS_PER_SECOND);
            long resultLo;
            long resultHi;
            if (shift == 0) {
                resultLo = lo;
                resultHi = hi;
            } else if (shift < 64) {
                resultLo = (lo >>> shift) | (hi << (64 - shift));
                resultHi = hi >>> shift;
            } else {
                resultLo = hi >>> (shift - 64); // shift <= 127, so shift - 64 < 64
                resultHi = 0;
            }
            return resultHi != 0 || resultLo < 0 ? OVERFLOW : resultLo;
        }

        /** The same conversion as {@link #toNanos} without overflow, for the rare slow path. */
        BigInteger exactNanos(long units) {
            BigInteger u = new BigInteger(Long.toUnsignedString(units)).multiply(BigInteger.valueOf(NANOS_PER_SECOND));
            int exponent = tsresol & 0x7F;
            return (tsresol & 0x80) != 0 ? u.shiftRight(exponent) : u.divide(BigInteger.TEN.pow(exponent));
        }

        String resolutionText() {
            return (tsresol & 0x80) != 0 ? "2^-" + (tsresol & 0x7F) + " s" : "10^-" + (tsresol & 0x7F) + " s";
        }

        private static long pow10(int n) {
            long r = 1;
            for (int i = 0; i < n; i++) {
                r *= 10;
            }
            return r;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Where the bytes come from

    /** Hands out windows of a file or of a buffer; windows never exceed Integer.MAX_VALUE bytes. */
    private interface Source {
        long size();

        ByteBuffer slice(long at, int length) throws IOException;

        void close();
    }

    private static final class FileSource implements Source {
        private final FileChannel channel;
        private final long size;

        FileSource(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public ByteBuffer slice(long at, int length) throws IOException {
            return channel.map(FileChannel.MapMode.READ_ONLY, at, length);
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private static final class BufferSource implements Source {
        private final ByteBuffer buffer;

        BufferSource(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public long size() {
            return buffer.limit();
        }

        @Override
        public ByteBuffer slice(long at, int length) {
            return buffer.slice((int) at, length);
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
