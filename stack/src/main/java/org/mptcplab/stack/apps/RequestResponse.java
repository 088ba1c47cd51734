package org.mptcplab.stack.apps;

import java.util.ArrayList;
import java.util.List;
import org.mptcplab.stack.mptcp.MptcpSocket;

/**
 * A request/response client over one connection: sends a request of {@code requestSize} bytes,
 * waits for the whole response of {@code responseSize} bytes, records the latency, repeats
 * {@code count} times. Pairs with {@link Responder}. Shows latency where bulk shows throughput.
 */
public final class RequestResponse implements MptcpSocket.Handler {
    private final int requestSize;
    private final int responseSize;
    private final int count;
    private final byte[] buf = new byte[64 * 1024];
    private final List<Long> latencies = new ArrayList<>();
    private long sentAt = -1;
    private int requestLeft;
    private long responseLeft;
    private int done;
    private boolean closed;
    private long responseBytes;

    public RequestResponse(int requestSize, int responseSize, int count) {
        if (requestSize < 1 || responseSize < 1 || count < 1) {
            throw new IllegalArgumentException("request size, response size and count must be at least 1");
        }
        this.requestSize = requestSize;
        this.responseSize = responseSize;
        this.count = count;
    }

    @Override
    public void onConnected(long now, MptcpSocket s) {
        startRequest(now, s);
    }

    private void startRequest(long now, MptcpSocket s) {
        sentAt = now;
        requestLeft = requestSize;
        responseLeft = responseSize;
        writeRequest(now, s);
    }

    private void writeRequest(long now, MptcpSocket s) {
        while (requestLeft > 0) {
            int n = s.write(now, buf, 0, Math.min(buf.length, requestLeft));
            if (n <= 0) {
                return;
            }
            requestLeft -= n;
        }
    }

    @Override
    public void onWritable(long now, MptcpSocket s) {
        writeRequest(now, s);
    }

    @Override
    public void onReadable(long now, MptcpSocket s) {
        int n;
        while ((n = s.read(now, buf, 0, (int) Math.min(buf.length, Math.max(1, responseLeft)))) > 0) {
            responseLeft -= n;
            responseBytes += n;
            if (responseLeft == 0) {
                latencies.add(now - sentAt);
                done++;
                if (done == count) {
                    s.close(now);
                    closed = true;
                    return;
                }
                startRequest(now, s);
            }
        }
    }

    public List<Long> latencies() {
        return latencies;
    }

    public boolean finished() {
        return closed;
    }

    /** Responses received whole. */
    public int completed() {
        return done;
    }

    /** Bytes of responses received, the partial one included. */
    public long responseBytes() {
        return responseBytes;
    }

    public int requestSize() {
        return requestSize;
    }

    public int responseSize() {
        return responseSize;
    }

    public int count() {
        return count;
    }

    /** The latencies so far, summarised. */
    public TrafficReport.RequestResponseReport report() {
        return TrafficReport.RequestResponseReport.of(requestSize, responseSize, count, latencies);
    }

    /** Server side: answers each request of {@code requestSize} bytes with {@code responseSize} bytes. */
    public static final class Responder implements MptcpSocket.Handler {
        private final int requestSize;
        private final int responseSize;
        private final byte[] buf = new byte[64 * 1024];
        private long requestBytes;
        private long owed;

        public Responder(int requestSize, int responseSize) {
            this.requestSize = requestSize;
            this.responseSize = responseSize;
        }

        @Override
        public void onReadable(long now, MptcpSocket s) {
            int n;
            while ((n = s.read(now, buf, 0, buf.length)) > 0) {
                requestBytes += n;
                while (requestBytes >= requestSize) {
                    requestBytes -= requestSize;
                    owed += responseSize;
                }
            }
            write(now, s);
            if (n < 0) {
                s.close(now);
            }
        }

        @Override
        public void onWritable(long now, MptcpSocket s) {
            write(now, s);
        }

        private void write(long now, MptcpSocket s) {
            while (owed > 0) {
                int w = s.write(now, buf, 0, (int) Math.min(buf.length, owed));
                if (w <= 0) {
                    return;
                }
                owed -= w;
            }
        }
    }
}
