package org.unettf.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Walks a TIFF's chain of image directories without decoding any pixels. ImageIO readers stop
 * quietly at a directory that lies past the end of a truncated file, which would turn a cut-off
 * stack into a shorter one; this finds the cut.
 */
public final class TiffStructure {
  private TiffStructure() {}

  /** Returns null if every directory lies within the file, else a description of the damage. */
  public static String damage(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = read(channel, 0, 16);
      if (header.remaining() < 8) {
        return "the TIFF header is cut short";
      }
      short order = header.getShort(0);
      header.order(order == 0x4949 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      int version = header.getShort(2) & 0xffff;
      boolean big = version == 43;
      long offset = big ? header.getLong(8) : header.getInt(4) & 0xffffffffL;
      int page = 0;
      while (offset != 0) {
        if (offset + (big ? 8 : 2) > size) {
          return "image directory " + page + " lies at byte " + offset + ", beyond the end of the " + size + "-byte file";
        }
        ByteBuffer count = read(channel, offset, big ? 8 : 2).order(header.order());
        long entries = big ? count.getLong(0) : count.getShort(0) & 0xffff;
        long entrySize = big ? 20 : 12;
        long next = offset + (big ? 8 : 2) + entries * entrySize;
        if (next + (big ? 8 : 4) > size) {
          return "image directory " + page + " runs past the end of the " + size + "-byte file";
        }
        ByteBuffer link = read(channel, next, big ? 8 : 4).order(header.order());
        offset = big ? link.getLong(0) : link.getInt(0) & 0xffffffffL;
        if (++page > 1_000_000) {
          return "its image directories form a loop";
        }
      }
      return null;
    }
  }

  private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
      // keep reading until full or end of file
    }
    buffer.flip();
    return buffer;
  }
}
