package org.unettf.io.volume;

import java.util.Locale;
import org.unettf.error.UserError;

/**
 * How new chunks are compressed. {@link #standard()} lets each format choose: zstd for Zarr, gzip
 * for N5 (what other N5 readers all understand), Deflate for TIFF pages.
 *
 * @param level the codec's level, or -1 for its own default
 */
public record Compression(Codec codec, int level) {
  public enum Codec {
    STANDARD,
    NONE,
    ZSTD,
    GZIP,
    /** Blosc 1 frames with LZ4 inside and byte shuffle. */
    BLOSC_LZ4,
    /** Blosc 1 frames with Zstandard inside and byte shuffle. */
    BLOSC_ZSTD
  }

  static final String NAMES = "zstd, gzip, blosc-lz4, blosc-zstd or none, optionally with a level as in zstd:5";

  public Compression {
    if (codec == null) {
      throw new IllegalArgumentException("codec must not be null");
    }
    if (level < -1) {
      throw new IllegalArgumentException("level must be -1 (the codec's default) or more, not " + level);
    }
  }

  public static Compression standard() {
    return new Compression(Codec.STANDARD, -1);
  }

  public static Compression none() {
    return new Compression(Codec.NONE, -1);
  }

  public static Compression zstd() {
    return new Compression(Codec.ZSTD, -1);
  }

  public static Compression gzip() {
    return new Compression(Codec.GZIP, -1);
  }

  public static Compression bloscLz4() {
    return new Compression(Codec.BLOSC_LZ4, -1);
  }

  public static Compression bloscZstd() {
    return new Compression(Codec.BLOSC_ZSTD, -1);
  }

  public Compression withLevel(int level) {
    return new Compression(codec, level);
  }

  /** This, or the format's choice when this is {@link Codec#STANDARD}. */
  Compression or(Codec formatDefault) {
    return codec == Codec.STANDARD ? new Compression(formatDefault, level) : this;
  }

  /** The level to hand to the codec: ours if set, else {@code fallback}. */
  int levelOr(int fallback) {
    return level < 0 ? fallback : level;
  }

  /**
   * Reads {@code zstd}, {@code gzip:9}, {@code blosc-lz4}, {@code none}, {@code standard}; {@code
   * key} names the setting in the message if the text is none of those.
   */
  public static Compression parse(String text, String key) {
    String lower = text.trim().toLowerCase(Locale.ROOT);
    int colon = lower.indexOf(':');
    String name = colon < 0 ? lower : lower.substring(0, colon);
    int level = -1;
    if (colon >= 0) {
      try {
        level = Integer.parseInt(lower.substring(colon + 1));
      } catch (NumberFormatException e) {
        level = -2;
      }
      if (level < 0) {
        throw UserError.config(key + ": '" + text + "' has no valid level after ':'; expected " + NAMES);
      }
    }
    Codec codec = switch (name) {
      case "standard", "default" -> Codec.STANDARD;
      case "none", "raw" -> Codec.NONE;
      case "zstd" -> Codec.ZSTD;
      case "gzip" -> Codec.GZIP;
      case "blosc", "blosc-lz4" -> Codec.BLOSC_LZ4;
      case "blosc-zstd" -> Codec.BLOSC_ZSTD;
      default -> throw UserError.config(key + ": unknown compression '" + text + "'; expected " + NAMES);
    };
    return new Compression(codec, level);
  }

  @Override
  public String toString() {
    String name = codec.name().toLowerCase(Locale.ROOT).replace('_', '-');
    return level < 0 ? name : name + ":" + level;
  }
}
