package org.unettf.io.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The few tags of each TIFF page that fix its size and sample type, read from the image directories
 * alone: a stack's shape and type are known without decoding a pixel. Classic TIFF and BigTIFF.
 */
final class TiffPages {
  private static final int WIDTH = 256;
  private static final int HEIGHT = 257;
  private static final int BITS = 258;
  private static final int SAMPLES = 277;
  private static final int SAMPLE_FORMAT = 339;
  private static final int TILE_WIDTH = 322;
  private static final int MAX_PAGES = 10_000_000;

  /**
   * @param format TIFF SampleFormat: 1 unsigned integer, 2 signed integer, 3 floating point
   * @param tiled whether the page is stored in tiles rather than strips
   */
  record Page(int width, int height, int bits, int samples, int format, boolean tiled) {}

  private TiffPages() {}

  /** Every page's tags; call after {@code TiffStructure.damage} found the directory chain whole. */
  static List<Page> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = read(channel, 0, 16);
      ByteOrder order = header.getShort(0) == 0x4949 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      header.order(order);
      boolean big = (header.getShort(2) & 0xffff) == 43;
      long offset = big ? header.getLong(8) : header.getInt(4) & 0xffffffffL;
      List<Page> pages = new ArrayList<>();
      while (offset != 0 && pages.size() < MAX_PAGES) {
        ByteBuffer count = read(channel, offset, big ? 8 : 2).order(order);
        long entries = big ? count.getLong(0) : count.getShort(0) & 0xffff;
        int entrySize = big ? 20 : 12;
        ByteBuffer table = read(channel, offset + (big ? 8 : 2), (int) (entries * entrySize + (big ? 8 : 4)))
            .order(order);
        long[] values = {0, 0, 1, 1, 1, 0};
        int[] tags = {WIDTH, HEIGHT, BITS, SAMPLES, SAMPLE_FORMAT, TILE_WIDTH};
        for (int e = 0; e < entries; e++) {
          int at = e * entrySize;
          int tag = table.getShort(at) & 0xffff;
          for (int t = 0; t < tags.length; t++) {
            if (tags[t] == tag) {
              values[t] = firstValue(channel, table, at, big, order);
            }
          }
        }
        pages.add(new Page((int) values[0], (int) values[1], (int) values[2], (int) values[3], (int) values[4],
            values[5] > 0));
        int next = (int) (entries * entrySize);
        offset = big ? table.getLong(next) : table.getInt(next) & 0xffffffffL;
      }
      return pages;
    }
  }

  /** The first of an entry's values (a SHORT, LONG or LONG8), inline or at its offset. */
  private static long firstValue(FileChannel channel, ByteBuffer table, int at, boolean big, ByteOrder order)
      throws IOException {
    int type = table.getShort(at + 2) & 0xffff;
    long count = big ? table.getLong(at + 4) : table.getInt(at + 4) & 0xffffffffL;
    int size = switch (type) {
      case 1, 6 -> 1;
      case 3, 8 -> 2;
      case 16, 17 -> 8;
      default -> 4;
    };
    int valueAt = at + (big ? 12 : 8);
    ByteBuffer value = table;
    int position = valueAt;
    if (count * size > (big ? 8 : 4)) {
      long offset = big ? table.getLong(valueAt) : table.getInt(valueAt) & 0xffffffffL;
      value = read(channel, offset, size).order(order);
      position = 0;
    }
    return switch (size) {
      case 1 -> value.get(position) & 0xff;
      case 2 -> value.getShort(position) & 0xffff;
      case 8 -> value.getLong(position);
      default -> value.getInt(position) & 0xffffffffL;
    };
  }

  private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
      // until full or at the end of the file
    }
    if (buffer.hasRemaining()) {
      throw new IOException("an image directory runs past the end of the file");
    }
    buffer.flip();
    return buffer;
  }
}
