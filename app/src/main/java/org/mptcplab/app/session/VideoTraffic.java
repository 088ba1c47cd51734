package org.mptcplab.app.session;

/** Video traffic: wired to the stack's video sender and player (pending). */
final class VideoTraffic {
    private VideoTraffic() {
    }

    static TrafficEnds of(TrafficSpec spec) {
        throw new UnsupportedOperationException("video pending");
    }
}
