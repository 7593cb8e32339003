package org.unettf.io.volume;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;

/**
 * An HDF5 dataset, read through jhdf. jhdf's sliced read ({@code getData(offset, size)}) decodes
 * only the chunks a box overlaps (and reads only its rows from a contiguous dataset), so memory
 * follows the box. jhdf promises nothing about concurrent use of one file, so reads take turns.
 */
final class Hdf5Volume extends AbstractVolume {
  private static final int LISTED = 12;

  private final HdfFile file;
  private final Dataset dataset;
  private final long[] shape;
  private final int[] chunks;

  private Hdf5Volume(String describe, HdfFile file, Dataset dataset, DType dtype) {
    super(describe, dtype, attributes(dataset));
    this.file = file;
    this.dataset = dataset;
    this.shape = dataset.getDimensionsAsLong();
    this.chunks = dataset instanceof ChunkedDataset c ? c.getChunkDimensions() : planes(shape);
  }

  /** A contiguous dataset reads row by row; whole planes are a natural unit for callers to ask for. */
  private static int[] planes(long[] shape) {
    int[] out = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      out[d] = d >= shape.length - 2 ? (int) Math.max(1, Math.min(shape[d], Integer.MAX_VALUE)) : 1;
    }
    return out;
  }

  static Hdf5Volume open(String describe, Path path, String datasetPath) {
    if (!Files.isRegularFile(path)) {
      throw UserError.input(describe + ": " + path + " not found" + (Files.isDirectory(path) ? " (it is a folder)" : ""));
    }
    HdfFile file;
    try {
      file = new HdfFile(path);
    } catch (RuntimeException e) {
      throw UserError.input(describe + ": " + path + " is not a readable HDF5 file (" + reason(e) + ")");
    }
    try {
      if (datasetPath == null || datasetPath.isEmpty() || datasetPath.equals("/")) {
        throw UserError.input(describe + ": name the dataset inside the HDF5 file as " + path
            + ":/dataset; it holds " + listing(file));
      }
      Node node;
      try {
        node = file.getByPath(datasetPath);
      } catch (RuntimeException e) {
        throw UserError.input(describe + ": " + path + " has no dataset " + datasetPath + "; it holds " + listing(file));
      }
      if (!(node instanceof Dataset dataset)) {
        throw UserError.input(describe + ": " + datasetPath + " is a group, not a dataset; " + path + " holds "
            + listing(file));
      }
      if (dataset.isScalar() || dataset.isCompound() || dataset.isVariableLength() || dataset.getDimensions().length == 0) {
        throw UserError.input(describe + " is a scalar, compound or variable-length dataset; expected an array of numbers");
      }
      DataType type = dataset.getDataType();
      DType dtype = type instanceof FixedPoint fixed ? DType.fromHdf5(false, fixed.isSigned(), fixed.getSize())
          : type instanceof FloatingPoint ? DType.fromHdf5(true, true, type.getSize()) : null;
      if (dtype == null) {
        throw UserError.input(describe + " holds values of HDF5 type class " + type.getDataClass() + " and "
            + type.getSize() + " bytes; supported: " + DType.names());
      }
      return new Hdf5Volume(describe, file, dataset, dtype);
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** The datasets of a file by full path, for messages. */
  static String listing(HdfFile file) {
    List<String> paths = new ArrayList<>();
    collect(file, paths);
    if (paths.isEmpty()) {
      return "no datasets";
    }
    String shown = String.join(", ", paths.subList(0, Math.min(LISTED, paths.size())));
    return "datasets " + shown + (paths.size() > LISTED ? " and " + (paths.size() - LISTED) + " more" : "");
  }

  private static void collect(Group group, List<String> out) {
    for (Node node : group.getChildren().values()) {
      if (node instanceof Dataset) {
        out.add(node.getPath());
      } else if (node instanceof Group child && out.size() <= LISTED) {
        collect(child, out);
      }
    }
  }

  private static Map<String, Object> attributes(Node node) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Attribute> entry : node.getAttributes().entrySet()) {
      try {
        Object value = plain(entry.getValue().getData());
        if (value != null) {
          out.put(entry.getKey(), value);
        }
      } catch (RuntimeException e) {
        // An attribute jhdf cannot decode is left out rather than failing the whole volume.
      }
    }
    return out;
  }

  /** Numbers, strings and (nested) lists of them; null for anything else. */
  private static Object plain(Object value) {
    if (value instanceof Number || value instanceof String || value instanceof Boolean) {
      return value instanceof BigInteger big ? big.doubleValue() : value;
    }
    if (value != null && value.getClass().isArray()) {
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        Object element = plain(Array.get(value, i));
        if (element == null) {
          return null;
        }
        list.add(element);
      }
      return list;
    }
    return null;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public int[] chunks() {
    return chunks.clone();
  }

  @Override
  public float[] readFloats(long[] offset, int[] size) {
    return Boxes.readFloats(this, offset, size, out -> read(offset, size, out));
  }

  @Override
  public long[] readLongs(long[] offset, int[] size) {
    return Boxes.readLongs(this, offset, size, out -> read(offset, size, out));
  }

  /** Fills {@code out}, a float[] or long[] of the box's size; jhdf is not asked for an empty box. */
  private void read(long[] offset, int[] size, Object out) {
    if (Rows.count(size) > 0) {
      flatten(slice(offset, size), out, new int[1]);
    }
  }

  private Object slice(long[] offset, int[] size) {
    try {
      synchronized (file) {
        return dataset.getData(offset, size);
      }
    } catch (RuntimeException e) {
      throw UserError.input(describe + ": cannot read voxels " + ChunkGrid.box(offset, size) + " ("
          + reason(e) + ")");
    }
  }

  /** Copies jhdf's nested arrays (C order) into {@code out} from {@code at[0]} on. */
  private static void flatten(Object data, Object out, int[] at) {
    if (data instanceof Object[] nested && !(data instanceof BigInteger[])) {
      for (Object inner : nested) {
        flatten(inner, out, at);
      }
      return;
    }
    int n = Array.getLength(data);
    int start = at[0];
    at[0] += n;
    if (out instanceof float[] floats) {
      // jhdf widens unsigned types: uint8 and uint16 come as int[], uint32 as long[], uint64 as BigInteger[].
      if (data instanceof float[] v) {
        System.arraycopy(v, 0, floats, start, n);
      } else if (data instanceof double[] v) {
        for (int i = 0; i < n; i++) {
          floats[start + i] = (float) v[i];
        }
      } else {
        for (int i = 0; i < n; i++) {
          floats[start + i] = ((Number) Array.get(data, i)).floatValue();
        }
      }
      return;
    }
    long[] longs = (long[]) out;
    if (data instanceof int[] v) {
      for (int i = 0; i < n; i++) {
        longs[start + i] = v[i];
      }
    } else if (data instanceof long[] v) {
      System.arraycopy(v, 0, longs, start, n);
    } else {
      for (int i = 0; i < n; i++) {
        Object value = Array.get(data, i);
        if (value instanceof BigInteger big && big.bitLength() > 63) {
          throw new Samples.Overflow(start + i);
        }
        longs[start + i] = ((Number) value).longValue();
      }
    }
  }

  private static String reason(RuntimeException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? "unreadable" : message.replace('\n', ' ');
  }

  @Override
  public void close() {
    file.close();
  }
}
