package org.unettf.io;

import java.nio.file.Path;

/**
 * Slices as stored: integer samples per pixel and band, before any scaling.
 *
 * @param bits bits per sample: 8, 16 or 32 (32 means float samples, already real-valued)
 * @param bands samples per pixel: 1 for grey, 3 or 4 for RGB(A)
 * @param slices per slice, row-major, pixel-interleaved samples
 */
record RawStack(Path source, int width, int height, int bits, int bands, float[][] slices) {}
