package org.mptcplab.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The path manager's options of {@code simulate}, {@code connect} and {@code listen}: the
 * kernel's limits ({@code --limits}), ADD_ADDR with a port ({@code --announce-port}) and the C
 * flag ({@code --no-join-initial}); what they change in a run, and their errors. The live
 * commands are only run to their argument errors, which come before any interface is touched.
 */
class PathManagerOptionsTest {
    private static final String[] THREE = {"simulate", "--path", "20mbit,5ms", "--path", "20mbit,5ms", "--path",
        "20mbit,5ms", "--bytes", "4M", "--seed", "3", "--json"};

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> o = Json.object(r.out().strip());
        assertThat(o.get("stream_intact")).isEqualTo(true);
        return o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> o, String key) {
        return (List<Map<String, Object>>) o.get(key);
    }

    private static long counter(Map<String, Object> o, String host, String name) {
        Object v = ((Map<?, ?>) ((Map<?, ?>) o.get("counters")).get(host)).get(name);
        return v == null ? 0 : ((BigDecimal) v).longValueExact();
    }

    private static List<String> details(Map<String, Object> o, String host, String kind) {
        return list(o, "events").stream().filter(e -> host.equals(e.get("host")) && kind.equals(e.get("kind")))
                .map(e -> (String) e.get("detail")).toList();
    }

    @Test
    void limitsInTheKernelsTermsChangeWhatRuns() {
        assertThat(list(run(THREE), "subflows")).hasSize(3);

        Map<String, Object> one = run(with(THREE, "--limits", "subflows=1"));
        assertThat(list(one, "subflows")).hasSize(2);
        assertThat(details(one, "client", "PATH_MANAGER")).anySatisfy(d -> assertThat(d)
                .contains("subflows limit 1 reached (1 besides the first): no join 10.3.0.1 -> 10.3.0.2"));

        Map<String, Object> none = run(with(THREE, "--limits", "add_addr_accepted=0"));
        assertThat(list(none, "subflows")).hasSize(1);
        assertThat(counter(none, "client", "AddAddrDrop")).isEqualTo(2);
        assertThat(counter(none, "server", "EchoAdd")).as("both echoed all the same").isEqualTo(2);
        assertThat(details(none, "client", "PATH_MANAGER"))
                .contains("add_addr_accepted limit 0 reached: address id 2 10.2.0.2 not used",
                        "add_addr_accepted limit 0 reached: address id 3 10.3.0.2 not used");

        Map<String, Object> both = run(with(THREE, "--limits", "subflows=2,add_addr_accepted=1"));
        assertThat(list(both, "subflows")).hasSize(2);
        assertThat(counter(both, "client", "AddAddrDrop")).isEqualTo(1);
    }

    @Test
    void announcePortTakesTheJoinsThere() {
        Map<String, Object> o = run(with(THREE, "--announce-port", "5202"));
        List<Map<String, Object>> subflows = list(o, "subflows");
        assertThat(subflows).extracting(f -> f.get("remote"))
                .containsExactly("10.1.0.2:5201", "10.2.0.2:5202", "10.3.0.2:5202");
        assertThat(counter(o, "server", "MPJoinPortSynRx")).isEqualTo(2);
        assertThat(counter(o, "client", "PortAdd")).isEqualTo(2);
        assertThat(details(o, "client", "ADD_ADDR")).contains("peer announced address id 2 10.2.0.2:5202");
    }

    @Test
    void noJoinInitialSetsTheCFlagAndTheAnnouncedAddressesAreJoined() {
        Map<String, Object> o = run(with(THREE, "--no-join-initial"));
        assertThat(list(o, "subflows")).hasSize(3);
        assertThat(details(o, "client", "MP_CAPABLE")).singleElement().asString()
                .contains("C received: no join to the peer's first address and port");
        assertThat(details(o, "server", "MP_CAPABLE")).singleElement().asString()
                .contains("C sent: no join to our first address and port");
    }

    @Test
    void limitsParse() {
        assertThat(PolicyOptions.parseLimits("subflows=2")).containsExactly(Map.entry("subflows", 2));
        assertThat(PolicyOptions.parseLimits("add_addr_accepted=0, subflows=8"))
                .containsExactly(Map.entry("add_addr_accepted", 0), Map.entry("subflows", 8));
        assertThatThrownBy(() -> PolicyOptions.parseLimits("subflows=1,")).hasMessage("--limits 'subflows=1,': ''"
                + " is not KEY=N (valid keys: subflows, add_addr_accepted)");
    }

    @Test
    void badValuesExit2NamingTheOptionAndTheValidKeys() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("subflows=9", "--limits 'subflows=9': subflows 9 is more than 8, the kernel's maximum (MPTCP_PM_ADDR_MAX)");
        cases.put("foo=1", "--limits 'foo=1': unknown key 'foo' (valid keys: subflows, add_addr_accepted)");
        cases.put("subflows=x", "--limits 'subflows=x': subflows 'x' is not a number (0 to 8)");
        cases.put("add_addr_accepted=-1", "--limits 'add_addr_accepted=-1': add_addr_accepted -1 is negative (0 to 8)");
        cases.put("subflows", "--limits 'subflows': 'subflows' is not KEY=N (valid keys: subflows, add_addr_accepted)");
        cases.put("", "--limits '': expected KEY=N[,KEY=N] (valid keys: subflows, add_addr_accepted)");
        cases.put("subflows=1,subflows=2", "--limits 'subflows=1,subflows=2': subflows is given twice");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Cli.Result r = Cli.run("simulate", "--limits", c.getKey());
            assertThat(r.exit()).as(c.getKey()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("simulate: " + c.getValue() + "\n");
            assertThat(r.out()).isEmpty();
        }
        // The same words from the live commands, before any interface is opened.
        Cli.Result connect = Cli.run("connect", "--bytes", "1M", "--iface", "nosuch0=10.1.0.1/24", "--to", "10.1.0.2:5201",
                "--limits", "subflows=9");
        assertThat(connect.exit()).isEqualTo(2);
        assertThat(connect.err()).isEqualTo("connect: " + cases.get("subflows=9") + "\n");
        Cli.Result listen = Cli.run("listen", "--iface", "nosuch0=10.1.0.1/24", "--limits", "foo=1");
        assertThat(listen.exit()).isEqualTo(2);
        assertThat(listen.err()).isEqualTo("listen: " + cases.get("foo=1") + "\n");

        Cli.Result port = Cli.run("simulate", "--announce-port", "0");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).isEqualTo("simulate: --announce-port 0: outside 1 to 65535\n");
        Cli.Result listenPort = Cli.run("listen", "--iface", "nosuch0=10.1.0.1/24", "--announce-port", "70000");
        assertThat(listenPort.exit()).isEqualTo(2);
        assertThat(listenPort.err()).isEqualTo("listen: --announce-port 70000 is outside 1 to 65535\n");
        Cli.Result contradiction = Cli.run("listen", "--iface", "nosuch0=10.1.0.1/24", "--announce-port", "5202",
                "--no-announce");
        assertThat(contradiction.exit()).isEqualTo(2);
        assertThat(contradiction.err()).isEqualTo("listen: --announce-port with --no-announce: nothing is announced\n");
    }

    @Test
    void theHelpOfEachCommandDescribesTheOptions() {
        for (String cmd : List.of("simulate", "connect", "listen")) {
            String help = Cli.run(cmd, "--help").out();
            assertThat(help).as(cmd).contains("--limits", "add_addr_accepted", "--no-join-initial");
        }
        assertThat(Cli.run("simulate", "--help").out()).contains("--announce-port");
        assertThat(Cli.run("listen", "--help").out()).contains("--announce-port");
        assertThat(Cli.run("connect", "--help").out()).doesNotContain("--announce-port");
    }
}
