package org.unettf.io.volume;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Blosc 1 frames, as c-blosc 1.x (and so zarr-python 2 through numcodecs) writes them: a 16-byte
 * little-endian header (version, versionlz, flags, typesize, nbytes, blocksize, cbytes), then the
 * start of each block, then per block one or {@code typesize} streams, each an int32 size and that
 * many bytes. Shuffles are undone per block after decompression.
 */
final class Blosc {
  static final int HEADER = 16;
  static final String SUPPORTED = "lz4, lz4hc, zstd or zlib";

  private static final int BYTE_SHUFFLE = 0x01;
  private static final int MEMCPYED = 0x02;
  private static final int BIT_SHUFFLE = 0x04;
  private static final int DONT_SPLIT = 0x10;
  private static final int VERSION = 2;
  // The format version of the inner codec that c-blosc 1 checks on reading: 1 for lz4, zlib and zstd.
  private static final int INNER_VERSION = 1;
  private static final int BLOCK_SIZE = 256 * 1024;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  /** The codecs that may sit inside a frame we write; the number is the header's compressor code. */
  enum Inner {
    LZ4(1),
    ZSTD(4);

    final int code;

    Inner(int code) {
      this.code = code;
    }
  }

  private Blosc() {}

  /** The inner codec of a frame by the header's code, as named in numcodecs' {@code cname}. */
  static String codecName(int code) {
    return switch (code) {
      case 0 -> "blosclz";
      case 1 -> "lz4";
      case 2 -> "snappy";
      case 3 -> "zlib";
      case 4 -> "zstd";
      default -> "compressor code " + code;
    };
  }

  static byte[] decompress(byte[] src) throws CorruptChunk {
    if (src.length < HEADER) {
      throw new CorruptChunk("Blosc frame of " + src.length + " bytes is shorter than its 16-byte header");
    }
    ByteBuffer in = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
    int version = src[0] & 0xff;
    int flags = src[2] & 0xff;
    int typesize = src[3] & 0xff;
    int nbytes = in.getInt(4);
    int blocksize = in.getInt(8);
    int cbytes = in.getInt(12);
    if (version < 1 || version > VERSION) {
      throw new CorruptChunk("Blosc format version " + version + " is not a c-blosc 1 frame (versions 1 and 2)");
    }
    if ((flags & BYTE_SHUFFLE) != 0 && (flags & BIT_SHUFFLE) != 0) {
      throw new CorruptChunk("Blosc frame has a c-blosc 2 extended header, which is not supported");
    }
    if (nbytes < 0 || cbytes < HEADER || typesize < 1) {
      throw new CorruptChunk("Blosc header is invalid (nbytes " + nbytes + ", cbytes " + cbytes
          + ", typesize " + typesize + ")");
    }
    if (cbytes > src.length) {
      throw new CorruptChunk("Blosc header says " + cbytes + " compressed bytes, found " + src.length);
    }
    byte[] out = new byte[nbytes];
    if ((flags & MEMCPYED) != 0) {
      if (cbytes < HEADER + nbytes) {
        throw new CorruptChunk("uncompressed Blosc frame holds " + (cbytes - HEADER) + " bytes, expected " + nbytes);
      }
      System.arraycopy(src, HEADER, out, 0, nbytes);
      return out;
    }
    if (nbytes == 0) {
      return out;
    }
    if (blocksize <= 0) {
      throw new CorruptChunk("Blosc header has block size " + blocksize);
    }
    int code = flags >>> 5;
    if (code != 1 && code != 3 && code != 4) {
      throw new CorruptChunk("Blosc frame uses " + codecName(code) + ", which is not supported; supported inside "
          + "Blosc: " + SUPPORTED);
    }
    int blocks = nbytes / blocksize + (nbytes % blocksize == 0 ? 0 : 1);
    if (HEADER + 4L * blocks > cbytes) {
      throw new CorruptChunk("Blosc frame of " + cbytes + " bytes is too short for its " + blocks + " block offsets");
    }
    byte[] streams = new byte[Math.min(blocksize, nbytes)];
    for (int b = 0; b < blocks; b++) {
      boolean leftover = b == blocks - 1 && nbytes % blocksize != 0;
      int size = leftover ? nbytes % blocksize : blocksize;
      // c-blosc 1 splits every full block into one stream per byte of the type unless told not to.
      int split = (flags & DONT_SPLIT) == 0 && !leftover ? typesize : 1;
      if (size % split != 0) {
        throw new CorruptChunk("Blosc block of " + size + " bytes does not split into " + split + " streams");
      }
      int streamSize = size / split;
      int at = in.getInt(HEADER + 4 * b);
      for (int s = 0; s < split; s++) {
        if (at < HEADER || at + 4L > cbytes) {
          throw new CorruptChunk("Blosc block " + b + " starts at byte " + at + ", outside the " + cbytes + "-byte frame");
        }
        int length = in.getInt(at);
        at += 4;
        if (length < 0 || at + (long) length > cbytes) {
          throw new CorruptChunk("Blosc block " + b + " claims " + length + " bytes at byte " + at
              + " of a " + cbytes + "-byte frame");
        }
        if (length == 0) {
          Arrays.fill(streams, s * streamSize, (s + 1) * streamSize, (byte) 0);
        } else if (length == streamSize) {
          System.arraycopy(src, at, streams, s * streamSize, streamSize);
        } else {
          inflate(code, src, at, length, streams, s * streamSize, streamSize, b);
        }
        at += length;
      }
      int offset = b * blocksize;
      if ((flags & BYTE_SHUFFLE) != 0 && typesize > 1) {
        unshuffle(streams, out, offset, size, typesize);
      } else if ((flags & BIT_SHUFFLE) != 0) {
        bitUnshuffle(streams, out, offset, size, typesize);
      } else {
        System.arraycopy(streams, 0, out, offset, size);
      }
    }
    return out;
  }

  private static void inflate(int code, byte[] src, int from, int length, byte[] dst, int to, int expected, int block)
      throws CorruptChunk {
    int n;
    switch (code) {
      case 1 -> {
        LZ4SafeDecompressor lz4 = LZ4.safeDecompressor();
        try {
          n = lz4.decompress(src, from, length, dst, to, expected);
        } catch (LZ4Exception e) {
          throw new CorruptChunk("lz4 stream in Blosc block " + block + " is invalid or cut short");
        }
      }
      case 3 -> {
        Inflater inflater = new Inflater();
        try {
          inflater.setInput(src, from, length);
          n = 0;
          while (n < expected && !inflater.finished()) {
            int got = inflater.inflate(dst, to + n, expected - n);
            if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
              break;
            }
            n += got;
          }
        } catch (DataFormatException e) {
          throw new CorruptChunk("zlib stream in Blosc block " + block + " is invalid (" + e.getMessage() + ")");
        } finally {
          inflater.end();
        }
      }
      default -> {
        long got;
        try {
          got = Zstd.decompressByteArray(dst, to, expected, src, from, length);
        } catch (RuntimeException e) {
          throw new CorruptChunk("zstd stream in Blosc block " + block + " is invalid (" + e.getMessage() + ")");
        }
        if (Zstd.isError(got)) {
          throw new CorruptChunk("zstd stream in Blosc block " + block + " is invalid (" + Zstd.getErrorName(got) + ")");
        }
        n = (int) got;
      }
    }
    if (n != expected) {
      throw new CorruptChunk(codecName(code) + " stream in Blosc block " + block + " decodes to " + n
          + " bytes, expected " + expected);
    }
  }

  /** Byte shuffle undone: the stream holds byte 0 of every element, then byte 1, and so on. */
  static void unshuffle(byte[] in, byte[] out, int offset, int size, int typesize) {
    int elements = size / typesize;
    for (int j = 0; j < typesize; j++) {
      int row = j * elements;
      for (int i = 0; i < elements; i++) {
        out[offset + i * typesize + j] = in[row + i];
      }
    }
    int done = elements * typesize;
    System.arraycopy(in, done, out, offset + done, size - done);
  }

  static void shuffle(byte[] in, int from, int size, int typesize, byte[] out) {
    int elements = size / typesize;
    for (int j = 0; j < typesize; j++) {
      int row = j * elements;
      for (int i = 0; i < elements; i++) {
        out[row + i] = in[from + i * typesize + j];
      }
    }
    int done = elements * typesize;
    System.arraycopy(in, from + done, out, done, size - done);
  }

  /**
   * Bit shuffle undone, as c-blosc 1 applies it to a block of {@code n} whole elements: when
   * {@code n} is a multiple of 8 they are stored as 8 × {@code typesize} rows of {@code n} bits, row
   * {@code 8 b + k} holding bit {@code k} of byte {@code b} of each element (element {@code i} at
   * bit {@code i % 8} of row byte {@code i / 8}), and the bytes after the last whole element are
   * stored as they are; any other block is stored as it is.
   */
  static void bitUnshuffle(byte[] in, byte[] out, int offset, int size, int typesize) {
    int elements = size / typesize;
    if (elements % 8 != 0) {
      // Format version 2 shuffles no part of such a block (c-blosc 2's version 3 would shuffle the first 8k).
      System.arraycopy(in, 0, out, offset, size);
      return;
    }
    int rowBytes = elements / 8;
    int done = elements * typesize;
    Arrays.fill(out, offset, offset + done, (byte) 0);
    for (int b = 0; b < typesize; b++) {
      for (int k = 0; k < 8; k++) {
        int row = (8 * b + k) * rowBytes;
        for (int m = 0; m < rowBytes; m++) {
          int bits = in[row + m];
          int element = offset + 8 * m * typesize + b;
          for (int j = 0; j < 8; j++) {
            out[element + j * typesize] |= (byte) (((bits >>> j) & 1) << k);
          }
        }
      }
    }
    System.arraycopy(in, done, out, offset + done, size - done);
  }

  /**
   * A frame of {@code src} with byte shuffle (by {@code typesize}) and {@code inner} at {@code
   * level} (1–9; 0 stores the frame uncompressed, as c-blosc does), one stream per block; blocks
   * that do not shrink are stored as they are, and a frame that would not shrink is stored whole.
   */
  static byte[] compress(byte[] src, int typesize, Inner inner, int level) {
    int nbytes = src.length;
    int blocksize = Math.max(typesize, Math.min(nbytes, BLOCK_SIZE) / typesize * typesize);
    int blocks = nbytes == 0 ? 0 : nbytes / blocksize + (nbytes % blocksize == 0 ? 0 : 1);
    int flags = BYTE_SHUFFLE | DONT_SPLIT | inner.code << 5;
    LZ4Compressor lz4 = LZ4.fastCompressor();
    byte[] shuffled = new byte[Math.min(blocksize, Math.max(nbytes, 1))];
    int bound = HEADER + 4 * blocks + blocks * 4 + nbytes;
    ByteBuffer out = ByteBuffer.allocate(bound).order(ByteOrder.LITTLE_ENDIAN);
    int at = HEADER + 4 * blocks;
    for (int b = 0; b < blocks; b++) {
      int size = Math.min(blocksize, nbytes - b * blocksize);
      shuffle(src, b * blocksize, size, typesize, shuffled);
      byte[] packed = inner == Inner.LZ4
          ? lz4Block(lz4, shuffled, size)
          : Zstd.compress(Arrays.copyOf(shuffled, size), level);
      out.putInt(HEADER + 4 * b, at);
      if (packed.length < size) {
        out.putInt(at, packed.length);
        out.put(at + 4, packed, 0, packed.length);
        at += 4 + packed.length;
      } else {
        // A stream as long as its block tells the reader it is stored as it is.
        out.putInt(at, size);
        out.put(at + 4, shuffled, 0, size);
        at += 4 + size;
      }
    }
    if (at >= HEADER + nbytes || level == 0) {
      flags |= MEMCPYED;
      out = ByteBuffer.allocate(HEADER + nbytes).order(ByteOrder.LITTLE_ENDIAN);
      out.put(HEADER, src, 0, nbytes);
      at = HEADER + nbytes;
    }
    out.put(0, (byte) VERSION).put(1, (byte) INNER_VERSION).put(2, (byte) flags).put(3, (byte) typesize);
    out.putInt(4, nbytes).putInt(8, blocksize).putInt(12, at);
    return Arrays.copyOf(out.array(), at);
  }

  private static byte[] lz4Block(LZ4Compressor lz4, byte[] src, int size) {
    byte[] packed = new byte[lz4.maxCompressedLength(size)];
    int n = lz4.compress(src, 0, size, packed, 0, packed.length);
    return Arrays.copyOf(packed, n);
  }
}
