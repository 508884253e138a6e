/** Which charts the Training panel draws, from which series, in which colours. Pure: tested in Node. */
import type { TaskViews } from '../../src/model/tasks/types';
import type { LineChartSpec, ThemeColors } from './chartOptions';
import { lossPartSeries, type SeriesData } from './chartSeries';

export type TrainingChartId = 'loss' | 'lossParts' | 'accuracy' | 'mse' | 'miou' | 'map' | 'batchLoss' | 'learningRate' | 'speed' | 'precisionRecall';

/** Chart ids redrawn when epoch records arrive, and when batch records arrive. */
export const EPOCH_CHARTS: readonly TrainingChartId[] = ['loss', 'lossParts', 'accuracy', 'mse', 'miou', 'map'];
/** The per-epoch charts a task chooses one of (TaskViews.epochChart). */
const TASK_CHARTS: readonly TaskViews['epochChart'][] = ['accuracy', 'mse', 'miou', 'map'];
export const BATCH_CHARTS: readonly TrainingChartId[] = ['batchLoss', 'learningRate', 'speed'];

export interface TrainingChart {
  id: TrainingChartId;
  title: string;
  spec: LineChartSpec;
}

/**
 * The panel's charts over `series` (the arrays are shared, not copied: charts see new points on update); beside the
 * loss, the loss's parts for tasks whose loss has them (views.lossParts: training solid, validation dashed), and the
 * task's per-epoch chart (views.epochChart): accuracy, the validation MSE, mean IoU or mAP.
 */
export function trainingCharts(series: SeriesData, theme: ThemeColors, views: Pick<TaskViews, 'epochChart' | 'lossParts'>): TrainingChart[] {
  const others = TASK_CHARTS.filter((id) => id !== views.epochChart);
  const charts = allCharts(series, theme).filter((c) => !others.includes(c.id as TaskViews['epochChart']));
  return views.lossParts?.length ? [charts[0], lossPartsChart(series, theme, views.lossParts), ...charts.slice(1)] : charts;
}

function lossPartsChart(series: SeriesData, theme: ThemeColors, names: readonly string[]): TrainingChart {
  const colours = [theme.palette[2], theme.palette[4], theme.palette[3], theme.palette[5]];
  const lines = names.flatMap((name, i) => {
    const { train, val } = lossPartSeries(series, name);
    const color = colours[i % colours.length];
    return [{ label: `train ${name}`, data: train, color, points: true }, { label: `validation ${name}`, data: val, color, dashed: true }];
  });
  return { id: 'lossParts', title: `Loss parts per epoch (${names.join(', ')})`, spec: { xTitle: 'epoch', yTitle: 'loss', integerX: true, yMin: 0, lines } };
}

function allCharts(series: SeriesData, theme: ThemeColors): TrainingChart[] {
  const [blue, orange, green, , purple] = theme.palette;
  return [
    {
      id: 'loss',
      title: 'Loss per epoch',
      spec: { xTitle: 'epoch', yTitle: 'loss', integerX: true, lines: [
        { label: 'train loss', data: series.trainLoss, color: blue, points: true },
        { label: 'validation loss', data: series.valLoss, color: orange, points: true },
      ] },
    },
    {
      id: 'accuracy',
      title: 'Accuracy per epoch',
      spec: { xTitle: 'epoch', yTitle: 'accuracy', integerX: true, yMin: 0, yMax: 1, lines: [
        { label: 'train accuracy', data: series.trainAccuracy, color: blue, points: true },
        { label: 'validation accuracy', data: series.valAccuracy, color: orange, points: true },
      ] },
    },
    {
      id: 'mse',
      title: 'Validation MSE per epoch (pixels in [0, 1])',
      spec: { xTitle: 'epoch', yTitle: 'MSE', integerX: true, yMin: 0, lines: [
        { label: 'validation MSE', data: series.valMse, color: orange, points: true },
      ] },
    },
    {
      id: 'miou',
      title: 'Mean IoU and pixel accuracy per epoch',
      spec: { xTitle: 'epoch', yTitle: 'mIoU / accuracy', integerX: true, yMin: 0, yMax: 1, lines: [
        { label: 'validation mIoU', data: series.valMeanIou, color: orange, points: true },
        { label: 'train pixel accuracy', data: series.trainAccuracy, color: blue, faint: true },
        { label: 'validation pixel accuracy', data: series.valAccuracy, color: orange, faint: true },
      ] },
    },
    {
      id: 'map',
      title: 'Validation mAP per epoch',
      spec: { xTitle: 'epoch', yTitle: 'mAP', integerX: true, yMin: 0, yMax: 1, lines: [
        { label: 'mAP@0.5', data: series.valMap50, color: orange, points: true },
        { label: 'mAP@[.5:.95]', data: series.valMap, color: blue, points: true },
      ] },
    },
    {
      id: 'batchLoss',
      title: 'Training loss per batch',
      spec: { xTitle: 'batch', yTitle: 'loss', lines: [
        { label: 'raw', data: series.batchLossRaw, color: blue, faint: true },
        { label: 'smoothed (EMA)', data: series.batchLossSmoothed, color: blue },
      ] },
    },
    {
      id: 'learningRate',
      title: 'Learning rate',
      spec: { xTitle: 'batch', yTitle: 'learning rate', lines: [{ label: 'lr', data: series.learningRate, color: green }] },
    },
    {
      id: 'speed',
      title: 'Training speed',
      spec: { xTitle: 'batch', yTitle: 'samples/s', yMin: 0, lines: [{ label: 'samples/s', data: series.samplesPerSecond, color: purple }] },
    },
  ];
}

