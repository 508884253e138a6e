/**
 * `--format pytorch`: a folder a PyTorch user can keep: model.py (the nn.Module), weights.pth (its state_dict,
 * written by us), predict.py (our test preprocessing), train.py (the model file's recipe, one process or torchrun;
 * start.pth: the model file's starting weights) and requirements.txt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportError, type ExportFormat } from '../format';
import type { ExportSource } from '../source';
import { modelPy } from './modelPy';
import { preprocessingPy } from './preprocessingPy';
import { DATASETS_PY } from './datasetsPy';
import { IMAGE_SET_PY } from './imageSetPy';
import { PY_TRAIN_TASKS, trainPyUnsupported } from './tasks/registry';
import { RUN_FOLDER_PY } from './runFolderPy';
import { exportStartingWeights } from './startingWeights';
import { PREDICT_PY, README_MD, REQUIREMENTS_TXT } from './scriptsPy';
import { exportTrainingData } from './trainingData';
import { trainPy } from './trainPy';
import { torchStateDict } from './stateDict';
import { torchSave } from './torchSave';

export const pytorchFormat: ExportFormat = {
  name: 'pytorch',
  summary: 'model.py (nn.Module), weights.pth (state_dict), predict.py, train.py (torchrun-ready), requirements.txt',
  out: 'folder',
  async write(source: ExportSource, out: string) {
    if (source.analysis.input.length !== 3) throw new ExportError(`--format pytorch needs an image input [C, H, W]; this model's input is [${source.analysis.input}]`);
    mkdirSync(out, { recursive: true });
    const data = exportTrainingData(source.analysis, source.runDir, source.config, out);
    const start = exportStartingWeights(source.analysis, source.config, out);
    // A recipe train.py cannot reproduce still exports the model (predict.py works); train.py then says why it refuses.
    const unsupported = trainPyUnsupported(source.analysis) ?? start.problem ?? null;
    const recipe = { analysis: source.analysis, classes: source.classes, dataPath: data.dataPath, maxTrainSamples: null, unsupported, startWeights: start.file };
    const files: Array<[string, string | Buffer]> = [
      ['model.py', modelPy(source.analysis, source.classes, 'model.cnn.yaml')],
      // Without a checkpoint (a model file about to be trained with PyTorch) there are no weights to write.
      ...(source.weights.length > 0 ? [['weights.pth', torchSave(torchStateDict(source.analysis, source.weights))] as [string, Buffer]] : []),
      ['preprocessing.py', preprocessingPy(source.analysis.pipeline, source.analysis.input)],
      ['predict.py', PREDICT_PY],
      ['train.py', trainPy(recipe)],
      ['task.py', PY_TRAIN_TASKS[source.analysis.task].source],
      ...Object.entries(PY_TRAIN_TASKS[source.analysis.task].modules ?? {}),
      ['imageset.py', IMAGE_SET_PY],
      ['datasets.py', DATASETS_PY],
      ['cnnlab_run.py', RUN_FOLDER_PY],
      ['requirements.txt', REQUIREMENTS_TXT],
      ['README.md', README_MD],
      ['model.cnn.yaml', source.modelText],
    ];
    for (const [name, content] of files) writeFileSync(join(out, name), content);
    const notes = [`predict: python3 ${join(out, 'predict.py')} IMAGE [--top-k K] [--json] [--out FILE.png]`, `train:   torchrun --redirects 1 --tee 1 --nproc_per_node=2 ${join(out, 'train.py')} --out runs   (see ${join(out, 'README.md')})`];
    if (unsupported) notes.push(unsupported);
    if (data.dataPath === null) notes.push(`train.py does not know where the ${source.analysis.data.dataset} data is: pass --data FOLDER`);
    return { files: [...files.map(([name]) => join(out, name)), ...(start.file ? [join(out, start.file)] : []), ...data.files], notes, open: join(out, 'README.md') };
  },
};
