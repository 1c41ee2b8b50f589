package io.odoovps.operator.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The scale benchmark's plot, drawn with plain Java2D (headless): converge time against N on the
 * left, API writes per VPS against N with the floor on the right. N on a log scale.
 */
final class ScalePlot {

  private static final int PANEL_W = 520;
  private static final int H = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private ScalePlot() {}

  static void write(List<ScaleBenchmark.Result> results, int floor, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    var image = new BufferedImage(2 * PANEL_W, H, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 2 * PANEL_W, H);
    panel(
        g,
        0,
        results,
        ScaleBenchmark.Result::convergedSeconds,
        ScaleBenchmark.Result::baselineSeconds,
        "Time to converge (grey: plain-client baseline)",
        "converge time (s)",
        -1);
    panel(
        g,
        PANEL_W,
        results,
        ScaleBenchmark.Result::writesPerVps,
        null,
        "API writes per VPS (dashed: floor " + floor + ")",
        "writes per VPS",
        floor);
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  private static void panel(
      Graphics2D g,
      int x0,
      List<ScaleBenchmark.Result> results,
      ToDoubleFunction<ScaleBenchmark.Result> value,
      ToDoubleFunction<ScaleBenchmark.Result> reference,
      String title,
      String yLabel,
      double floor) {
    int plotW = PANEL_W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    int px = x0 + LEFT;
    int py = TOP;
    double minN = results.stream().mapToInt(ScaleBenchmark.Result::n).min().orElse(1);
    double maxN = results.stream().mapToInt(ScaleBenchmark.Result::n).max().orElse(10);
    double logMin = Math.floor(Math.log10(Math.max(1, minN)));
    double logMax = Math.max(logMin + 1, Math.ceil(Math.log10(maxN)));
    double maxY = Math.max(floor, results.stream().mapToDouble(value).max().orElse(1));
    if (reference != null) {
      maxY = Math.max(maxY, results.stream().mapToDouble(reference).max().orElse(1));
    }
    maxY *= 1.15;
    if (maxY <= 0) {
      maxY = 1;
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, px, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawRect(px, py, plotW, plotH);
    // x axis: decades and the measured sizes
    for (double d = logMin; d <= logMax; d++) {
      int x = px + (int) ((d - logMin) / (logMax - logMin) * plotW);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(x, py, x, py + plotH);
      g.setColor(Color.BLACK);
      var label = String.format(Locale.ROOT, "%,d", (long) Math.pow(10, d));
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, py + plotH + 18);
    }
    g.drawString(
        "N (OdooVps, log scale)",
        px + plotW / 2 - g.getFontMetrics().stringWidth("N (OdooVps, log scale)") / 2,
        py + plotH + 42);
    // y axis: 5 ticks
    for (int i = 0; i <= 5; i++) {
      double v = maxY * i / 5;
      int y = py + plotH - (int) (v / maxY * plotH);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(px, y, px + plotW, y);
      g.setColor(Color.BLACK);
      var label = v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format("%.1f", v);
      g.drawString(label, px - 6 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    var rotate = g.getTransform();
    g.transform(AffineTransform.getRotateInstance(-Math.PI / 2));
    g.drawString(yLabel, -(py + plotH / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), x0 + 18);
    g.setTransform(rotate);
    if (floor >= 0) {
      int y = py + plotH - (int) (floor / maxY * plotH);
      g.setColor(new Color(200, 60, 60));
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 6}, 0));
      g.drawLine(px, y, px + plotW, y);
      g.setStroke(new BasicStroke(1));
    }
    if (reference != null) {
      series(
          g,
          results,
          reference,
          new Color(150, 150, 150),
          px,
          py,
          plotW,
          plotH,
          logMin,
          logMax,
          maxY);
    }
    series(g, results, value, new Color(30, 90, 180), px, py, plotW, plotH, logMin, logMax, maxY);
  }

  private static void series(
      Graphics2D g,
      List<ScaleBenchmark.Result> results,
      ToDoubleFunction<ScaleBenchmark.Result> value,
      Color color,
      int px,
      int py,
      int plotW,
      int plotH,
      double logMin,
      double logMax,
      double maxY) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2));
    int lastX = -1;
    int lastY = -1;
    for (var r : results) {
      int x = px + (int) ((Math.log10(r.n()) - logMin) / (logMax - logMin) * plotW);
      int y = py + plotH - (int) (value.applyAsDouble(r) / maxY * plotH);
      if (lastX >= 0) {
        g.drawLine(lastX, lastY, x, y);
      }
      g.fillOval(x - 4, y - 4, 9, 9);
      var label = String.format(Locale.ROOT, "%.1f", value.applyAsDouble(r));
      g.drawString(label, x + 6, y - 6);
      lastX = x;
      lastY = y;
    }
    g.setStroke(new BasicStroke(1));
  }
}
