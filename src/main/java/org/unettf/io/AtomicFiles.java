package org.unettf.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.unettf.error.UserError;

/**
 * Writes files whole or not at all: into a temporary sibling, then renamed over the target, so a
 * crash or a full disk never leaves a half-written output behind.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  @FunctionalInterface
  public interface Body {
    void write(OutputStream out) throws IOException;
  }

  public static void write(Path target, Body body) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = partialSibling(target);
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.write(out);
      }
      move(tmp, target);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw UserError.output("cannot write " + target + " (" + describe(e) + ")");
    }
  }

  public static void writeString(Path target, String text) {
    write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /**
   * A hidden, unique name beside {@code target}. Unlike {@code Files.createTempFile} it keeps the
   * user's umask, so the renamed file gets the same permissions as any other output.
   */
  public static Path partialSibling(Path target) {
    String unique = Long.toHexString(System.nanoTime()) + Long.toHexString(ProcessHandle.current().pid());
    return target.toAbsolutePath().resolveSibling("." + target.getFileName() + "." + unique + ".partial");
  }

  /** Renames {@code from} onto {@code to} atomically where the file system allows it. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      if (Files.isDirectory(path)) {
        try (var walk = Files.walk(path)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } else {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // Best effort: what is left is a hidden .partial file, never the target itself.
    }
  }

  /** The exception's message, naming a full disk plainly. */
  public static String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.contains("No space left")) {
      return "disk full: " + message;
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + message;
    }
    return message;
  }
}
