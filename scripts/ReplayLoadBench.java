import java.nio.file.Path;
import org.mptcplab.app.replay.ReplayIndex;

/**
 * ReplayIndex.load outside the window: three loads of FILE in one JVM, each timed, then the heap
 * after a GC with the index held. Run by scripts/replay-bench.sh as
 * {@code java -cp app/target/mptcp-lab.jar scripts/ReplayLoadBench.java FILE}.
 */
public class ReplayLoadBench {
    public static void main(String[] args) throws Exception {
        for (int i = 1; i <= 3; i++) {
            long t0 = System.nanoTime();
            ReplayIndex x = ReplayIndex.load(Path.of(args[0]), null, null);
            long t1 = System.nanoTime();
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("load %d: %.2f s, %,d MPTCP packets, heap after GC %.0f MiB (the index estimates %d MiB)%n", i,
                    (t1 - t0) / 1e9, x.packetCount(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0, x.bytes() >> 20);
        }
    }
}
