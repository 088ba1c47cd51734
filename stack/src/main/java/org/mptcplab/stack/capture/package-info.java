/**
 * Capture files: a strict, allocation-light reader for pcap and pcapng and a classic pcap writer.
 *
 * <p>{@link org.mptcplab.stack.capture.CaptureReader} memory-maps the file and walks its records
 * without a native library (pcap4j's per-packet JNA call caps it near 500k packets/s; a mapped
 * walk is several times faster, see ../shared/RECIPES.md "Capture files: speed"). Damage in a
 * file is reported as {@link org.mptcplab.stack.capture.CaptureError}s that say what and where;
 * after a record or block whose length cannot be used, the reader scans for the next plausible
 * one and goes on there, listing what it skipped. Only a file that is not a capture at all, or
 * whose file header is broken, fails with {@link org.mptcplab.stack.capture.CaptureFormatException}.
 *
 * <p>Formats: classic pcap as in draft-ietf-opsawg-pcap, pcapng as in draft-ietf-opsawg-pcapng;
 * link-type numbers from draft-ietf-opsawg-pcaplinktype.
 */
package org.mptcplab.stack.capture;
