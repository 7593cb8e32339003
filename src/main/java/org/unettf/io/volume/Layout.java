package org.unettf.io.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/** What a path holds: checked before anything is written there, and listed for a group. */
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

  /**
   * The volumes under {@code root} by path relative to it, with '/' between folders, in name order:
   * the folders {@code isVolume} accepts, looked for in those {@code descend} accepts, at most 8
   * folders deep.
   */
  static List<String> volumes(Path root, Predicate<Path> isVolume, Predicate<Path> descend) {
    List<String> out = new ArrayList<>();
    collect(root, root, isVolume, descend, out, 0);
    return out;
  }

  private static void collect(Path root, Path dir, Predicate<Path> isVolume, Predicate<Path> descend,
      List<String> out, int depth) {
    if (depth > 8) {
      return;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path child : list.filter(Files::isDirectory).sorted().toList()) {
        if (isVolume.test(child)) {
          out.add(root.relativize(child).toString().replace('\\', '/'));
        } else if (descend.test(child)) {
          collect(root, child, isVolume, descend, out, depth + 1);
        }
      }
    } catch (IOException e) {
      // An unreadable folder lists nothing; the caller's message says what was found.
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
