package org.mptcplab.stack.pm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mptcplab.stack.mptcp.MptcpStack;
import org.mptcplab.stack.mptcp.StackConfig;

/** The path managers by name, and the config's path manager settings. */
class PathManagersTest {
    @Test
    void namesCreateTheirPolicyAndNoneIsManual() {
        assertThat(PathManagers.NAMES).containsExactly("fullmesh", "ndiffports", "manual");
        for (String n : PathManagers.NAMES) {
            assertThat(PathManagers.create(n).name()).isEqualTo(n);
        }
        assertThat(PathManagers.create("none").name()).isEqualTo("manual");
        assertThat(PathManagers.create(" FullMesh ").name()).isEqualTo("fullmesh");
        assertThat(((NDiffPorts) PathManagers.create("ndiffports")).subflows()).isEqualTo(2);
        assertThat(((NDiffPorts) PathManagers.create("ndiffports", 5)).subflows()).isEqualTo(5);
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> PathManagers.create("binder"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown path manager 'binder'")
                .hasMessageContaining("fullmesh, ndiffports, manual");
        // The stack checks its config's name when it starts, as it does the scheduler's.
        assertThatThrownBy(() -> new MptcpStack("x", StackConfig.defaults().withPathManager("binder"), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fullmesh, ndiffports, manual");
        assertThatThrownBy(() -> PathManagers.create("ndiffports", 0)).hasMessageContaining("at least 1");
    }

    @Test
    void theConfigKeepsFullMeshAsABooleanAlias() {
        StackConfig d = StackConfig.defaults();
        assertThat(d.pathManager()).isEqualTo("fullmesh");
        assertThat(d.fullMesh()).isTrue();
        assertThat(d.ndiffports()).isEqualTo(2);
        assertThat(d.withFullMesh(false).pathManager()).isEqualTo("none");
        assertThat(d.withFullMesh(false).fullMesh()).isFalse();
        assertThat(d.withFullMesh(false).withFullMesh(true).pathManager()).isEqualTo("fullmesh");
        assertThat(d.withPathManager("ndiffports").fullMesh()).isFalse();
        assertThat(d.withPathManager("manual").fullMesh()).isFalse();
        assertThat(d.withPathManager("ndiffports").withNdiffports(4).ndiffports()).isEqualTo(4);
        assertThat(new MptcpStack("x", d.withPathManager("none"), 1).pathManager().name()).isEqualTo("manual");
        assertThat(new MptcpStack("x", d.withPathManager("ndiffports").withNdiffports(3), 1).pathManager())
                .isInstanceOfSatisfying(NDiffPorts.class, p -> assertThat(p.subflows()).isEqualTo(3));
    }
}
