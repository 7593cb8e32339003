package org.unettf.io;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Training curves as one PNG of small charts, one per quantity, drawn with JFreeChart. */
public final class Charts {
  private Charts() {}

  /** One named line: x (step) and y values of equal length. */
  public record Line(String name, double[] x, double[] y) {}

  /**
   * Writes a grid of charts, two per row, each titled by its key and showing its lines against
   * the training step.
   */
  public static void writeCurves(Path target, Map<String, List<Line>> charts) {
    int columns = 2;
    int cellW = 520;
    int cellH = 320;
    int rows = (charts.size() + columns - 1) / columns;
    BufferedImage image = new BufferedImage(columns * cellW, Math.max(1, rows) * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    int i = 0;
    for (Map.Entry<String, List<Line>> chart : new LinkedHashMap<>(charts).entrySet()) {
      XYSeriesCollection dataset = new XYSeriesCollection();
      for (Line line : chart.getValue()) {
        XYSeries series = new XYSeries(line.name());
        for (int k = 0; k < line.x().length; k++) {
          if (Double.isFinite(line.y()[k])) {
            series.add(line.x()[k], line.y()[k]);
          }
        }
        dataset.addSeries(series);
      }
      JFreeChart jfc = ChartFactory.createXYLineChart(chart.getKey(), "step", chart.getKey(), dataset,
          PlotOrientation.VERTICAL, chart.getValue().size() > 1, false, false);
      XYPlot plot = jfc.getXYPlot();
      plot.setBackgroundPaint(Color.WHITE);
      plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
      plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
      ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
      jfc.draw(g, new Rectangle2D.Double((i % columns) * cellW, (i / columns) * cellH, cellW, cellH));
      i++;
    }
    g.dispose();
    StackWriter.writePng(target, image);
  }
}
