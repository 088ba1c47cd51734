package org.mptcplab.stack.apps;

import org.mptcplab.stack.mptcp.MptcpSocket;

/** Echo server: writes back what it reads; closes after the peer's end of stream and the last write. */
public final class Echo implements MptcpSocket.Handler {
    private final byte[] pending = new byte[256 * 1024];
    private int pendingLen;
    private boolean eof;
    private long echoed;

    @Override
    public void onReadable(long now, MptcpSocket s) {
        flush(now, s);
        int n;
        while (pendingLen < pending.length && (n = s.read(now, pending, pendingLen, pending.length - pendingLen)) != 0) {
            if (n < 0) {
                eof = true;
                break;
            }
            pendingLen += n;
            flush(now, s);
        }
        flush(now, s);
    }

    @Override
    public void onWritable(long now, MptcpSocket s) {
        flush(now, s);
        onReadableIfRoom(now, s);
    }

    private void onReadableIfRoom(long now, MptcpSocket s) {
        if (pendingLen < pending.length && !eof) {
            onReadable(now, s);
        }
    }

    private void flush(long now, MptcpSocket s) {
        while (pendingLen > 0) {
            int w = s.write(now, pending, 0, pendingLen);
            if (w <= 0) {
                break;
            }
            System.arraycopy(pending, w, pending, 0, pendingLen - w);
            pendingLen -= w;
            echoed += w;
        }
        if (eof && pendingLen == 0) {
            s.close(now);
        }
    }

    public long echoed() {
        return echoed;
    }
}
