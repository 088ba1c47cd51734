package org.mptcplab.app.live;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two {@link FrameDevice}s joined back to back in memory: what one end sends, the other end
 * receives (on the sender's thread, which is allowed: receivers only queue). For tests of the
 * runner without root or real interfaces.
 */
final class MemoryWire {
    final End a = new End("wire-a");
    final End b = new End("wire-b");

    MemoryWire() {
        a.peer = b;
        b.peer = a;
    }

    static final class End implements FrameDevice {
        private final String name;
        End peer;
        volatile Receiver receiver;
        volatile boolean closed;
        volatile boolean cut;
        final AtomicLong sent = new AtomicLong();

        End(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(Receiver r) {
            if (receiver != null) {
                throw new IllegalStateException(name + " started twice");
            }
            receiver = r;
        }

        @Override
        public void send(byte[] frame) throws IOException {
            if (closed) {
                throw new IOException(name + " is closed");
            }
            sent.incrementAndGet();
            Receiver r = peer.receiver;
            if (r != null && !peer.closed && !cut) {
                r.frameReceived(frame.clone());
            }
        }

        @Override
        public Throwable failure() {
            return null;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
