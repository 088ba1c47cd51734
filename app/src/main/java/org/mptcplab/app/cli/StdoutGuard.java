package org.mptcplab.app.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The process's standard output as a stream that remembers why a write failed. Java's
 * {@code System.out} (a PrintStream) swallows IOExceptions, so {@code decode FILE > /dev/full}
 * used to exit 0 with nothing said. Writes go straight to file descriptor 1; the first failure is
 * kept (with the operating system's reason, e.g. "No space left on device" or "Broken pipe") and
 * every later write fails at once, so a command producing millions of lines stops early.
 */
public final class StdoutGuard extends OutputStream {
    private final OutputStream out;
    private IOException failure;

    public StdoutGuard() {
        this(new FileOutputStream(FileDescriptor.out));
    }

    StdoutGuard(OutputStream out) {
        this.out = out;
    }

    /** The first write failure, or null. */
    public IOException failure() {
        return failure;
    }

    @Override
    public void write(int b) throws IOException {
        check();
        try {
            out.write(b);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        check();
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void flush() throws IOException {
        check();
        try {
            out.flush();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    private void check() throws IOException {
        if (failure != null) {
            throw new IOException("standard output failed earlier: " + failure.getMessage(), failure);
        }
    }

    private IOException remember(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /** The one-line message for a failed write to standard output, as tcpdump and tshark give. */
    public static String message(IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "mptcp-lab: error writing to standard output: " + why;
    }
}
