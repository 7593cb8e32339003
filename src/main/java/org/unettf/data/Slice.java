package org.unettf.data;

/**
 * One annotated slice: image in [0, 1], class per pixel and the paper's weight map, all
 * {@code width×height}, row-major.
 */
public record Slice(int index, int width, int height, float[] image, byte[] labels, float[] weights) {}
