/** Which lowering turns each layer type into export ops (one module per family, as src/model/layers). */
import type { LayerType } from '../../model/types';
import { lowerActivation } from './layers/activation';
import { lowerDropout, lowerFlatten, lowerLinear, lowerUnflatten } from './layers/basic';
import { lowerConv2d, lowerConvTranspose2d, lowerDetectionHead } from './layers/conv';
import { lowerSqueezeExcitation, lowerStochasticDepth } from './layers/excitation';
import { lowerBatchNorm } from './layers/norm';
import { lowerAdaptivePool2d, lowerAvgPool2d, lowerMaxPool2d } from './layers/pool';
import type { LayerLowering } from './layers/types';
import { lowerUpsample } from './layers/upsample';

export const LAYER_LOWERINGS: Record<LayerType, LayerLowering> = {
  Conv2d: lowerConv2d,
  ConvTranspose2d: lowerConvTranspose2d,
  MaxPool2d: lowerMaxPool2d,
  AvgPool2d: lowerAvgPool2d,
  AdaptiveAvgPool2d: lowerAdaptivePool2d('avg'),
  AdaptiveMaxPool2d: lowerAdaptivePool2d('max'),
  BatchNorm2d: lowerBatchNorm,
  BatchNorm1d: lowerBatchNorm,
  Dropout: lowerDropout,
  Dropout2d: lowerDropout,
  ReLU: lowerActivation,
  LeakyReLU: lowerActivation,
  ELU: lowerActivation,
  ReLU6: lowerActivation,
  GELU: lowerActivation,
  SiLU: lowerActivation,
  Mish: lowerActivation,
  Hardswish: lowerActivation,
  Hardsigmoid: lowerActivation,
  PReLU: lowerActivation,
  Sigmoid: lowerActivation,
  Tanh: lowerActivation,
  Softmax: lowerActivation,
  LogSoftmax: lowerActivation,
  Flatten: lowerFlatten,
  Unflatten: lowerUnflatten,
  Linear: lowerLinear,
  Upsample: lowerUpsample,
  SqueezeExcitation: lowerSqueezeExcitation,
  StochasticDepth: lowerStochasticDepth,
  DetectionHead: lowerDetectionHead,
};
