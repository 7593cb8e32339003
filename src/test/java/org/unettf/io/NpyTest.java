package org.unettf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyTest {
  @Test
  void roundTripsAndFollowsTheFormat() throws Exception {
    float[] data = {1.5f, -2f, 0f, 3.25f, 7f, 8f};
    byte[] bytes = Npy.encode(new long[] {1, 2, 3}, data);
    assertEquals((byte) 0x93, bytes[0]);
    assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.ISO_8859_1));
    int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
    assertEquals(0, (10 + headerLength) % 64, "data 64-byte aligned");
    String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }"), header);
    assertTrue(header.endsWith("\n"));
    Npy.Array back = Npy.decode(bytes);
    assertArrayEquals(new long[] {1, 2, 3}, back.shape());
    assertArrayEquals(data, back.data());
  }
}
