package org.unettf.io;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Images for people to look at: grey values, heat maps and the image | truth | prediction | errors panel. */
public final class Pictures {
  /** Errors panel colours: a cell predicted where the truth has membrane, and the reverse. */
  public static final Color FALSE_CELL = new Color(230, 40, 40);
  public static final Color FALSE_MEMBRANE = new Color(40, 110, 255);
  private static final int[][] INFERNO = {
    {0, 0, 4}, {40, 11, 84}, {101, 21, 110}, {159, 42, 99}, {212, 72, 66}, {245, 125, 21}, {250, 193, 39}, {252, 255, 164}
  };

  private Pictures() {}

  /** The grey value of pixels with {@code channels} values: RGB becomes luma, grey stays. */
  public static float[] luma(float[] image, int channels) {
    if (channels == 1) {
      return image;
    }
    float[] out = new float[image.length / channels];
    for (int i = 0; i < out.length; i++) {
      out[i] = 0.299f * image[i * channels] + 0.587f * image[i * channels + 1] + 0.114f * image[i * channels + 2];
    }
    return out;
  }

  /** [0, 1] values to 8-bit grey, clamped. */
  public static byte[] greyBytes(float[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) Math.round(255 * Math.max(0, Math.min(1, values[i])));
    }
    return out;
  }

  public static BufferedImage grey(float[] values, int width, int height) {
    return StackWriter.byteImage(width, height, greyBytes(values));
  }

  /** Values from 0 to {@code max} through the "inferno" colour map, as interleaved RGB bytes. */
  public static byte[] heatBytes(float[] values, double max) {
    byte[] rgb = new byte[values.length * 3];
    for (int i = 0; i < values.length; i++) {
      double t = Math.max(0, Math.min(1, values[i] / max)) * (INFERNO.length - 1);
      int k = Math.min((int) t, INFERNO.length - 2);
      double f = t - k;
      for (int c = 0; c < 3; c++) {
        rgb[i * 3 + c] = (byte) Math.round(INFERNO[k][c] * (1 - f) + INFERNO[k + 1][c] * f);
      }
    }
    return rgb;
  }

  public static BufferedImage heat(float[] values, int width, int height, double max) {
    return rgbImage(heatBytes(values, max), width, height);
  }

  public static BufferedImage rgbImage(byte[] rgb, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < width * height; i++) {
      target[i * 3] = rgb[i * 3 + 2];
      target[i * 3 + 1] = rgb[i * 3 + 1];
      target[i * 3 + 2] = rgb[i * 3];
    }
    return image;
  }

  /**
   * The evaluation panel of one slice: image | ground truth | predicted cell probability | errors,
   * the errors drawn over the image in {@link #FALSE_CELL} and {@link #FALSE_MEMBRANE}.
   */
  public static BufferedImage panel(
      float[] image, byte[] truth, float[] cellProbability, byte[] predicted, int width, int height, String title) {
    int header = 28;
    BufferedImage out = new BufferedImage(4 * width, height + header, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), header);
    float[] truthValues = new float[truth.length];
    for (int i = 0; i < truth.length; i++) {
      truthValues[i] = truth[i];
    }
    g.drawImage(grey(image, width, height), 0, header, null);
    g.drawImage(grey(truthValues, width, height), width, header, null);
    g.drawImage(grey(cellProbability, width, height), 2 * width, header, null);
    g.drawImage(errors(image, truth, predicted, width, height), 3 * width, header, null);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    String[] labels = {title + ": image", "ground truth", "prediction (cell probability)", "errors"};
    for (int i = 0; i < labels.length; i++) {
      g.drawString(labels[i], i * width + 6, 19);
    }
    g.setColor(FALSE_CELL);
    g.drawString("false cell", 3 * width + 60, 19);
    g.setColor(FALSE_MEMBRANE);
    g.drawString("false membrane", 3 * width + 140, 19);
    g.dispose();
    return out;
  }

  /** The image in grey with wrongly classified pixels coloured. */
  public static BufferedImage errors(float[] image, byte[] truth, byte[] predicted, int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    byte[] grey = greyBytes(image);
    for (int i = 0; i < truth.length; i++) {
      Color c = null;
      if (predicted[i] != truth[i]) {
        c = predicted[i] == 1 ? FALSE_CELL : FALSE_MEMBRANE;
      }
      rgb[i * 3] = c == null ? grey[i] : (byte) c.getRed();
      rgb[i * 3 + 1] = c == null ? grey[i] : (byte) c.getGreen();
      rgb[i * 3 + 2] = c == null ? grey[i] : (byte) c.getBlue();
    }
    return rgbImage(rgb, width, height);
  }

  /**
   * Cells as objects: each id its own colour over the grey image, boundaries (0) dark. Colours come
   * from the id alone, so the same cell has the same colour in every picture of it.
   */
  public static BufferedImage cells(float[] image, int[] labels, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < labels.length; i++) {
      int grey = Math.round(Math.max(0, Math.min(1, image[i])) * 255);
      int rgb;
      if (labels[i] == 0) {
        rgb = (grey / 4) * 0x010101;
      } else {
        int h = labels[i] * 0x9E3779B1;
        int r = 64 + ((h >>> 8) & 0x7f);
        int gr = 64 + ((h >>> 16) & 0x7f);
        int b = 64 + ((h >>> 24) & 0x7f);
        // Half colour, half image, so the membranes inside a cell stay visible.
        rgb = ((r + grey) / 2) << 16 | ((gr + grey) / 2) << 8 | ((b + grey) / 2);
      }
      out.setRGB(i % width, i / width, rgb);
    }
    return out;
  }

  /** An overlay of the predicted membrane (class 0) in colour over the image, for predict --overlays. */
  public static BufferedImage overlay(float[] image, byte[] predicted, int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    byte[] grey = greyBytes(image);
    for (int i = 0; i < predicted.length; i++) {
      boolean membrane = predicted[i] == 0;
      int g = grey[i] & 0xff;
      rgb[i * 3] = (byte) (membrane ? (g + 255) / 2 : g);
      rgb[i * 3 + 1] = (byte) (membrane ? g / 2 : g);
      rgb[i * 3 + 2] = (byte) (membrane ? g / 2 : g);
    }
    return rgbImage(rgb, width, height);
  }
}
