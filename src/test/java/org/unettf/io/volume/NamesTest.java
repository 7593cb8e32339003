package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.unettf.error.ExitCode;

/** Element types by their names in each format, and compression settings as a user writes them. */
class NamesTest {
  @Test
  void typesMapToEachFormatsNames() {
    for (DType type : DType.values()) {
      DType.Ordered zarr = DType.fromZarr(type.zarrName());
      assertEquals(type, zarr.type());
      assertEquals(ByteOrder.LITTLE_ENDIAN, zarr.order());
      assertEquals(type, DType.fromN5(type.n5Name()));
    }
    assertEquals("|u1", DType.UINT8.zarrName());
    assertEquals("<f4", DType.FLOAT32.zarrName());
    assertEquals(new DType.Ordered(DType.UINT16, ByteOrder.BIG_ENDIAN), DType.fromZarr(">u2"));
    assertEquals(DType.UINT32, DType.fromHdf5(false, false, 4));
    assertEquals(DType.FLOAT64, DType.fromHdf5(true, true, 8));
    assertNull(DType.fromZarr("<f2"));
    assertNull(DType.fromZarr("|b1"));
    assertNull(DType.fromN5("object"));
  }

  @Test
  void compressionIsParsedWithItsLevel() {
    assertEquals(Compression.zstd().withLevel(7), Compression.parse("zstd:7", "output.compression"));
    assertEquals(Compression.bloscLz4(), Compression.parse(" Blosc ", "output.compression"));
    assertEquals(Compression.none(), Compression.parse("raw", "output.compression"));
    assertEquals(Compression.standard(), Compression.parse("standard", "output.compression"));
    assertEquals("blosc-zstd:3", Compression.bloscZstd().withLevel(3).toString());
    Fixtures.assertUserError(ExitCode.CONFIG, () -> Compression.parse("lzma", "output.compression"),
        "output.compression", "'lzma'", "zstd, gzip, blosc-lz4");
    Fixtures.assertUserError(ExitCode.CONFIG, () -> Compression.parse("gzip:x", "output.compression"),
        "output.compression", "level");
  }
}
