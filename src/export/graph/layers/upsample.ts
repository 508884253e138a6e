/**
 * Upsample as the engine computes it: two products with PyTorch's interpolation matrices (nearest, bilinear with
 * or without align_corners), columns as x·Cᵀ, rows the same on the transposed maps.
 */
import type { UpsampleArgs } from '../../../model/types';
import { interpolationMatrix } from '../../../trainer/engine/layers/upsample';
import type { GraphBuilder } from '../builder';
import { transposeData } from './weightLayout';
import { layerName, type LayerLowering } from './types';

export const lowerUpsample: LayerLowering = (b, layer, x) => {
  const a = layer.args as UpsampleArgs;
  const name = layerName(layer);
  const [c, h, w] = b.shapeOf(x);
  const [outH, outW] = a.size;
  const wide = alongLastAxis(b, x, w, outW, a, `${name}.cols`, [c, h, outW], `${name}_cols`);
  const swapped = b.add({ op: 'Transpose', perm: [0, 1, 3, 2] }, [wide], [c, outW, h], `${name}_swap`);
  const tall = alongLastAxis(b, swapped, h, outH, a, `${name}.rows`, [c, outW, outH], `${name}_rows`);
  return b.add({ op: 'Transpose', perm: [0, 1, 3, 2] }, [tall], layer.outputShape, name);
};

function alongLastAxis(b: GraphBuilder, x: string, size: number, out: number, a: UpsampleArgs, constName: string, shape: number[], hint: string): string {
  const matrix = transposeData({ shape: [out, size], data: interpolationMatrix(size, out, a.mode, a.align_corners) }, [1, 0]);
  return b.add({ op: 'MatMul' }, [x, b.constant(constName, matrix.shape, matrix.data)], shape, hint);
}
