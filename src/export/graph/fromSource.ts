/** A run read for export (ExportSource) → the export graph and what the exported model says about itself. */
import type { ExportSource } from '../source';
import { exportMetadata, type ExportMetadata } from '../metadata';
import { weightSource } from './builder';
import { lowerModel } from './lower';
import type { ExportGraph } from './types';

export function exportGraphOf(source: ExportSource): ExportGraph {
  return lowerModel(source.analysis, weightSource(source.weights));
}

export function exportMetadataOf(source: ExportSource, graph: ExportGraph, layout: 'NCHW' | 'NHWC'): ExportMetadata {
  return exportMetadata(source.analysis, source.classes, layout, graph.outputs.map((o) => o.name));
}
