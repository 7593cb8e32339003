package org.unettf.io.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/**
 * An N5 group: a folder whose {@code attributes.json} holds the {@code n5} format version and the
 * user's attributes, with datasets and further groups as sub-folders. Attributes are replaced whole
 * and atomically.
 */
public final class N5Group {
  private final Path dir;

  private N5Group(Path dir) {
    this.dir = dir;
  }

  /** Makes {@code dir} a group (if it is not one yet) and, unless null, sets its attributes. */
  public static N5Group create(Path dir, Map<String, Object> attributes) {
    String describe = dir.toString();
    if (N5Dataset.isDataset(dir)) {
      throw UserError.output(describe + " is an N5 dataset, not a group");
    }
    if (!N5Dataset.isGroup(dir)) {
      Layout.requireVacant(dir, describe, "N5 group");
    }
    N5Group group = new N5Group(dir);
    if (attributes != null || !N5Dataset.isGroup(dir)) {
      group.writeAttributes(attributes == null ? Map.of() : attributes);
    }
    return group;
  }

  public static N5Group open(Path dir) {
    if (!Files.isDirectory(dir) || N5Dataset.isDataset(dir)) {
      throw UserError.input(dir + " is not an N5 group (" + (N5Dataset.isDataset(dir) ? "it is a dataset"
          : Layout.found(dir)) + ")");
    }
    return new N5Group(dir);
  }

  public Path path() {
    return dir;
  }

  /** The user's attributes as stored now, without the format version. */
  public Map<String, Object> attributes() {
    Map<String, Object> stored = Json.readIfExists(dir.resolve(N5Dataset.ATTRIBUTES), dir.toString());
    Map<String, Object> out = new LinkedHashMap<>(stored == null ? Map.of() : stored);
    out.remove("n5");
    return Json.copy(out);
  }

  /** Replaces the attributes whole, through a temporary sibling; the format version stays. */
  public void writeAttributes(Map<String, Object> attributes) {
    Map<String, Object> meta = Json.ordered();
    meta.put("n5", N5Dataset.VERSION);
    for (var entry : attributes.entrySet()) {
      if (!entry.getKey().equals("n5")) {
        meta.put(entry.getKey(), entry.getValue());
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw UserError.output("cannot create " + dir + " (" + AtomicFiles.describe(e) + ")");
    }
    Json.write(dir.resolve(N5Dataset.ATTRIBUTES), meta);
  }

  /** The datasets inside, by path relative to the group, sub-groups included, in name order. */
  public List<String> datasets() {
    return datasets(dir);
  }

  public WritableVolume createDataset(String name, long[] shape, int[] chunks, DType dtype, Compression compression,
      Map<String, Object> attributes, IfExists ifExists) {
    Path dataset = dir.resolve(name);
    return N5Dataset.create(dataset.toString(), dir, dataset, shape, chunks, dtype, compression, attributes, ifExists);
  }

  public Volume openDataset(String name) {
    return Volumes.open(dir.resolve(name).toString());
  }

  static List<String> datasets(Path dir) {
    return Layout.volumes(dir, N5Dataset::isDataset, N5Group::mayHoldDatasets);
  }

  /** Numbered folders are a dataset's blocks, never groups worth descending into. */
  private static boolean mayHoldDatasets(Path dir) {
    return !dir.getFileName().toString().matches("\\d+");
  }

  /** Gives the container's root its format version, unless it has attributes already. */
  static void ensureRoot(Path root, String describe) {
    if (root == null) {
      return;
    }
    if (N5Dataset.isDataset(root)) {
      throw UserError.output(describe + ": " + root + " is an N5 dataset and cannot hold another");
    }
    if (!Files.isRegularFile(root.resolve(N5Dataset.ATTRIBUTES))) {
      new N5Group(root).writeAttributes(Map.of());
    }
  }
}
