package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Blosc 1 frames Java writes: their header, their blocks, and the damage a reader must catch. */
class BloscTest {
  private static byte[] structured(int n, long seed) {
    Random random = new Random(seed);
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (i % 4 == 3 ? random.nextInt(4) : (i / 64) % 7);
    }
    return out;
  }

  @Test
  void roundTripsAcrossBlocksTypeSizesAndCodecs() throws Exception {
    for (Blosc.Inner inner : Blosc.Inner.values()) {
      for (int typesize : new int[] {1, 2, 4, 8}) {
        for (int n : new int[] {0, typesize, 1000 * typesize, 256 * 1024, 600 * 1024 + 3 * typesize}) {
          byte[] data = structured(n, n + typesize);
          byte[] frame = Blosc.compress(data, typesize, inner, 5);
          ByteBuffer header = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
          assertEquals(2, frame[0], "format version");
          assertEquals(1, frame[1], "inner format version");
          assertEquals(typesize, frame[3]);
          assertEquals(n, header.getInt(4));
          assertEquals(frame.length, header.getInt(12), "cbytes counts the whole frame");
          assertEquals(0, header.getInt(8) % typesize, "blocks hold whole elements");
          assertArrayEquals(data, Blosc.decompress(frame), inner + " typesize " + typesize + " n " + n);
          if (n > 1000) {
            assertTrue(frame.length < n / 2, "structured data shrinks: " + frame.length + " of " + n);
            assertEquals(inner.code, (frame[2] & 0xff) >>> 5);
          }
        }
      }
    }
  }

  @Test
  void incompressibleDataIsStoredAsItIs() throws Exception {
    byte[] noise = new byte[5000];
    new Random(3).nextBytes(noise);
    for (int level : new int[] {0, 5}) {
      byte[] frame = Blosc.compress(noise, 4, Blosc.Inner.LZ4, level);
      assertEquals(0x02, frame[2] & 0x02, "memcpyed flag");
      assertEquals(16 + noise.length, frame.length);
      assertArrayEquals(noise, Blosc.decompress(frame));
    }
  }

  @Test
  void byteShuffleGroupsTheBytesOfEachElementAndKeepsTheTail() {
    byte[] in = {1, 2, 3, 11, 12, 13, 21, 22, 23, 99};
    byte[] shuffled = new byte[in.length];
    Blosc.shuffle(in, 0, in.length, 3, shuffled);
    assertArrayEquals(new byte[] {1, 11, 21, 2, 12, 22, 3, 13, 23, 99}, shuffled);
    byte[] back = new byte[in.length];
    Blosc.unshuffle(shuffled, back, 0, in.length, 3);
    assertArrayEquals(in, back);
  }

  @Test
  void bitShuffleRowsHoldOneBitOfOneByteOfEveryElement() {
    // Eight 2-byte elements; element i has only bit (i % 8) of its low byte set, and its high byte is 0x80.
    byte[] stored = new byte[16 + 1];
    for (int k = 0; k < 8; k++) {
      stored[k] = (byte) (1 << k);
    }
    stored[15] = (byte) 0xff;
    stored[16] = 42;
    byte[] out = new byte[17];
    Blosc.bitUnshuffle(stored, out, 0, 17, 2);
    for (int i = 0; i < 8; i++) {
      assertEquals((byte) (1 << i), out[2 * i], "low byte of element " + i);
      assertEquals((byte) 0x80, out[2 * i + 1], "high byte of element " + i);
    }
    assertEquals(42, out[16], "the byte after the last whole element stays");
    // Seven elements are not a multiple of 8: c-blosc 1 left such blocks unshuffled.
    byte[] seven = Arrays.copyOf(stored, 14);
    byte[] plain = new byte[14];
    Blosc.bitUnshuffle(seven, plain, 0, 14, 2);
    assertArrayEquals(seven, plain);
  }

  @Test
  void damagedFramesAreCaught() {
    byte[] frame = Blosc.compress(structured(100_000, 1), 4, Blosc.Inner.ZSTD, 3);
    CorruptChunk cut = assertThrows(CorruptChunk.class, () -> Blosc.decompress(Arrays.copyOf(frame, 500)));
    assertTrue(cut.getMessage().contains("found 500"), cut.getMessage());
    assertThrows(CorruptChunk.class, () -> Blosc.decompress(Arrays.copyOf(frame, 10)));
    byte[] garbled = frame.clone();
    for (int i = 40; i < 200; i++) {
      garbled[i] ^= 0x5a;
    }
    assertThrows(CorruptChunk.class, () -> Blosc.decompress(garbled));
    byte[] future = frame.clone();
    future[0] = 4;
    CorruptChunk version = assertThrows(CorruptChunk.class, () -> Blosc.decompress(future));
    assertNotEquals(-1, version.getMessage().indexOf("version 4"));
  }
}
