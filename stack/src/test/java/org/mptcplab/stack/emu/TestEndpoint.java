package org.mptcplab.stack.emu;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;
import org.mptcplab.stack.io.Endpoint;

/**
 * A trivial endpoint for the network's tests: sends what it is told to, records what arrives
 * (with the arrival time), and keeps a list of timer deadlines it fires in order.
 */
final class TestEndpoint implements Endpoint {
    /** One datagram as it arrived. */
    record Received(long time, int iface, byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Received r && r.time == time && r.iface == iface && Arrays.equals(r.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(time) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Received[t=" + time + ", iface=" + iface + ", " + data.length + " bytes]";
        }
    }

    /** What to do with an arriving datagram, besides recording it. */
    interface OnPacket {
        void packet(TestEndpoint self, long now, int iface, byte[] data);
    }

    final List<Received> received = new ArrayList<>();
    final ArrayDeque<Transmit> outbox = new ArrayDeque<>();
    final PriorityQueue<Long> timers = new PriorityQueue<>();
    final List<Long> timerFires = new ArrayList<>();
    OnPacket onPacket;
    LongConsumer onTimer;

    void send(int iface, byte[] datagram) {
        outbox.add(new Transmit(iface, datagram));
    }

    void setTimer(long at) {
        timers.add(at);
    }

    @Override
    public void handlePacket(long nowNanos, int iface, byte[] packet, int off, int len) {
        byte[] copy = Arrays.copyOfRange(packet, off, off + len);
        received.add(new Received(nowNanos, iface, copy));
        if (onPacket != null) {
            onPacket.packet(this, nowNanos, iface, copy);
        }
    }

    @Override
    public Transmit pollTransmit(long nowNanos) {
        return outbox.poll();
    }

    @Override
    public long nextTimeout() {
        Long t = timers.peek();
        return t == null ? NEVER : t;
    }

    @Override
    public void handleTimeout(long nowNanos) {
        while (!timers.isEmpty() && timers.peek() <= nowNanos) {
            timers.poll();
            timerFires.add(nowNanos);
            if (onTimer != null) {
                onTimer.accept(nowNanos);
            }
        }
    }

    List<Long> arrivalTimes() {
        return received.stream().map(Received::time).toList();
    }
}
