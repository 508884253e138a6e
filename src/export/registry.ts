/** Every export format, by `--format` name. Add a format: one module under src/export/<format>/ and one entry here. */
import type { ExportFormat } from './format';
import { onnxFormat } from './onnx/format';
import { pytorchFormat } from './pytorch/format';
import { tfjsFormat } from './tfjs/format';
import { webAppFormat } from './webapp/format';

export const EXPORT_FORMATS: readonly ExportFormat[] = [pytorchFormat, onnxFormat, tfjsFormat, webAppFormat];

export function exportFormat(name: string): ExportFormat | undefined {
  return EXPORT_FORMATS.find((f) => f.name === name);
}

export function exportFormatNames(): string[] {
  return EXPORT_FORMATS.map((f) => f.name);
}
