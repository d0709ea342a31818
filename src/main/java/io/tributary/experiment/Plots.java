package io.tributary.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts to PNG (XChart, headless). */
public final class Plots {
  private Plots() {}

  /** One chart; each series is (x values, y values). */
  public static void line(
      Path file, String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(720)
            .height(420)
            .title(title)
            .xAxisTitle(xLabel)
            .yAxisTitle(yLabel)
            .build();
    chart.getStyler().setLegendVisible(series.size() > 1);
    chart.getStyler().setMarkerSize(4);
    series.forEach(
        (name, points) -> {
          if (points.isEmpty()) {
            return;
          }
          double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
          double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
          chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        });
    try {
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write plot: " + e, e);
    }
  }
}
