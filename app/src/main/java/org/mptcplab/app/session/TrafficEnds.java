package org.mptcplab.app.session;

import org.mptcplab.stack.apps.BulkSender;
import org.mptcplab.stack.apps.BulkSink;
import org.mptcplab.stack.emu.EmulatedNetwork;
import org.mptcplab.stack.mptcp.MptcpSocket;

/** The two applications of one flow (the server sends, the client receives) and what they report. */
interface TrafficEnds {
    MptcpSocket.Handler sender();

    MptcpSocket.Handler receiver();

    /** Called once, before the connect, on the engine's thread (video schedules its chunks). */
    default void start(EmulatedNetwork net, org.mptcplab.stack.mptcp.MptcpStack server) {
    }

    long delivered();

    /** Seconds of video buffered at {@code now}; NaN for bulk. */
    default double bufferSeconds(long now) {
        return Double.NaN;
    }

    default String state(long now) {
        return "receiving";
    }

    default long stalls(long now) {
        return 0;
    }

    default long stalledNanos(long now) {
        return 0;
    }

    /** The receiving side of a scenario's run (which made and drives both applications itself). */
    static TrafficEnds of(org.mptcplab.stack.sim.Scenario.Run run) {
        return new TrafficEnds() {
            @Override
            public MptcpSocket.Handler sender() {
                throw new IllegalStateException("the scenario's run holds its applications");
            }

            @Override
            public MptcpSocket.Handler receiver() {
                throw new IllegalStateException("the scenario's run holds its applications");
            }

            @Override
            public long delivered() {
                return run.delivered();
            }

            @Override
            public double bufferSeconds(long now) {
                return run.bufferSeconds(now);
            }

            @Override
            public String state(long now) {
                return run.receiverState(now);
            }

            @Override
            public long stalls(long now) {
                return run.stalls(now);
            }

            @Override
            public long stalledNanos(long now) {
                return run.stalledNanos(now);
            }
        };
    }

    /** Bulk: as fast as the connection goes, for ever (a session runs until it is stopped). */
    static TrafficEnds bulk(long seed) {
        BulkSender sender = new BulkSender(Long.MAX_VALUE / 4, seed).withoutHash();
        BulkSink sink = new BulkSink().withoutHash();
        return new TrafficEnds() {
            @Override
            public MptcpSocket.Handler sender() {
                return sender;
            }

            @Override
            public MptcpSocket.Handler receiver() {
                return sink;
            }

            @Override
            public long delivered() {
                return sink.received();
            }
        };
    }
}
