/**
 * `--format pytorch`: a folder a PyTorch user can keep: model.py (the nn.Module), weights.pth (its state_dict,
 * written by us), predict.py (our test preprocessing), train.py (the model file's recipe, one process or torchrun)
 * and requirements.txt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportError, type ExportFormat } from '../format';
import type { ExportSource } from '../source';
import { modelPy } from './modelPy';
import { torchStateDict } from './stateDict';
import { torchSave } from './torchSave';

export const pytorchFormat: ExportFormat = {
  name: 'pytorch',
  summary: 'model.py (nn.Module), weights.pth (state_dict), predict.py, train.py (torchrun-ready), requirements.txt',
  out: 'folder',
  async write(source: ExportSource, out: string) {
    if (source.analysis.input.length !== 3) throw new ExportError(`--format pytorch needs an image input [C, H, W]; this model's input is [${source.analysis.input}]`);
    mkdirSync(out, { recursive: true });
    const files: Array<[string, string | Buffer]> = [
      ['model.py', modelPy(source.analysis, source.classes, `${source.analysis.name}.cnn.yaml`)],
      ['weights.pth', torchSave(torchStateDict(source.analysis, source.weights))],
      ['model.cnn.yaml', source.modelText],
    ];
    for (const [name, content] of files) writeFileSync(join(out, name), content);
    return { files: files.map(([name]) => join(out, name)), notes: [] };
  },
};
