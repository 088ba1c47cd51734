package org.mptcplab.stack.emu;

import java.util.ArrayDeque;
import org.mptcplab.stack.io.Endpoint;

/**
 * Rough throughput of the emulated network between two trivial endpoints (not a test): a sender
 * keeps a window of 1500-byte datagrams in flight and sends one more per acknowledgment; the
 * receiver answers each datagram with a 52-byte one. Run with the test classpath:
 * {@code java -cp stack/target/classes:stack/target/test-classes org.mptcplab.stack.emu.EmulatedNetworkBench}.
 */
public final class EmulatedNetworkBench {
    private EmulatedNetworkBench() {
    }

    /** Sends {@code window} datagrams at start, then one per datagram received. */
    static final class Windowed implements Endpoint {
        final byte[] template;
        final ArrayDeque<Transmit> out = new ArrayDeque<>();
        int credit;
        long received;

        Windowed(byte[] template, int window) {
            this.template = template;
            this.credit = window;
        }

        @Override
        public void handlePacket(long nowNanos, int iface, byte[] packet, int off, int len) {
            received++;
            credit++;
        }

        @Override
        public Transmit pollTransmit(long nowNanos) {
            if (credit == 0) {
                return null;
            }
            credit--;
            return new Transmit(0, template.clone());
        }

        @Override
        public long nextTimeout() {
            return NEVER;
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }
    }

    static void run(String label, LinkConfig link, Middlebox box, int window, long virtualNanos) {
        EmulatedNetwork net = new EmulatedNetwork(1);
        byte[] data = box == Middlebox.NONE ? Packets.sized(1, 1500)
                : Packets.tcp(Packets.A4, Packets.B4, 1, 1420, Packets.mptcpDataOptions(1));
        Windowed a = new Windowed(data, window);
        Windowed b = new Windowed(Packets.sized(2, 52), 0);
        Host ha = net.addHost("a", a);
        Host hb = net.addHost("b", b);
        net.connect(ha, 0, hb, 0, link).setMiddlebox(box);
        long t0 = System.nanoTime();
        net.runUntil(virtualNanos);
        long wall = System.nanoTime() - t0;
        long packets = a.received + b.received;
        System.out.printf("%-38s %,12d datagrams %,12d events in %6.0f ms wall: %,11.0f datagrams/s, "
                        + "%,11.0f events/s, %6.1f x real time%n", label, packets, net.eventsProcessed(), wall / 1e6,
                packets / (wall / 1e9), net.eventsProcessed() / (wall / 1e9), virtualNanos / (double) wall);
    }

    public static void main(String[] args) {
        for (int round = 0; round < 3; round++) {
            System.out.println("round " + (round + 1));
            run("1gbit,1ms window 64", LinkConfig.parse("1gbit,1ms"), Middlebox.NONE, 64, 10_000_000_000L);
            run("10gbit,1ms,jitter=100us strip w256", LinkConfig.parse("10gbit,1ms,jitter=100us"),
                    Middlebox.STRIP_MPTCP_DATA, 256, 2_000_000_000L);
            run("unlimited,10us window 1024", LinkConfig.parse("unlimited,10us"), Middlebox.NONE, 1024, 100_000_000L);
        }
    }
}
