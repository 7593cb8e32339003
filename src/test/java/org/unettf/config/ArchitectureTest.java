package org.unettf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.unettf.config.Architecture.Kind;
import org.unettf.config.ModelConfig.Padding;

/** The layer walk against the paper's size arithmetic, written out independently here. */
class ArchitectureTest {
  /** Each level loses 4 px to its two valid convolutions; pooling halves an even edge, up-convolution doubles. */
  private static int paperOutput(int depth, int input) {
    int s = input;
    for (int level = 0; level < depth - 1; level++) {
      s -= 4;
      if (s <= 0 || s % 2 != 0) {
        return -1;
      }
      s /= 2;
    }
    s -= 4;
    if (s <= 0) {
      return -1;
    }
    for (int level = 0; level < depth - 1; level++) {
      s = 2 * s - 4;
      if (s <= 0) {
        return -1;
      }
    }
    return s;
  }

  @Test
  void outputEdgesAreThePapersForEveryDepthAndInput() {
    for (int depth = 2; depth <= 6; depth++) {
      ModelConfig valid = new ModelConfig(depth, 4, Padding.VALID, false, 0, 2, 1);
      ModelConfig same = new ModelConfig(depth, 4, Padding.SAME, false, 0, 2, 1);
      for (int input = 1; input <= 800; input++) {
        assertEquals(paperOutput(depth, input), valid.outputSize(input), "depth " + depth + ", input " + input);
        assertEquals(input % (1 << (depth - 1)) == 0 ? input : -1, same.outputSize(input), "same, " + input);
      }
    }
    assertEquals(388, new ModelConfig(5, 64, Padding.VALID, false, 0, 2, 1).outputSize(572), "Figure 1");
  }

  @Test
  void thePapersNetworkLayerByLayer() {
    ModelConfig paper = new ModelConfig(5, 64, Padding.VALID, false, 0.5, 2, 1);
    Architecture a = Architecture.of(paper, 572).orElseThrow();
    assertEquals(18, a.of(Kind.CONV3).size(), "two 3×3 convolutions at each of the 9 levels passed");
    assertEquals(4, a.of(Kind.POOL).size());
    assertEquals(4, a.of(Kind.UP_CONV).size());
    Architecture.Layer bottom = a.of(Kind.CONV3).get(8);
    assertEquals(30, bottom.outEdge(), "Figure 1: 32² → 30² → 28² at the bottom");
    assertEquals(1024, bottom.out());
    long params = 0;
    int in = 1;
    for (int level = 0; level < 5; level++) {
      int out = 64 << level;
      params += 9L * in * out + out + 9L * out * out + out;
      in = out;
    }
    for (int level = 3; level >= 0; level--) {
      int out = 64 << level;
      params += 4L * in * out + out + 9L * 2 * out * out + out + 9L * out * out + out;
      in = out;
    }
    params += 64 * 2 + 2;
    assertEquals(params, a.parameters());
    assertEquals(31.0e6, a.parameters(), 0.05e6, "31.0 M, as the README quotes for the paper's network");
  }
}
