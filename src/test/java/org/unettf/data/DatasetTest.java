package org.unettf.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {
  private static List<Long> drain(Dataset<Long> d, int n) {
    List<Long> out = new ArrayList<>();
    try (Dataset.Cursor<Long> c = d.cursor()) {
      for (int i = 0; i < n && c.hasNext(); i++) {
        out.add(c.next());
      }
    }
    return out;
  }

  /** A sample computed from its key's own random stream, slowly, as augmentation is. */
  private static long heavy(SampleKey key) {
    SplittableRandom r = key.random(99);
    long acc = 0;
    for (int i = 0; i < 20_000; i++) {
      acc += r.nextInt(1000);
    }
    return acc * 31 + key.slice();
  }

  @Test
  void theSameSeedGivesTheSameStreamWhateverTheThreadCount() {
    Dataset<Long> one = SampleKey.endless(27).shuffle(16, 5).map(DatasetTest::heavy, 1).prefetch(2);
    Dataset<Long> four = SampleKey.endless(27).shuffle(16, 5).map(DatasetTest::heavy, 4).prefetch(3);
    assertEquals(drain(one, 200), drain(four, 200));
  }

  @Test
  void aShuffleWithAFullBufferPermutesAFiniteDataset() {
    List<Integer> out = new ArrayList<>();
    try (var c = Dataset.of(IntStream.range(0, 10).boxed().toList()).shuffle(10, 1).cursor()) {
      c.forEachRemaining(out::add);
    }
    assertEquals(IntStream.range(0, 10).boxed().toList(), out.stream().sorted().toList());
    assertTrue(!out.equals(IntStream.range(0, 10).boxed().toList()), "shuffled: " + out);
  }

  @Test
  void anEndlessStreamVisitsEverySliceEqually() {
    int[] visits = new int[9];
    try (var c = SampleKey.endless(9).shuffle(9, 2).take(9 * 50).cursor()) {
      c.forEachRemaining(k -> visits[k.slice()]++);
    }
    for (int v : visits) {
      assertTrue(v >= 49 && v <= 51, Arrays.toString(visits));
    }
  }

  @Test
  void skipResumesTheStreamWhereItStood() {
    Dataset<Long> full = SampleKey.endless(7).shuffle(8, 3).map(DatasetTest::heavy, 2);
    List<Long> all = drain(full, 50);
    List<Long> resumed = drain(SampleKey.endless(7).shuffle(8, 3).skip(20).map(DatasetTest::heavy, 3), 30);
    assertEquals(all.subList(20, 50), resumed);
  }

  @Test
  void batchGroupsInOrder() {
    List<List<Integer>> batches = new ArrayList<>();
    try (var c = Dataset.of(List.of(1, 2, 3, 4, 5)).batch(2).cursor()) {
      c.forEachRemaining(batches::add);
    }
    assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)), batches);
  }

  @Test
  void aWorkerFailureReachesTheConsumerWithItsCause() {
    IllegalStateException boom = new IllegalStateException("bad slice 3");
    Dataset<Integer> d = Dataset.of(List.of(1, 2, 3, 4)).map(i -> {
      if (i == 3) {
        throw boom;
      }
      return i;
    }, 2).prefetch(2);
    try (var c = d.cursor()) {
      assertEquals(1, c.next());
      assertEquals(2, c.next());
      Dataset.PipelineException e = assertThrows(Dataset.PipelineException.class, c::next);
      assertEquals(boom, e.getCause());
    }
  }

  @Test
  void closingStopsEveryPipelineThread() throws InterruptedException {
    // Threads of earlier tests may still be ending; only this pipeline's own threads count.
    Set<Thread> before = pipelineThreads();
    Dataset<Long> endless = SampleKey.endless(5).shuffle(4, 1).map(DatasetTest::heavy, 3).batch(2).map(b -> 0L, 2)
        .prefetch(4);
    try (var c = endless.cursor()) {
      c.next();
      assertFalse(started(before).isEmpty());
    }
    for (int i = 0; i < 50 && !started(before).isEmpty(); i++) {
      Thread.sleep(20);
    }
    assertEquals(Set.of(), started(before));
  }

  private static Set<Thread> started(Set<Thread> before) {
    Set<Thread> now = pipelineThreads();
    now.removeAll(before);
    return now;
  }

  private static Set<Thread> pipelineThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("unet-"))
        .collect(Collectors.toCollection(HashSet::new));
  }
}
