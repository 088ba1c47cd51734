package org.mptcplab.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.scene.Scene;
import javafx.stage.Stage;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mptcplab.app.MptcpLabApp;
import org.mptcplab.app.session.PathSettings;
import org.mptcplab.app.session.SessionSpec;
import org.mptcplab.app.session.TrafficSpec;
import org.mptcplab.app.view.ChartsPane;
import org.mptcplab.app.view.LabView;
import org.mptcplab.app.viewmodel.LabViewModel;
import org.mptcplab.app.viewmodel.MainViewModel;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The congestion controller's chart, headless under Monocle: with bulk traffic it takes the
 * player buffer's place and shows each subflow's increase per RTT, their sum and one TCP's, under
 * the controller's name; switching the controller in the running session changes what it says.
 * The session runs in virtual time driven from here; the charts' feeder thread takes the samples.
 */
@ExtendWith(ApplicationExtension.class)
class ChartsPaneTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;
    private LabViewModel lab;
    private LabView view;

    /** The demo's two paths with a bulk download, LIA, no outage loop. */
    static SessionSpec bulkLia() {
        return new SessionSpec(List.of(
                new PathSettings("WiFi", 20_000_000L, 10_000_000L, 0, 0, false),
                new PathSettings("LTE", 12_000_000L, 35_000_000L, 0, 0, false)),
                TrafficSpec.bulk(), "lia", "minrtt", "fullmesh", 1, true, 0, 0);
    }

    @Start
    void start(Stage stage) {
        lab = new LabViewModel(bulkLia(), false);
        Scene scene = MptcpLabApp.showMainWindow(stage, new MainViewModel(lab));
        view = (LabView) scene.lookup("#lab");
    }

    @AfterEach
    void close() {
        WaitForAsyncUtils.asyncFx(() -> view.dispose());
        lab.close();
    }

    private void advance(FxRobot robot, long nanos) {
        robot.interact(() -> {
            lab.session().runFor(nanos);
            lab.refresh();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void waitFor(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            WaitForAsyncUtils.sleep(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            WaitForAsyncUtils.waitForFxEvents();
        }
    }

    private static DoubleDataSet line(XYChart c, String name) {
        for (DataSet d : c.getRenderers().get(0).getDatasets()) {
            if (d.getName().equals(name)) {
                return (DoubleDataSet) d;
            }
        }
        throw new AssertionError("no line " + name + " on " + c.getTitle());
    }

    private static double last(DoubleDataSet d) {
        return d.getY(d.getDataCount() - 1);
    }

    @Test
    void theControllersChartShowsLiaCouplingAndNewRenosAbsenceOfIt(FxRobot robot) throws Exception {
        ChartsPane charts = view.charts();
        XYChart cc = charts.ccChart();
        assertThat(cc).isNotNull();
        assertThat(charts.charts()).hasSize(6).first().isSameAs(cc);
        assertThat(charts.charts()).noneMatch(c -> c.getTitle().equals("Player buffer"));
        advance(robot, 10 * S);
        waitFor(() -> cc.getTitle().contains("lia") && line(cc, "WiFi").getDataCount() > 100);
        assertThat(cc.getTitle()).isEqualTo("Increase per RTT: lia (coupled)");
        assertThat(cc.getRenderers().get(0).getDatasets()).extracting(DataSet::getName).containsExactly(
                "MPTCP: the subflows together", "WiFi", "LTE", "one TCP: 1 segment per RTT");
        // LIA: each subflow below one TCP's increase, their sum (alpha) well below newreno's 2.
        assertThat(last(line(cc, "WiFi"))).isBetween(0.01, 0.99);
        assertThat(last(line(cc, "LTE"))).isBetween(0.01, 1.0);
        DoubleDataSet sum = line(cc, "MPTCP: the subflows together");
        assertThat(last(sum)).isCloseTo(last(line(cc, "WiFi")) + last(line(cc, "LTE")),
                org.assertj.core.data.Offset.offset(1e-9)).isLessThan(1.9);
        assertThat(last(line(cc, "one TCP: 1 segment per RTT"))).isEqualTo(1.0);
        assertThat(charts.ccCaption().getText()).matches("Coupled: as one TCP together \\(sum [01]\\.\\d\\d\\)");
        assertThat(charts.ccCaption().getTooltip().getText()).contains("lia couples the subflows (RFC 6356");

        // Switched in the running session: the same chart now says newreno, uncoupled.
        robot.interact(() -> lab.setPolicies("newreno", "minrtt", "fullmesh"));
        advance(robot, 5 * S);
        waitFor(() -> cc.getTitle().contains("newreno") && last(line(cc, "MPTCP: the subflows together")) > 1.99);
        assertThat(charts.ccChart()).isSameAs(cc);
        assertThat(cc.getTitle()).isEqualTo("Increase per RTT: newreno (uncoupled)");
        assertThat(last(line(cc, "WiFi"))).isEqualTo(1.0);
        assertThat(last(line(cc, "LTE"))).isEqualTo(1.0);
        assertThat(last(line(cc, "MPTCP: the subflows together"))).isEqualTo(2.0);
        assertThat(charts.ccCaption().getText()).isEqualTo("Uncoupled: each subflow a TCP (sum 2.00)");
        assertThat(charts.ccCaption().getTooltip().getText()).contains("newreno is uncoupled");

        // Video traffic again (a spec loaded): the player buffer comes back, the controller's chart goes.
        Path demo = dir.resolve("demo.json");
        Files.writeString(demo, SessionSpec.demo().toJson());
        robot.interact(() -> {
            try {
                lab.loadSpec(demo);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(view.charts()).isNotSameAs(charts);
        assertThat(view.charts().ccChart()).isNull();
        assertThat(view.charts().charts().get(0).getTitle()).isEqualTo("Player buffer");
    }
}
