/** Which family module handles each layer type. */
import type { LayerType } from '../types';
import { activation, prelu } from './activation';
import { conv2d, convTranspose2d } from './conv';
import type { LayerHandler } from './handler';
import { dropout, flatten, linear } from './linear';
import { unflatten } from './unflatten';
import { batchNorm } from './norm';
import { adaptivePool2d, pool2d } from './pool';
import { upsample } from './upsample';
import { squeezeExcitation, stochasticDepth } from './excitation';
import { detectionHead } from './detectionHead';

export const LAYER_HANDLERS: Record<LayerType, LayerHandler> = {
  Conv2d: conv2d,
  ConvTranspose2d: convTranspose2d,
  MaxPool2d: pool2d,
  AvgPool2d: pool2d,
  AdaptiveAvgPool2d: adaptivePool2d,
  AdaptiveMaxPool2d: adaptivePool2d,
  BatchNorm2d: batchNorm,
  BatchNorm1d: batchNorm,
  Dropout: dropout,
  Dropout2d: dropout,
  ReLU: activation,
  LeakyReLU: activation,
  ELU: activation,
  ReLU6: activation,
  GELU: activation,
  SiLU: activation,
  Mish: activation,
  Hardswish: activation,
  Hardsigmoid: activation,
  PReLU: prelu,
  Sigmoid: activation,
  Tanh: activation,
  Softmax: activation,
  LogSoftmax: activation,
  Flatten: flatten,
  Unflatten: unflatten,
  Linear: linear,
  Upsample: upsample,
  SqueezeExcitation: squeezeExcitation,
  StochasticDepth: stochasticDepth,
  DetectionHead: detectionHead,
};
