package org.mptcplab.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mptcplab.app.live.RootShell.must;
import static org.mptcplab.app.live.RootShell.run;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mptcplab.stack.wire.ArpPacket;
import org.mptcplab.stack.wire.Ipv4Address;
import org.mptcplab.stack.wire.MacAddress;
import org.mptcplab.stack.wire.PacketBuilder;
import org.pcap4j.core.PcapNativeException;

/**
 * The pcap device: its error messages (no root needed) and, as root, two handles on the two ends
 * of a veth pair in this namespace (no addresses, IPv6 off: the kernel stays quiet).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PcapDeviceTest {
    final long pid = ProcessHandle.current().pid();
    final String a = "mlp" + pid + "a";
    final String b = "mlp" + pid + "b";
    boolean created;

    @AfterEach
    void tearDown() throws Exception {
        if (created) {
            run("ip", "link", "del", a);
        }
    }

    @Test
    void errorsSayWhatIsMissing() {
        assertThat(PcapDevice.explain("eth9", new PcapNativeException(
                "eth9: You don't have permission to perform this capture on that device (socket: Operation not permitted)"))
                .getMessage()).startsWith("live mode needs root or CAP_NET_RAW: cannot open 'eth9'")
                .contains("setcap cap_net_raw,cap_net_admin=eip");
        assertThat(PcapDevice.explain("eth9", new PcapNativeException("No such device exists")).getMessage())
                .startsWith("no interface named 'eth9' in this network namespace");
        assertThat(PcapDevice.explain("eth9", new PcapNativeException("eth9: That device is not up")).getMessage())
                .contains("ip link set eth9 up");
        assertThat(PcapDevice.explain("eth9", new PcapNativeException("something odd")).getMessage())
                .isEqualTo("cannot open interface 'eth9' for live capture: something odd");
    }

    @Test
    void framesCrossAVethPairAndAHandleDoesNotSeeItsOwn() throws Exception {
        assumeTrue(RootShell.isRoot(), "SKIPPED: opening live pcap handles on a veth pair needs root");
        assumeTrue(RootShell.onPath("ip"), "SKIPPED: needs `ip` (iproute2)");
        try {
            PcapDevice.checkLibpcap();
        } catch (LiveDeviceException e) {
            assumeTrue(false, "SKIPPED: " + e.getMessage());
        }
        RootShell.removeStale("mlp", null);
        created = true;
        must("ip", "link", "add", a, "mtu", "1400", "type", "veth", "peer", "name", b);
        for (String dev : List.of(a, b)) {
            Files.writeString(Paths.get("/proc/sys/net/ipv6/conf", dev, "disable_ipv6"), "1");
            must("ip", "link", "set", dev, "up");
        }
        PcapDevice da = PcapDevice.open(a);
        PcapDevice db = PcapDevice.open(b);
        try {
            assertThat(da.mtu()).isEqualTo(1400);
            List<byte[]> gotA = new CopyOnWriteArrayList<>();
            List<byte[]> gotB = new CopyOnWriteArrayList<>();
            da.start(gotA::add);
            db.start(gotB::add);
            MacAddress macA = LinkLayer.derivedMac(5, 0);
            byte[] frame = PacketBuilder.ethernetArp(macA, MacAddress.BROADCAST, new ArpPacket(ArpPacket.REQUEST, macA,
                    Ipv4Address.parse("10.98.0.1"), MacAddress.ZERO, Ipv4Address.parse("10.98.0.2")));
            long deadline = System.nanoTime() + 5_000_000_000L;
            // The handle may need a moment before it captures: send until the peer sees one.
            while (gotB.stream().noneMatch(f -> Arrays.equals(f, frame)) && System.nanoTime() < deadline) {
                da.send(frame);
                Thread.sleep(20);
            }
            assertThat(gotB).anyMatch(f -> Arrays.equals(f, frame));
            assertThat(gotA).as("a handle does not get its own frames back").noneMatch(f -> Arrays.equals(f, frame));
            assertThat(da.failure()).isNull();
            assertThat(da.name()).isEqualTo(a);
        } finally {
            long t0 = System.nanoTime();
            da.close();
            db.close();
            da.close(); // idempotent
            assertThat((System.nanoTime() - t0) / 1_000_000).as("close breaks the receive loops promptly")
                    .isLessThan(2000);
        }
        assertThat(da.failure()).as("an orderly close is not a failure").isNull();
    }
}
