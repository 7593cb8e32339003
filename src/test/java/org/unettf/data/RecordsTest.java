package org.unettf.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Records holding arrays compare by the arrays' contents, as records of values should. */
class RecordsTest {
  @Test
  void slicesAndSamplesCompareByContent() {
    Slice a = new Slice(3, 2, 1, new float[] {0.1f, 0.2f}, new byte[] {0, 1}, new float[] {1f, 2f});
    Slice b = new Slice(3, 2, 1, new float[] {0.1f, 0.2f}, new byte[] {0, 1}, new float[] {1f, 2f});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new Slice(3, 2, 1, new float[] {0.1f, 0.3f}, new byte[] {0, 1}, new float[] {1f, 2f}));
    Sample s = new Sample(3, 1, 1, new float[] {0.5f}, new byte[] {1}, new float[] {2f});
    assertEquals(s, new Sample(3, 1, 1, new float[] {0.5f}, new byte[] {1}, new float[] {2f}));
    assertNotEquals(s, new Sample(3, 1, 1, new float[] {0.5f}, new byte[] {0}, new float[] {2f}));
  }
}
