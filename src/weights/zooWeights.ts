/**
 * torchvision's published ImageNet weights for the model zoo (examples/zoo): each file's URL, whose name carries the
 * first 8 hex digits of its SHA-256 (what torchvision checks), and the torch hub folder it is kept in, so that files
 * PyTorch already downloaded are used as they are.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ZooWeights {
  url: string;
  /** The SHA-256 prefix torchvision publishes in the file name. */
  sha256: string;
}

const file = (name: string): ZooWeights => ({ url: `https://download.pytorch.org/models/${name}`, sha256: /-([0-9a-f]{8})\.pth$/.exec(name)![1] });

/** torchvision's IMAGENET1K_V1 weights by model name. */
export const ZOO_WEIGHTS: Record<string, ZooWeights> = {
  alexnet: file('alexnet-owt-7be5be79.pth'),
  vgg11: file('vgg11-8a719046.pth'),
  vgg16: file('vgg16-397923af.pth'),
  vgg16_bn: file('vgg16_bn-6c64b313.pth'),
  resnet18: file('resnet18-f37072fd.pth'),
  resnet34: file('resnet34-b627a593.pth'),
  resnet50: file('resnet50-0676ba61.pth'),
  mobilenet_v2: file('mobilenet_v2-b0353104.pth'),
  mobilenet_v3_small: file('mobilenet_v3_small-047dcff4.pth'),
  efficientnet_b0: file('efficientnet_b0_rwightman-3dd342df.pth'),
  googlenet: file('googlenet-1378be20.pth'),
};

/** torch hub's checkpoint folder ($TORCH_HOME/hub/checkpoints, default ~/.cache/torch/hub/checkpoints). */
export function weightsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const torchHome = env.TORCH_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'torch');
  return join(torchHome, 'hub', 'checkpoints');
}
