/**
 * Charts and live displays for the notebooks. Every chart helper returns a {@link Chart}: one
 * self-contained SVG, drawn by Observable Plot in a linkedom document, that shows itself as a
 * cell's result. Live views (learning curves, progress) update one output in place, and `record`
 * emits a chapter's headline numbers for the course's tests and site.
 *
 * @example
 * ```ts
 * import { lineChart, liveChart, record, scatter } from "./lib/mod.ts";
 * scatter({ x: [0, 1, 0, 1], y: [0, 0, 1, 1], label: [0, 1, 1, 0] }, { title: "XOR" });
 * lineChart({ train: [0.9, 0.5, 0.3], validation: [1.0, 0.6, 0.45] }, { yLabel: "loss" });
 * record({ test_accuracy: 0.97 });
 * ```
 *
 * @module
 */

export { barChart, type BarChartOptions, type BarData } from "./bar_chart.ts";
export { type AxisOptions, Chart, type ChartOptions } from "./chart.ts";
export {
  type Colormap,
  colormap,
  type ColormapName,
  PALETTE,
  type Rgb,
  viridis,
} from "./colormap.ts";
export { confusionMatrix, type ConfusionMatrixOptions } from "./confusion_matrix.ts";
export { decisionBoundary, type DecisionBoundaryOptions } from "./decision_boundary.ts";
export { errorSurface, type ErrorSurfaceOptions, type OptimizerPath } from "./error_surface.ts";
export { heatmap, type HeatmapOptions } from "./heatmap.ts";
export { imageGrid, type ImageGridOptions, type ImagesInput } from "./image_grid.ts";
export type { LabelList, MatrixInput, NumberList } from "./inputs.ts";
export { lineChart, type LineChartOptions, type LineData, type Series } from "./line_chart.ts";
export {
  type Broadcast,
  type BundleSource,
  type FlushTimer,
  jupyterBroadcast,
  LiveDisplay,
  type LiveDisplayOptions,
  type MimeBundle,
} from "./live.ts";
export { type LiveChart, liveChart, type LiveChartOptions } from "./live_chart.ts";
export { encodePng, type PngColor, toBase64 } from "./png.ts";
export {
  METRICS_MIME,
  metricsTable,
  type MetricValue,
  record,
  RecordedMetrics,
  type RecordOptions,
} from "./record.ts";
export { type Points, scatter, type ScatterOptions } from "./scatter.ts";
export { sideBySide, type SideBySideOptions } from "./side_by_side.ts";
export { type TextPoints, textScatter, type TextScatterOptions } from "./text_scatter.ts";
