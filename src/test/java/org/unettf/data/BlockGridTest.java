package org.unettf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockGridTest {
  @Test
  void blocksCoverEveryChunkOnceAndClipAtTheEdges() {
    BlockGrid grid = new BlockGrid(new long[] {7, 100, 45}, new int[] {2, 16, 16}, new int[] {4, 32, 16});
    assertArrayEquals(new long[] {2, 4, 3}, grid.counts());
    Set<List<Long>> seen = new HashSet<>();
    long voxels = 0;
    for (long b = 0; b < grid.count(); b++) {
      BlockGrid.Box box = grid.box(b);
      assertEquals(b, grid.index(box), "index is box's inverse, edge blocks included");
      voxels += box.voxels();
      for (long[] c : grid.chunksOf(b)) {
        assertTrue(seen.add(List.of(c[0], c[1], c[2])), "chunk written by two blocks");
        assertTrue(box.contains(grid.chunk(c)), box + " lacks chunk " + grid.chunk(c));
      }
    }
    assertEquals(grid.voxels(), voxels);
    assertEquals(4 * 7 * 3, seen.size(), "every chunk of the 4 × 7 × 3 grid");
    assertEquals(new BlockGrid.Box(4, 96, 32, 3, 4, 13), grid.box(grid.count() - 1));
  }

  @Test
  void aHaloGrowsTheBlockWithinTheVolume() {
    BlockGrid grid = new BlockGrid(new long[] {10, 64, 64}, new int[] {1, 32, 32}, new int[] {1, 32, 32});
    assertEquals(new BlockGrid.Box(0, 0, 0, 3, 40, 40), grid.grown(grid.box(0), new int[] {2, 8, 8}));
    assertEquals(new BlockGrid.Box(3, 24, 24, 5, 40, 40), grid.grown(grid.box(4 * 5 + 3), new int[] {2, 8, 8}));
  }

  @Test
  void theDefaultBlockSpansWholeSlicesUpToItsBudget() {
    // One-slice chunks of a 2048² stack: a whole slice per block.
    assertArrayEquals(new int[] {1, 2048, 2048}, BlockGrid.defaultBlock(new long[] {120, 2048, 2048},
        new int[] {1, 2048, 2048}, BlockGrid.DEFAULT_VOXELS));
    // 64³ chunks: 64 slices deep, so 512 × 512 of them within 16 Mi voxels.
    assertArrayEquals(new int[] {64, 512, 512}, BlockGrid.defaultBlock(new long[] {1000, 2048, 2048},
        new int[] {64, 64, 64}, BlockGrid.DEFAULT_VOXELS));
    // Small slices are taken whole.
    assertArrayEquals(new int[] {4, 512, 512}, BlockGrid.defaultBlock(new long[] {30, 512, 512},
        new int[] {4, 128, 128}, BlockGrid.DEFAULT_VOXELS));
    // A chunk above the budget is still one block.
    assertArrayEquals(new int[] {512, 256, 256}, BlockGrid.defaultBlock(new long[] {512, 1024, 1024},
        new int[] {512, 256, 256}, BlockGrid.DEFAULT_VOXELS));
  }

  @Test
  void blocksAreWholeChunks() {
    assertThrows(IllegalArgumentException.class,
        () -> new BlockGrid(new long[] {4, 64, 64}, new int[] {1, 32, 32}, new int[] {1, 48, 32}));
  }
}
