package org.unettf.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unettf.error.Messages;
import org.unettf.error.UserError;

/**
 * Writes files whole or not at all: into a temporary sibling, then renamed over the target, so a
 * crash or a full disk never leaves a half-written output behind.
 */
public final class AtomicFiles {
  private static final String PARTIAL = ".partial";
  private static final String HOST = host();
  private static final String OWNER = HOST + "-" + Long.toHexString(ProcessHandle.current().pid());
  /** {@code .NAME.HOST-PID-N.partial}, PID in hex. */
  private static final Pattern OWNED = Pattern.compile("\\..*\\.([A-Za-z0-9_]+)-([0-9a-f]+)-[0-9a-f]+\\.partial");
  private static final AtomicLong COUNTER = new AtomicLong();

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
      writeTo(tmp, body);
      move(tmp, target);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw UserError.output("cannot write " + target + " (" + describe(e) + ")");
    }
  }

  /** Writes a new file {@code tmp}, forced to disk: a crash after the rename must not leave it empty. */
  static void writeTo(Path tmp, Body body) throws IOException {
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
      body.write(out);
      out.flush();
      channel.force(true);
    }
  }

  /** A new folder in the system's temporary folder, for scratch work its caller deletes when done. */
  public static Path scratchFolder(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void writeString(Path target, String text) {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A hidden, unique name beside {@code target}: {@code .NAME.HOST-PID-N.partial}. Unlike
   * {@code Files.createTempFile} it keeps the user's umask, so the renamed file gets the same
   * permissions as any other output; the host and process in the name tell {@link #cleanStale}
   * whose it is.
   */
  public static Path partialSibling(Path target) {
    String unique = OWNER + "-" + Long.toHexString(COUNTER.incrementAndGet());
    return target.toAbsolutePath().resolveSibling("." + target.getFileName() + "." + unique + PARTIAL);
  }

  /**
   * Deletes the temporaries in {@code dir} that a process of this host left when it was killed:
   * those of live processes (another job writing there) and of other hosts (on a shared file
   * system, whose processes cannot be seen from here) are left alone. Returns how many went.
   */
  public static int cleanStale(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, ".*" + PARTIAL)) {
      for (Path p : list) {
        Matcher m = OWNED.matcher(p.getFileName().toString());
        if (m.matches() && m.group(1).equals(HOST) && !alive(Long.parseLong(m.group(2), 16))) {
          deleteQuietly(p);
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: a leftover temporary is hidden and never read as an output.
    }
    return removed;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static String host() {
    String name = System.getenv("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = Files.readString(Path.of("/etc/hostname")).strip();
      } catch (IOException | RuntimeException e) {
        name = "";
      }
    }
    String safe = name.replaceAll("[^A-Za-z0-9_]", "_");
    return safe.isEmpty() ? "host" : safe;
  }

  /** Renames {@code from} onto {@code to} atomically where the file system allows it. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Deletes a folder tree so that no half-deleted copy can pass for the real one: it is renamed to
   * a temporary first, then emptied.
   */
  public static void deleteTree(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    Path doomed = partialSibling(path);
    try {
      move(path, doomed);
    } catch (IOException e) {
      doomed = path;
    }
    deleteQuietly(doomed);
  }

  public static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      if (Files.isDirectory(path)) {
        try (var walk = Files.walk(path)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } else {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // Best effort: what is left is a hidden .partial file, never the target itself.
    }
  }

  /** The exception's message, naming a full disk, a missing permission or a file in the way plainly. */
  public static String describe(IOException e) {
    String message = e.getMessage() == null ? "input/output error" : e.getMessage();
    // Image writers wrap the file system's error in their own ("I/O error writing PNG file!").
    if (Messages.diskFull(e)) {
      Throwable cause = e;
      while (!String.valueOf(cause.getMessage()).contains("No space left") && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return "disk full: " + Messages.firstLine(cause.getMessage());
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + message;
    }
    if (e instanceof FileSystemException f && f.getFile() != null
        && (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
            || message.contains("Not a directory"))) {
      Path blocking = fileInTheWay(Path.of(f.getFile()));
      if (blocking != null) {
        return blocking + " is a file, not a folder";
      }
    }
    return message;
  }

  /** The first component of {@code path}, itself included, that exists as something other than a folder. */
  private static Path fileInTheWay(Path path) {
    Path absolute = path.toAbsolutePath();
    Path prefix = absolute.getRoot();
    for (Path part : absolute) {
      prefix = prefix == null ? part : prefix.resolve(part);
      if (Files.exists(prefix) && !Files.isDirectory(prefix)) {
        return prefix;
      }
    }
    return null;
  }
}
