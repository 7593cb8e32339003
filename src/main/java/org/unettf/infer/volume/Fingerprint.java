package org.unettf.infer.volume;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.unettf.error.UserError;

/**
 * What decides a prediction's values: the model's files and the options that change what is
 * computed (input, test-time augmentation, tiling, precision, device, chunks, blocks, compression),
 * and their digest. A chunked output records both, so that a rerun resumes only the prediction it
 * would make itself; threads, engines and shards are left out, as they change only who computes.
 */
final class Fingerprint {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private Fingerprint() {}

  /** The settings of {@code job} on an input of {@code inputShape} and {@code dtype}, in a fixed order. */
  static Map<String, Object> settings(VolumeJob job, String modelDigest, long[] inputShape, String dtype) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model_sha256", modelDigest);
    out.put("input", Path.of(job.input()).toAbsolutePath().normalize().toString());
    out.put("input_shape", inputShape);
    out.put("input_dtype", dtype);
    out.put("tta", job.transforms());
    out.put("max_tile", job.plan().maxInput());
    out.put("batch", job.plan().batch());
    out.put("precision", job.runtime().precision().name().toLowerCase());
    out.put("device", job.runtime().device());
    out.put("chunks", job.grid().chunks());
    out.put("block", job.grid().block());
    out.put("compression", job.target().compression());
    return out;
  }

  static String digest(Map<String, Object> settings) {
    return hex(sha256().digest(GSON.toJson(settings).getBytes(StandardCharsets.UTF_8)));
  }

  /** The keys whose values differ between two settings maps (as stored, or as made here), for messages. */
  static List<String> differences(Map<String, Object> recorded, Map<String, Object> wanted) {
    List<String> out = new ArrayList<>();
    for (String key : wanted.keySet()) {
      JsonElement there = GSON.toJsonTree(recorded.get(key));
      JsonElement here = GSON.toJsonTree(wanted.get(key));
      if (!there.equals(here)) {
        out.add(key + " " + GSON.toJson(there) + " there, " + GSON.toJson(here) + " here");
      }
    }
    return out;
  }

  /** SHA-256 over a SavedModel folder's files, by relative path and content. */
  static String model(Path dir) {
    MessageDigest digest = sha256();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw UserError.model("cannot read " + dir + " (" + e.getMessage() + ")");
    }
    byte[] buffer = new byte[1 << 16];
    for (Path file : files) {
      digest.update(dir.relativize(file).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      try (InputStream in = Files.newInputStream(file)) {
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
        }
      } catch (IOException e) {
        throw UserError.model("cannot read " + file + " (" + e.getMessage() + ")");
      }
    }
    return hex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
