package org.unettf.io.volume;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4BlockInputStream;
import net.jpountz.lz4.LZ4Factory;

/**
 * Compresses and restores the bytes of one chunk. Decoding checks the size: a chunk that decodes to
 * other than {@code expected} bytes is {@link CorruptChunk}.
 */
interface ChunkCodec {
  /** The codec as the format's metadata names it, for messages. */
  String name();

  byte[] encode(byte[] raw);

  /** Decodes {@code stored[from:]}, which must restore exactly {@code expected} bytes. */
  byte[] decode(byte[] stored, int from, int expected) throws CorruptChunk;

  static ChunkCodec none() {
    return new None();
  }

  static ChunkCodec zlib(int level) {
    return new Deflate("zlib", level, false);
  }

  static ChunkCodec gzip(int level) {
    return new Deflate("gzip", level, true);
  }

  static ChunkCodec zstd(int level) {
    return new Zstandard(level);
  }

  /** Blosc 1 frames: reads any inner codec Blosc supports here; writes with {@code inner}. */
  static ChunkCodec blosc(Blosc.Inner inner, int level, int typesize) {
    return new BloscFrames(inner, level, typesize);
  }

  /** LZ4 in lz4-java's block stream, as N5's lz4 compression stores it; read only. */
  static ChunkCodec lz4Stream() {
    return new Lz4Stream();
  }

  static CorruptChunk sizeMismatch(String codec, long found, int expected) {
    return new CorruptChunk(codec + " data decodes to " + found + " bytes, expected " + expected);
  }

  final class None implements ChunkCodec {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public byte[] encode(byte[] raw) {
      return raw;
    }

    @Override
    public byte[] decode(byte[] stored, int from, int expected) throws CorruptChunk {
      if (stored.length - from != expected) {
        throw new CorruptChunk("uncompressed chunk holds " + (stored.length - from) + " bytes, expected " + expected);
      }
      return from == 0 ? stored : Arrays.copyOfRange(stored, from, stored.length);
    }
  }

  /** zlib streams (RFC 1950) or gzip members (RFC 1952), both Deflate inside. */
  record Deflate(String name, int level, boolean gzip) implements ChunkCodec {
    @Override
    public byte[] encode(byte[] raw) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
      try {
        if (gzip) {
          try (GZIPOutputStream stream = gzipStream(out, level)) {
            stream.write(raw);
          }
        } else {
          Deflater deflater = new Deflater(level);
          try (DeflaterOutputStream stream = new DeflaterOutputStream(out, deflater)) {
            stream.write(raw);
          } finally {
            deflater.end();
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("in-memory compression failed", e);
      }
      return out.toByteArray();
    }

    private static GZIPOutputStream gzipStream(ByteArrayOutputStream out, int level) throws IOException {
      // GZIPOutputStream takes no level; its Deflater is told ours once built.
      return new GZIPOutputStream(out) {
        {
          def.setLevel(level);
        }
      };
    }

    @Override
    public byte[] decode(byte[] stored, int from, int expected) throws CorruptChunk {
      return gzip ? gunzip(stored, from, expected) : inflate(stored, from, expected);
    }

    private byte[] inflate(byte[] stored, int from, int expected) throws CorruptChunk {
      Inflater inflater = new Inflater();
      try {
        inflater.setInput(stored, from, stored.length - from);
        byte[] out = new byte[expected];
        int n = 0;
        while (n < expected && !inflater.finished()) {
          int got = inflater.inflate(out, n, expected - n);
          if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            throw new CorruptChunk("zlib data ends after " + n + " of " + expected + " bytes");
          }
          n += got;
        }
        if (!inflater.finished()) {
          throw new CorruptChunk("zlib data decodes to more than the expected " + expected + " bytes");
        }
        if (n != expected) {
          throw sizeMismatch(name, n, expected);
        }
        return out;
      } catch (DataFormatException e) {
        throw new CorruptChunk("zlib data is invalid (" + e.getMessage() + ")");
      } finally {
        inflater.end();
      }
    }

    private byte[] gunzip(byte[] stored, int from, int expected) throws CorruptChunk {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored, from, stored.length - from))) {
        return readExactly(in, expected, name);
      } catch (IOException e) {
        throw new CorruptChunk("gzip data is invalid or cut short (" + e.getMessage() + ")");
      }
    }
  }

  record Zstandard(int level) implements ChunkCodec {
    @Override
    public String name() {
      return "zstd";
    }

    @Override
    public byte[] encode(byte[] raw) {
      return Zstd.compress(raw, level);
    }

    @Override
    public byte[] decode(byte[] stored, int from, int expected) throws CorruptChunk {
      return zstdDecode(stored, from, stored.length - from, expected);
    }
  }

  /** One Zstandard frame that must hold exactly {@code expected} bytes. */
  static byte[] zstdDecode(byte[] src, int from, int length, int expected) throws CorruptChunk {
    long n;
    byte[] out = new byte[expected];
    try {
      long declared = Zstd.getFrameContentSize(src, from, length);
      if (declared >= 0 && declared != expected) {
        throw new CorruptChunk("zstd frame holds " + declared + " bytes, expected " + expected);
      }
      n = Zstd.decompressByteArray(out, 0, expected, src, from, length);
    } catch (RuntimeException e) {
      // zstd-jni reports some damage by exception, some by error code.
      throw new CorruptChunk("zstd data is invalid or cut short (" + e.getMessage() + ")");
    }
    if (Zstd.isError(n)) {
      throw new CorruptChunk("zstd data is invalid or cut short (" + Zstd.getErrorName(n) + ")");
    }
    if (n != expected) {
      throw sizeMismatch("zstd", n, expected);
    }
    return out;
  }

  record BloscFrames(Blosc.Inner inner, int level, int typesize) implements ChunkCodec {
    @Override
    public String name() {
      return "blosc";
    }

    @Override
    public byte[] encode(byte[] raw) {
      if (inner == null) {
        throw new IllegalStateException("Blosc frames are written with lz4 or zstd inside only");
      }
      return Blosc.compress(raw, typesize, inner, level);
    }

    @Override
    public byte[] decode(byte[] stored, int from, int expected) throws CorruptChunk {
      byte[] out = Blosc.decompress(from == 0 ? stored : Arrays.copyOfRange(stored, from, stored.length));
      if (out.length != expected) {
        throw sizeMismatch("blosc", out.length, expected);
      }
      return out;
    }
  }

  final class Lz4Stream implements ChunkCodec {
    @Override
    public String name() {
      return "lz4";
    }

    @Override
    public byte[] encode(byte[] raw) {
      throw new UnsupportedOperationException("lz4 block streams are read only");
    }

    @Override
    public byte[] decode(byte[] stored, int from, int expected) throws CorruptChunk {
      InputStream source = new ByteArrayInputStream(stored, from, stored.length - from);
      // The safe decompressor checks every offset, as stored bytes from elsewhere deserve.
      try (InputStream in = LZ4BlockInputStream.newBuilder()
          .withDecompressor(LZ4Factory.fastestInstance().safeDecompressor()).build(source)) {
        return readExactly(in, expected, "lz4");
      } catch (IOException e) {
        throw new CorruptChunk("lz4 data is invalid or cut short (" + e.getMessage() + ")");
      }
    }
  }

  private static byte[] readExactly(InputStream in, int expected, String codec) throws IOException, CorruptChunk {
    byte[] out = in.readNBytes(expected);
    if (out.length < expected) {
      throw sizeMismatch(codec, out.length, expected);
    }
    if (in.read() >= 0) {
      throw new CorruptChunk(codec + " data decodes to more than the expected " + expected + " bytes");
    }
    return out;
  }
}
