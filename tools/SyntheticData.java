import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a small synthetic segmentation dataset with the JDK alone, for trying unet-tf on data of
 * your own shape: round cells with a membrane ring on a background, as PNG images and masks with
 * the same file names. Masks: 0 = background, 128 = membrane, 255 = cell.
 *
 * <pre>
 *   java tools/SyntheticData.java OUT [--count N] [--sizes 192x160,224x224] [--rgb] [--seed S]
 * </pre>
 *
 * writes OUT/images/img-000.png ... and OUT/masks/img-000.png ...; image sizes cycle through
 * --sizes.
 */
public class SyntheticData {
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: java tools/SyntheticData.java OUT [--count N] [--sizes WxH,...] [--rgb] [--seed S]");
      System.exit(2);
    }
    File out = new File(args[0]);
    int count = 12;
    String sizes = "192x160,224x224";
    boolean rgb = false;
    long seed = 1;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--count" -> count = Integer.parseInt(args[++i]);
        case "--sizes" -> sizes = args[++i];
        case "--rgb" -> rgb = true;
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    File images = new File(out, "images");
    File masks = new File(out, "masks");
    images.mkdirs();
    masks.mkdirs();
    String[] shapes = sizes.split(",");
    Random random = new Random(seed);
    for (int n = 0; n < count; n++) {
      String[] wh = shapes[n % shapes.length].split("x");
      int w = Integer.parseInt(wh[0]);
      int h = Integer.parseInt(wh[1]);
      int[] mask = new int[w * h];
      List<int[]> cells = new ArrayList<>();
      for (int attempt = 0; attempt < 400 && cells.size() < w * h / 900; attempt++) {
        int r = 8 + random.nextInt(14);
        int cx = r + 3 + random.nextInt(Math.max(1, w - 2 * r - 6));
        int cy = r + 3 + random.nextInt(Math.max(1, h - 2 * r - 6));
        boolean free = cells.stream().allMatch(c -> Math.hypot(c[0] - cx, c[1] - cy) > c[2] + r + 4);
        if (free) {
          cells.add(new int[] {cx, cy, r});
        }
      }
      for (int[] c : cells) {
        for (int y = Math.max(0, c[1] - c[2] - 3); y < Math.min(h, c[1] + c[2] + 4); y++) {
          for (int x = Math.max(0, c[0] - c[2] - 3); x < Math.min(w, c[0] + c[2] + 4); x++) {
            double d = Math.hypot(x - c[0], y - c[1]);
            if (d <= c[2]) {
              mask[y * w + x] = 255;
            } else if (d <= c[2] + 2.5) {
              mask[y * w + x] = 128;
            }
          }
        }
      }
      BufferedImage image = new BufferedImage(w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
      BufferedImage labels = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      for (int i = 0; i < mask.length; i++) {
        int base = switch (mask[i]) {
          case 255 -> 150;
          case 128 -> 50;
          default -> 210;
        };
        int v = Math.max(0, Math.min(255, base + (int) (random.nextGaussian() * 18)));
        int x = i % w;
        int y = i / w;
        if (rgb) {
          int red = mask[i] == 255 ? Math.min(255, v + 40) : v;
          image.setRGB(x, y, (red << 16) | (v << 8) | Math.max(0, v - 20));
        } else {
          image.getRaster().setSample(x, y, 0, v);
        }
        labels.getRaster().setSample(x, y, 0, mask[i]);
      }
      String name = String.format("img-%03d.png", n);
      ImageIO.write(image, "png", new File(images, name));
      ImageIO.write(labels, "png", new File(masks, name));
    }
    System.out.println("wrote " + count + " images and masks (0 background, 128 membrane, 255 cell) to " + out);
  }
}
