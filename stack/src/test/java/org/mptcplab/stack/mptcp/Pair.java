package org.mptcplab.stack.mptcp;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.mptcplab.stack.io.Endpoint;
import org.mptcplab.stack.wire.IpAddress;

/**
 * Two stacks joined by N point-to-point links with a fixed one-way delay (quinn-proto's
 * Pair::step): a minimal, deterministic driver for the engine's unit tests. Interface i of the
 * client is 10.(i+1).0.1/24, of the server 10.(i+1).0.2/24. A filter can drop or rewrite datagrams.
 */
final class Pair {
    final MptcpStack client;
    final MptcpStack server;
    final int links;
    long now;
    long delay = 5_000_000L;
    final boolean[] up;
    /** Return false to drop; may modify the array. Arguments: from client?, link, packet. */
    Filter filter = (fromClient, link, pkt) -> true;
    final List<byte[]> log = new ArrayList<>();
    boolean keepLog;
    private long seq;
    private final PriorityQueue<Flight> inFlight = new PriorityQueue<>();
    final SplittableRandom rnd;
    double loss;

    interface Filter {
        boolean pass(boolean fromClient, int link, byte[] pkt);
    }

    private record Flight(long at, long order, boolean toServer, int link, byte[] pkt) implements Comparable<Flight> {
        public int compareTo(Flight o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    Pair(int links, StackConfig clientCfg, StackConfig serverCfg, long seed) {
        this(links, clientCfg, serverCfg, seed, false);
    }

    Pair(int links, StackConfig clientCfg, StackConfig serverCfg, long seed, boolean v6) {
        this.links = links;
        this.client = new MptcpStack("client", clientCfg, seed);
        this.server = new MptcpStack("server", serverCfg, seed + 1);
        this.up = new boolean[links];
        this.rnd = new SplittableRandom(seed + 2);
        for (int i = 0; i < links; i++) {
            up[i] = true;
            client.addAddress(i, addr(i, 1, v6), v6 ? 64 : 24);
            server.addAddress(i, addr(i, 2, v6), v6 ? 64 : 24);
        }
    }

    static IpAddress addr(int link, int host, boolean v6) {
        return IpAddress.parse(v6 ? "fd00:" + (link + 1) + "::" + host : "10." + (link + 1) + ".0." + host);
    }

    IpAddress serverAddr(int link) {
        return server.addresses().get(link).address();
    }

    private void drain() {
        drainOne(client, true);
        drainOne(server, false);
    }

    private void drainOne(MptcpStack s, boolean fromClient) {
        Endpoint.Transmit t;
        while ((t = s.pollTransmit(now)) != null) {
            if (keepLog) {
                log.add(t.packet().clone());
            }
            if (!up[t.iface()] || loss > 0 && rnd.nextDouble() < loss || !filter.pass(fromClient, t.iface(), t.packet())) {
                continue;
            }
            inFlight.add(new Flight(now + delay, seq++, fromClient, t.iface(), t.packet()));
        }
    }

    /** Runs an application action as an input at the current time. */
    void act(Runnable r) {
        r.run();
        drain();
    }

    /** One event; false when nothing is left to do. */
    boolean step() {
        drain();
        long tc = client.nextTimeout();
        long ts = server.nextTimeout();
        Flight f = inFlight.peek();
        long tf = f == null ? Endpoint.NEVER : f.at();
        long next = Math.min(tf, Math.min(tc, ts));
        if (next == Endpoint.NEVER) {
            return false;
        }
        now = Math.max(now, next);
        if (tf == next) {
            inFlight.poll();
            MptcpStack to = f.toServer() ? server : client;
            to.handlePacket(now, f.link(), f.pkt(), 0, f.pkt().length);
        } else if (tc == next) {
            client.handleTimeout(now);
        } else {
            server.handleTimeout(now);
        }
        drain();
        return true;
    }

    /** Steps until {@code done} or the virtual deadline; returns whether done. */
    boolean runUntil(BooleanSupplier done, long deadline) {
        int guard = 0;
        while (!done.getAsBoolean()) {
            if (now > deadline || !step()) {
                return done.getAsBoolean();
            }
            if (++guard > 50_000_000) {
                throw new IllegalStateException("no progress after 50M events");
            }
        }
        return true;
    }

    void runFor(long nanos) {
        long end = now + nanos;
        while (true) {
            drain();
            long tc = client.nextTimeout();
            long ts = server.nextTimeout();
            Flight f = inFlight.peek();
            long next = Math.min(f == null ? Endpoint.NEVER : f.at(), Math.min(tc, ts));
            if (next > end) {
                now = end;
                return;
            }
            step();
        }
    }

    static <T> T first(List<T> l, Predicate<T> p) {
        for (T t : l) {
            if (p.test(t)) {
                return t;
            }
        }
        return null;
    }
}
