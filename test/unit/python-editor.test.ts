/** The editor's view of PyTorch code (pure parts): hovers, inlay hints, "Open as CNN Lab model", the analysis cache. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { PythonAnalyses } from '../../src/language/python/pythonAnalyses';
import { pythonHoverAt } from '../../src/language/python/pythonHover';
import { pythonInlayHints } from '../../src/language/python/pythonInlayHints';
import { SourceText } from '../../src/model/parse/sourceText';
import { analyzePython, type PythonAnalysis } from '../../src/python/analyzePython';
import { loadPythonParser } from '../../src/python/parser';
import { toModelFile } from '../../src/python/toModelFile';
import { pytorchFromModelFile } from '../../src/python/fromModelFile';
import { analyzeFixture, CORPUS, FIXTURES, LENET } from './python-fixtures';

const lenetText = readFileSync(join(FIXTURES, LENET), 'utf8');
const lenetLines = lenetText.split('\n');
/** The position of the first `needle` on the line that contains `lineMarker`. */
function at(marker: string, needle = marker, lines = lenetLines) {
  const line = lines.findIndex((l) => l.includes(marker));
  return { line, character: lines[line].indexOf(needle) + 1 };
}

let lenet: PythonAnalysis;
before(async () => {
  lenet = await analyzeFixture({ file: LENET, torch: [] });
});

describe('hover in PyTorch code', () => {
  it('on a Conv2d definition: the shapes, the worked formula and the parameters, as in a model file', () => {
    const hover = pythonHoverAt(lenet, at('self.conv1 = nn.Conv2d', 'Conv2d'))!;
    assert.match(hover.markdown, /CNN Lab · LeNet · input `1×32×32` from the `# cnnlab: input` comment/);
    assert.match(hover.markdown, /\*\*Shape\*\* `1×32×32` → `6×28×28`/);
    assert.match(hover.markdown, /H: ⌊\(32 [^⌋]*5[^⌋]*⌋ \+ 1 = 28/);
    assert.match(hover.markdown, /6·\(1·5² \+ 1\) = 156/);
  });

  it('on a call in forward: the layer it applies; on a functional call: that layer', () => {
    assert.match(pythonHoverAt(lenet, at('x = F.max_pool2d(F.relu(self.conv2', 'conv2'))!.markdown, /`6×14×14` → `16×10×10`/);
    assert.match(pythonHoverAt(lenet, at('x = F.max_pool2d(F.relu(self.conv2', 'max_pool2d'))!.markdown, /\*\*MaxPool2d\*\*[\s\S]*`16×10×10` → `16×5×5`/);
    assert.match(pythonHoverAt(lenet, at('torch.flatten(x, 1)', 'flatten'))!.markdown, /\*\*Flatten\*\*[\s\S]*`16×5×5` → `400`/);
  });

  it('on the class name: input, output and parameters; nothing outside the models', () => {
    assert.match(pythonHoverAt(lenet, at('class LeNet', 'LeNet'))!.markdown, /\*\*LeNet\*\* `1×32×32` → `10`[\s\S]*61,706 parameters/);
    assert.equal(pythonHoverAt(lenet, at('NUM_CLASSES = 10')), undefined);
  });

  it('on a skip connection: the merge, its inputs and formula', async () => {
    const resnet = await analyzeFixture({ file: 'resnet_block.py', torch: [] });
    const lines = readFileSync(join(FIXTURES, 'resnet_block.py'), 'utf8').split('\n');
    const hover = pythonHoverAt(resnet, at('out += self.shortcut(x)', '+=', lines))!;
    assert.match(hover.markdown, /\*\*add\(out, \w+\)\*\* → `16×32×32`/);
    assert.match(hover.markdown, /\[16, 32, 32\] \(out\) \+ \[16, 32, 32\]/);
    const unet = await analyzeFixture({ file: 'unet_fragments.py', torch: [] });
    const uLines = readFileSync(join(FIXTURES, 'unet_fragments.py'), 'utf8').split('\n');
    assert.match(pythonHoverAt(unet, at('y = torch.cat((y, skip), 1)', 'cat', uLines))!.markdown, /\*\*concat\(y, input\)\*\* → `12×32×32`[\s\S]*C: 4 \(y\) \+ 8 \(input\) = 12/);
  });
});

describe('inlay hints in PyTorch code', () => {
  it('after each layer definition and each forward line', () => {
    const hints = pythonInlayHints(lenet, new SourceText(lenetText)).map((h) => `${h.position.line + 1}: ${h.label}`);
    assert.deepEqual(hints, [
      '12: → 6×28×28 · 156 params', '13: → 16×10×10 · 2,416 params', '14: → 120 · 48,120 params', '15: → 84 · 10,164 params', '16: → 10 · 850 params',
      '19: → 6×14×14', '20: → 16×5×5', '21: → 400', '22: → 120', '23: → 84', '24: → 10',
    ]);
    const hint = pythonInlayHints(lenet, new SourceText(lenetText))[0];
    assert.equal(hint.position.character, lenetLines[11].length, 'at the end of the line');
  });
});

describe('Open as CNN Lab model', () => {
  for (const c of CORPUS) {
    it(`${c.file}: the model file analyses to the same shapes and parameters`, async () => {
      const analysis = await analyzeFixture(c);
      for (const name of c.torch) {
        const model = analysis.models.find((m) => m.definition.name === name)!;
        const result = toModelFile(model, c.file);
        assert.ok('text' in result, `${name}: ${'error' in result ? result.error : ''}`);
        const yaml = analyzeModel(result.text);
        assert.deepEqual(yaml.diagnostics.filter((d) => d.severity !== 'info'), [], `${name}:\n${result.text}`);
        assert.deepEqual(yaml.layers.map((l) => l.outputShape), model.analysis!.layers.map((l) => l.outputShape));
        assert.equal(yaml.totals.params, model.analysis!.totals.params);
      }
    });
  }

  it('refuses a model with errors or one not followed to its end, saying why', async () => {
    const mistakes = await analyzeFixture({ file: 'mistakes.py', torch: [] });
    const result = (name: string) => toModelFile(mistakes.models.find((m) => m.definition.name === name)!, 'mistakes.py');
    assert.deepEqual(result('WrongFc'), { error: 'WrongFc has errors: fix them first (see the Problems view)' });
    assert.match((result('Looping') as { error: string }).error, /could not follow the whole forward/);
    assert.match((result('BadComment') as { error: string }).error, /no input shape yet/);
  });

  it('a notebook model trained on a dataset CNN Lab has gets its data section', async () => {
    const nb = await analyzeFixture({ file: 'fashion_notebook.ipynb', torch: [] });
    const result = toModelFile(nb.models.find((m) => m.definition.name === 'Net')!, 'fashion_notebook.ipynb');
    assert.match((result as { text: string }).text, /^name: net\ninput: \[1, 28, 28\]\nlayers:\n {2}- Conv2d\(1, 16, kernel_size=3, padding=1\)$/m);
    assert.match((result as { text: string }).text, /\ndata: \{dataset: fashion-mnist\}\n$/);
  });
});

describe('Copy as PyTorch', () => {
  // zoo/: nested nn.ModuleDict / nn.Sequential modules named as torchvision names them.
  for (const file of ['lenet5.cnn.yaml', 'resnet-mini.cnn.yaml', 'inception-shapes.cnn.yaml', 'vgg16.cnn.yaml', 'zoo/resnet18.cnn.yaml', 'zoo/googlenet.cnn.yaml']) {
    it(`examples/${file}: the code, read back as PyTorch, has the model file's shapes and parameters`, async () => {
      const model = analyzeModel(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'));
      const py = pytorchFromModelFile(model, file);
      const parser = await loadPythonParser();
      const back = analyzePython({ text: py, tree: parser.parse(py).rootNode }).models.find((m) => m.definition.name === 'Model')!;
      assert.deepEqual(back.input?.shape, model.input);
      // model.py runs a residual block's projection before its body; the model file lists the body first.
      const layers = (list: typeof model.layers) => list.map((l) => `${l.type} → ${l.outputShape.join('×')}`).sort();
      assert.deepEqual(layers(back.analysis!.layers), layers(model.layers));
      assert.deepEqual(back.analysis!.outputShape, model.outputShape);
      assert.equal(back.analysis!.totals.params, model.totals.params);
    });
  }
});

describe('the analysis cache of open Python documents', () => {
  it('does not load the parser for Python that cannot define a model; reuses the analysis of a version', async () => {
    let loads = 0;
    const parser = await loadPythonParser();
    const cache = new PythonAnalyses(async () => {
      loads++;
      return parser;
    }, (e) => assert.fail(String(e)));
    const plain = await cache.get({ key: 'a', version: 1, text: 'print("hello")\n' });
    assert.deepEqual(plain?.analysis.models, []);
    assert.equal(loads, 0);
    const first = await cache.get({ key: 'b', version: 1, text: lenetText });
    assert.equal(await cache.get({ key: 'b', version: 1, text: lenetText }), first);
    assert.notEqual(await cache.get({ key: 'b', version: 2, text: lenetText }), first);
    cache.dispose();
  });
});
