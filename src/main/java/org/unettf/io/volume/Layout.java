package org.unettf.io.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/** What lies at an output path before anything is written there. */
final class Layout {
  private Layout() {}

  /** Refuses a path that holds anything but an empty folder. */
  static void requireVacant(Path dir, String describe, String what) {
    if (Files.isRegularFile(dir)) {
      throw UserError.output(describe + " exists and is a file, not a folder; choose another path");
    }
    if (Files.isDirectory(dir) && entries(dir) > 0) {
      throw UserError.output(describe + " exists and is not a " + what + " (" + found(dir)
          + "); choose another path");
    }
  }

  /** A few words on what a path holds, for messages. */
  static String found(Path path) {
    if (!Files.exists(path)) {
      return "nothing is there";
    }
    if (Files.isDirectory(path)) {
      long n = entries(path);
      return n == 0 ? "an empty folder" : "a folder of " + n + (n == 1 ? " entry" : " entries")
          + " without .zarray, .zgroup or attributes.json";
    }
    try {
      long size = Files.size(path);
      return size == 0 ? "an empty file" : "a file of " + size + " bytes starting with " + magic(path);
    } catch (IOException e) {
      return "an unreadable file (" + AtomicFiles.describe(e) + ")";
    }
  }

  private static String magic(Path file) throws IOException {
    byte[] head;
    try (var in = Files.newInputStream(file)) {
      head = in.readNBytes(8);
    }
    StringBuilder out = new StringBuilder();
    for (byte b : head) {
      out.append(b >= 0x20 && b < 0x7f ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
    }
    return "'" + out + "'";
  }

  static long entries(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Removes an array or dataset being overwritten. */
  static void delete(Path dir, String describe) {
    AtomicFiles.deleteQuietly(dir);
    if (Files.exists(dir)) {
      throw UserError.output("cannot overwrite " + describe + ": " + dir + " could not be deleted");
    }
  }
}
