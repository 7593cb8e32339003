package org.unettf.infer.volume;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.unettf.config.ClassMap;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;
import org.unettf.io.volume.N5Group;
import org.unettf.io.volume.OmeZarr;
import org.unettf.io.volume.ZarrGroup;

/**
 * The Zarr or N5 group a chunked prediction writes, made once however many processes start on it
 * together (the shards of a job array, say). Whoever creates the group's folder (an atomic step
 * that only one process can win) writes its attributes, with the settings' fingerprint, and then
 * its arrays; the others wait for the attributes, compare the fingerprint with their own, and
 * wait for the arrays. A rerun finds the group complete and resumes it if the fingerprint matches.
 */
final class OutputGroup {
  static final String KEY = "unet-tf";
  /** How long an empty group folder or one without our attributes may be someone else's group in the making. */
  private static final long YOUNG_MS = 10_000;
  private static final long WAIT_MS = 60_000;

  private OutputGroup() {}

  /** How the group came to be ready: made here, joined while another made it, or found from an earlier run. */
  enum Origin {
    CREATED,
    JOINED
  }

  /**
   * Makes sure the group exists with {@code record} (which holds {@code fingerprint}) and both
   * arrays, or refuses a group made otherwise unless {@code overwrite}.
   */
  static Origin prepare(VolumeJob job, ClassMap classes, Map<String, Object> record, boolean overwrite) {
    Path dir = Path.of(job.target().path());
    boolean zarr = job.target().format() == VolumeJob.Format.ZARR;
    checkParent(dir, zarr);
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (true) {
      try {
        Files.createDirectory(dir);
        create(job, classes, record, dir, zarr);
        return Origin.CREATED;
      } catch (FileAlreadyExistsException e) {
        // Someone's: ours from before, another shard's, or something else.
      } catch (IOException e) {
        throw UserError.output("cannot create " + dir + " (" + AtomicFiles.describe(e) + ")");
      }
      if (!Files.isDirectory(dir)) {
        if (overwrite) {
          AtomicFiles.deleteQuietly(dir);
          continue;
        }
        throw UserError.output(job.target().path() + " exists and is a file; choose another path or add --overwrite");
      }
      Map<String, Object> found = recorded(dir, zarr);
      if (found != null && found.get("fingerprint") != null) {
        if (record.get("fingerprint").equals(found.get("fingerprint"))) {
          awaitArrays(dir, zarr, deadline);
          ChunkedOutputs.open(job, classes).close();
          // Chunks a killed run of this host was writing; those of live processes (other shards) stay.
          AtomicFiles.cleanStale(dir.resolve(ChunkedOutputs.PROBABILITIES));
          AtomicFiles.cleanStale(dir.resolve(ChunkedOutputs.MASKS));
          return Origin.JOINED;
        }
        if (overwrite) {
          AtomicFiles.deleteTree(dir);
          continue;
        }
        throw UserError.output(job.target().path() + " holds a prediction made with other settings ("
            + String.join("; ", Fingerprint.differences(settings(found), settings(record)))
            + "); rerun with the same model and options to resume it, or add --overwrite to replace it");
      }
      if (inTheMaking(dir, zarr) || abandoned(dir, zarr)) {
        if (age(dir) < YOUNG_MS && System.currentTimeMillis() < deadline) {
          // Most likely another process that has just made the folder and is writing the attributes.
          sleep();
          continue;
        }
        // An empty folder, or a group whose maker stopped before writing its attributes: remove it
        // and race for it like a new one.
        try {
          try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
              Files.delete(p);
            }
          }
          Files.delete(dir);
        } catch (NoSuchFileException | DirectoryNotEmptyException ignored) {
          // Another process took it first.
        } catch (IOException e) {
          throw UserError.output("cannot replace the empty folder " + dir + " (" + AtomicFiles.describe(e) + ")");
        }
        continue;
      }
      if (overwrite) {
        AtomicFiles.deleteTree(dir);
        continue;
      }
      throw UserError.output(job.target().path() + " exists and holds no unet-tf prediction (found "
          + describe(dir) + "); choose another path or add --overwrite to replace it");
    }
  }

  /** The winner's part: attributes first (so others can check them at once), then the arrays. */
  private static void create(VolumeJob job, ClassMap classes, Map<String, Object> record, Path dir, boolean zarr) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put(KEY, record);
    if (zarr) {
      ZarrGroup group = ZarrGroup.create(dir, attributes);
      ChunkedOutputs.open(job, classes).close();
      // OME-Zarr 0.4, so that napari and Fiji show both arrays as images.
      OmeZarr.describe(group, List.of(ChunkedOutputs.PROBABILITIES, ChunkedOutputs.MASKS));
    } else {
      N5Group.create(dir, attributes);
      ChunkedOutputs.open(job, classes).close();
    }
  }

  /** An output inside a container must be a new group in an existing one; its parents are not ours to make. */
  private static void checkParent(Path dir, boolean zarr) {
    Path absolute = dir.toAbsolutePath().normalize();
    String suffix = zarr ? ".zarr" : ".n5";
    Path parent = absolute.getParent();
    if (absolute.getFileName().toString().toLowerCase().endsWith(suffix)
        && (parent == null || !parent.toString().toLowerCase().contains(suffix))) {
      try {
        if (parent != null) {
          Files.createDirectories(parent);
        }
      } catch (IOException e) {
        throw UserError.output("cannot create " + parent + " (" + AtomicFiles.describe(e) + ")");
      }
      return;
    }
    boolean group = parent != null && (zarr ? Files.isRegularFile(parent.resolve(".zgroup"))
        : Files.isRegularFile(parent.resolve("attributes.json")));
    if (!group) {
      throw UserError.output("cannot write " + dir + ": " + parent + " is not an existing " + (zarr ? "Zarr" : "N5")
          + " group; write the prediction to its own " + suffix + " folder, or to a new group inside an existing one");
    }
  }

  /** Our record in the group's attributes, or null where there is none (yet). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> recorded(Path dir, boolean zarr) {
    Map<String, Object> attributes;
    if (zarr) {
      if (!Files.isRegularFile(dir.resolve(".zgroup"))) {
        return null;
      }
      attributes = ZarrGroup.open(dir).attributes();
    } else {
      if (!Files.isRegularFile(dir.resolve("attributes.json"))) {
        return null;
      }
      attributes = N5Group.open(dir).attributes();
    }
    Object record = attributes.get(KEY);
    return record instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> settings(Map<String, Object> record) {
    Object s = record.get("settings");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static void awaitArrays(Path dir, boolean zarr, long deadline) {
    String meta = zarr ? ".zarray" : "attributes.json";
    while (System.currentTimeMillis() < deadline) {
      if (Files.isRegularFile(dir.resolve(ChunkedOutputs.PROBABILITIES).resolve(meta))
          && Files.isRegularFile(dir.resolve(ChunkedOutputs.MASKS).resolve(meta))) {
        return;
      }
      sleep();
    }
    // The process that made the group stopped before its arrays; they are made here instead.
  }

  private static long age(Path dir) {
    try {
      FileTime modified = Files.getLastModifiedTime(dir);
      return System.currentTimeMillis() - modified.toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  /** A group holding nothing at all: only {@code .zgroup}, or N5 attributes with just the format version. */
  private static boolean abandoned(Path dir, boolean zarr) {
    try (Stream<Path> list = Files.list(dir)) {
      List<String> names = list.map(p -> p.getFileName().toString()).toList();
      if (zarr) {
        return names.equals(List.of(".zgroup")) && ZarrGroup.open(dir).attributes().isEmpty();
      }
      return names.equals(List.of("attributes.json")) && N5Group.open(dir).attributes().isEmpty();
    } catch (IOException | UserError e) {
      return false;
    }
  }

  /**
   * Nothing yet, or only what a maker writes before its record: Zarr's {@code .zgroup}, and files
   * still under their temporary names (the record itself, on its way into {@code .zattrs} or N5's
   * attributes).
   */
  private static boolean inTheMaking(Path dir, boolean zarr) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.allMatch(p -> Files.isRegularFile(p) && ((zarr && p.getFileName().toString().equals(".zgroup"))
          || p.getFileName().toString().endsWith(".partial")));
    } catch (IOException e) {
      return false;
    }
  }

  private static String describe(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      List<String> names = list.map(p -> p.getFileName().toString()).sorted().limit(6).toList();
      return names.isEmpty() ? "an empty folder" : String.join(", ", names);
    } catch (IOException e) {
      return "an unreadable folder";
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the output group", e);
    }
  }
}
