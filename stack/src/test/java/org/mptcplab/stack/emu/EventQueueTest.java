package org.mptcplab.stack.emu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The heap against a plain list model: same events out, in (time, insertion) order. */
class EventQueueTest {

    static final class E extends Event {
        final int id;

        E(int id) {
            this.id = id;
        }

        @Override
        void fire() {
        }
    }

    @Property(tries = 300)
    void pollsInTimeThenInsertionOrder(@ForAll long seed) {
        Random rnd = new Random(seed);
        EventQueue q = new EventQueue();
        List<E> model = new ArrayList<>();
        List<E> all = new ArrayList<>();
        Comparator<E> order = Comparator.<E>comparingLong(e -> e.time).thenComparingLong(e -> e.seq);
        for (int step = 0; step < 400; step++) {
            int op = rnd.nextInt(10);
            if (op < 4 || all.isEmpty()) {
                E e = new E(all.size());
                all.add(e);
                q.schedule(e, rnd.nextInt(50));
                model.add(e);
            } else if (op < 6) {
                E e = all.get(rnd.nextInt(all.size())); // queued or not: schedule moves or re-adds it
                q.schedule(e, rnd.nextInt(50));
                if (!model.contains(e)) {
                    model.add(e);
                }
            } else if (op < 7) {
                E e = all.get(rnd.nextInt(all.size()));
                q.remove(e);
                model.remove(e);
                assertThat(e.isQueued()).isFalse();
            } else if (op < 8) {
                int mod = 2 + rnd.nextInt(3);
                List<Event> removed = q.removeIf(x -> ((E) x).id % mod == 0);
                List<E> expected = model.stream().filter(x -> x.id % mod == 0).sorted(order).toList();
                assertThat(removed).containsExactlyElementsOf(expected);
                model.removeAll(expected);
            } else {
                E top = (E) q.poll();
                if (model.isEmpty()) {
                    assertThat(top).isNull();
                } else {
                    E expected = model.stream().min(order).orElseThrow();
                    assertThat(top).isSameAs(expected);
                    model.remove(expected);
                }
            }
            assertThat(q.size()).isEqualTo(model.size());
            assertThat(q.peekTime()).isEqualTo(model.stream().mapToLong(e -> e.time).min().orElse(Long.MAX_VALUE));
        }
    }
}
