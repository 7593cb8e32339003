package org.unettf.model;

/** Training applies dropout and batch statistics; inference uses neither. */
public enum Mode {
  TRAIN,
  INFER
}
