package org.unettf.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** NumPy's .npy format (version 1.0) for float32 C-order arrays, as bioimage.io's test tensors use. */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private Npy() {}

  /** A float32 array: its shape and row-major values. */
  public record Array(long[] shape, float[] data) {}

  public static byte[] encode(long[] shape, float[] data) {
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    if (shape.length == 1) {
      dims += ",";
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    // Header padded with spaces and ended by a newline so the data starts 64-byte aligned.
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 4 * data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1));
    out.asFloatBuffer().put(data);
    return out.array();
  }

  public static Array decode(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < MAGIC.length; i++) {
      if (b.get(i) != MAGIC[i]) {
        throw new IOException("not a .npy file");
      }
    }
    int major = b.get(6);
    int headerLength = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
    int start = major == 1 ? 10 : 12;
    String header = new String(bytes, start, headerLength, StandardCharsets.ISO_8859_1);
    if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
      throw new IOException("expected a little-endian float32 C-order array, found header " + header.trim());
    }
    Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
    if (!m.find()) {
      throw new IOException("no shape in header " + header.trim());
    }
    long[] shape = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    float[] data = new float[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
    b.position(start + headerLength);
    b.asFloatBuffer().get(data);
    return new Array(shape, data);
  }

  public static Array read(Path file) throws IOException {
    return decode(Files.readAllBytes(file));
  }
}
