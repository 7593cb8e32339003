package org.unettf.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;

/**
 * The outputs of one command, which appear together or not at all: each is written to a hidden
 * temporary beside its target, and only when every one of them is complete are they renamed into
 * place. A command that fails on its third output thus leaves the first two as they were.
 */
public final class OutputSet implements AutoCloseable {
  /** Something written to a temporary, to be moved into place or thrown away. */
  public interface Staged {
    void commit() throws IOException;

    void abort();
  }

  private final Map<Path, Staged> staged = new LinkedHashMap<>();
  private boolean committed;

  /**
   * Fails now, before any work, if {@code target} cannot be written: a folder in its place, a file
   * where a folder of its path should be, or a folder that cannot be created or written.
   */
  public static void checkWritable(Path target, String option) {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw UserError.output(option + ": cannot write " + target + ": it is a folder; give a file name");
    }
    Path parent = absolute.getParent();
    Path existing = parent;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw UserError.output(option + ": cannot write " + target + ": " + existing + " is a file, not a folder");
    }
    if (existing != null && !Files.isWritable(existing)) {
      throw UserError.output(option + ": cannot write " + target + ": " + existing + " is not writable (permission "
          + "denied)");
    }
    if (Files.exists(absolute) && !Files.isWritable(absolute)) {
      throw UserError.output(option + ": cannot write " + target + ": it exists and is not writable (permission denied)");
    }
  }

  /** Writes {@code target}'s content to its temporary now; it is renamed into place by {@link #commit}. */
  public void write(Path target, AtomicFiles.Body body) {
    Path partial = null;
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      partial = AtomicFiles.partialSibling(target);
      Path tmp = partial;
      AtomicFiles.writeTo(tmp, body);
      add(target, new Staged() {
        @Override
        public void commit() throws IOException {
          AtomicFiles.move(tmp, target);
        }

        @Override
        public void abort() {
          AtomicFiles.deleteQuietly(tmp);
        }
      });
    } catch (IOException e) {
      AtomicFiles.deleteQuietly(partial);
      throw UserError.output("cannot write " + target + " (" + AtomicFiles.describe(e) + "); no output was changed");
    }
  }

  /** Adds an output its writer has staged itself (a stream written page by page, say). */
  public void add(Path target, Staged output) {
    Staged previous = staged.put(target.toAbsolutePath().normalize(), output);
    if (previous != null) {
      previous.abort();
      throw UserError.config("two outputs would both be written to " + target + "; give them different names");
    }
  }

  /** Moves every staged output into place. */
  public void commit() {
    List<Path> done = new ArrayList<>();
    try {
      for (Map.Entry<Path, Staged> entry : staged.entrySet()) {
        entry.getValue().commit();
        done.add(entry.getKey());
      }
      committed = true;
    } catch (IOException e) {
      throw UserError.output("cannot move outputs into place (" + AtomicFiles.describe(e) + "); "
          + (done.isEmpty() ? "no output was changed" : "only " + done + " were replaced"));
    }
  }

  /** Throws away whatever was staged but not committed. */
  @Override
  public void close() {
    if (!committed) {
      staged.values().forEach(Staged::abort);
    }
  }
}
