package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --path-down, --path-up and --backup options: parsing and validation, without root. */
class PathControlTest {
    static final List<String> IFACES = List.of("mlc1", "mlc2");

    @Test
    void parsesInterfaceAndTime() {
        PathControl.Action a = PathControl.parse(PathControl.Kind.DOWN, "mlc2@1.5s");
        assertThat(a.iface()).isEqualTo("mlc2");
        assertThat(a.atNanos()).isEqualTo(1_500_000_000L);
        assertThat(PathControl.parse(PathControl.Kind.BACKUP, "mlc2").atNanos()).isEqualTo(-1);
        assertThat(PathControl.parse(PathControl.Kind.BACKUP, "mlc2@300ms").atNanos()).isEqualTo(300_000_000L);
    }

    @Test
    void badValuesAreRefusedWithTheOptionTheValueAndWhy() {
        assertThatThrownBy(() -> PathControl.parse(PathControl.Kind.DOWN, "mlc2"))
                .hasMessage("--path-down 'mlc2': expected IF@TIME, e.g. mlc2@1.5s");
        assertThatThrownBy(() -> PathControl.parse(PathControl.Kind.UP, "mlc2@soon"))
                .hasMessageStartingWith("--path-up 'mlc2@soon': the time 'soon' is not a time");
        assertThatThrownBy(() -> PathControl.parse(PathControl.Kind.DOWN, "mlc2@-1s"))
                .hasMessage("--path-down 'mlc2@-1s': the time '-1s' must be 0 or more");
        assertThatThrownBy(() -> PathControl.parse(PathControl.Kind.DOWN, "@1s"))
                .hasMessageStartingWith("--path-down '@1s': '' is not an interface name");
        assertThatThrownBy(() -> PathControl.parseAll(List.of("mlc9@1s"), List.of(), List.of(), IFACES))
                .hasMessage("--path-down mlc9@...: no interface mlc9 among those in use (mlc1, mlc2)");
        assertThatThrownBy(() -> PathControl.parseAll(List.of(), List.of("mlc2@1s"), List.of(), IFACES))
                .hasMessage("--path-up mlc2@1s: mlc2 is not down then (give an earlier --path-down)");
        assertThatThrownBy(() -> PathControl.parseAll(List.of("mlc2@1s", "mlc2@2s"), List.of(), List.of(), IFACES))
                .hasMessage("--path-down mlc2@2s: mlc2 is down already then (give a --path-up in between)");
        assertThatThrownBy(() -> PathControl.parseAll(List.of("mlc2@2s"), List.of("mlc2@1s"), List.of(), IFACES))
                .hasMessageContaining("--path-up mlc2@1s: mlc2 is not down then");
    }

    @Test
    void aDownUpDownScriptIsAccepted() {
        assertThat(PathControl.parseAll(List.of("mlc2@1s", "mlc2@3s"), List.of("mlc2@2s"), List.of("mlc1@0.5s"), IFACES))
                .hasSize(4);
    }

    @Test
    void connectReportsABadPathOptionWithExitStatus2BeforeOpeningAnything() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ConnectCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--iface", "veth7=10.7.0.1/24", "--to", "10.7.0.2:5201", "--bytes", "1M",
                "--path-down", "veth7@later");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("connect: --path-down 'veth7@later': the time 'later' is not a time");
    }

    @Test
    void connectAndListenRefuseAnUnknownPolicyBeforeOpeningAnything() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ConnectCommand());
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--iface", "veth7=10.7.0.1/24", "--to", "10.7.0.2:5201", "--bytes", "1M", "--cc", "bbr");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("connect: --cc 'bbr': unknown (known: newreno, reno, cubic, lia, olia, balia)");
        StringWriter lerr = new StringWriter();
        CommandLine l = new CommandLine(new ListenCommand());
        l.setErr(new PrintWriter(lerr));
        assertThat(l.execute("--iface", "veth7=10.7.0.1/24", "--port", "7000", "--pm", "binder")).isEqualTo(2);
        assertThat(lerr.toString()).contains("--pm 'binder': unknown (known: fullmesh, ndiffports, manual)");
    }

    @Test
    void theMssFollowsTheSmallestInterfaceMtu() {
        org.mptcplab.stack.mptcp.StackConfig d = org.mptcplab.stack.mptcp.StackConfig.defaults();
        // No such interface: the default stays.
        assertThat(org.mptcplab.app.session.LiveEngine.withLinkMss(d, java.util.List.of(new org.mptcplab.app.session.LiveEngine.Interface("nosuch0",
                org.mptcplab.stack.wire.IpAddress.parse("10.0.0.1"), 24, null))).mss()).isEqualTo(1460);
        // Loopback (MTU 65536 here): the MSS is capped below the 16-bit option's limit.
        assertThat(org.mptcplab.app.session.LiveEngine.withLinkMss(d, java.util.List.of(new org.mptcplab.app.session.LiveEngine.Interface("lo",
                org.mptcplab.stack.wire.IpAddress.parse("127.0.0.1"), 8, null))).mss())
                .isEqualTo(Math.min(65_495, org.mptcplab.app.session.LiveEngine.interfaceMtu("lo") - 40));
    }

    @Test
    void ifaceHostTakesTheKernelsAddressOfTheRightFamilyOrSaysWhy() {
        String json = "[{\"ifindex\":5,\"ifname\":\"wl0\",\"addr_info\":[{\"family\":\"inet6\",\"local\":\"fd00:9::7\","
                + "\"prefixlen\":64,\"scope\":\"global\"},{\"family\":\"inet\",\"local\":\"192.168.1.23\","
                + "\"prefixlen\":24,\"scope\":\"global\"}]}]";
        org.mptcplab.app.session.LiveEngine.Interface v4 = ConnectCommand.hostIface("wl0", false, json);
        assertThat(v4.address()).isEqualTo(org.mptcplab.stack.wire.IpAddress.parse("192.168.1.23"));
        assertThat(v4.prefix()).isEqualTo(24);
        assertThat(v4.host()).isTrue();
        assertThat(ConnectCommand.hostIface("wl0", true, json).address())
                .isEqualTo(org.mptcplab.stack.wire.IpAddress.parse("fd00:9::7"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectCommand.hostIface("wl0", true,
                "[{\"ifindex\":5,\"ifname\":\"wl0\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.0.0.2\","
                        + "\"prefixlen\":8,\"scope\":\"global\"}]}]"))
                .hasMessage("--iface wl0=host: the kernel has no IPv6 address on wl0 to share (see ip addr show dev wl0);"
                        + " give IF=ADDR/PREFIX instead");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectCommand.hostIface("eth9", false,
                "Device \"eth9\" does not exist.")).hasMessageContaining("--iface eth9=host: no such interface here");
    }
}
