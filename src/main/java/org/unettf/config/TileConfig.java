package org.unettf.config;

/** Training tile: the input edge in pixels; the output edge follows from the model. */
public record TileConfig(int size) {}
