/**
 * PyTorch code pasted from a course: arithmetic in arguments, the nn. prefix, nn.Sequential blocks, forward()
 * lines (F.relu, F.max_pool2d, view / flatten), Keras input order and unsupported torch.nn layers. Each is read as
 * what it means, and its quick fix (through the editor's code actions) gives a clean file with the same shapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeActionsAt } from '../../src/language/codeActions';
import { analyzeModel } from '../../src/model';
import { parseCall } from '../../src/model/parse/pyCall';
import { analyse, applyEdits, positionOf, type LoadedModel } from '../fixtures/language/load';

const shapes = (m: LoadedModel) => m.analysis.layers.map((l) => `${l.type} ${l.outputShape.join('x')} ${l.params}`);

/** Applies the quick fix of the diagnostic `code` found at `needle`, as the editor's light bulb would. */
function fixAt(m: LoadedModel, needle: string, code: string): LoadedModel {
  const pos = positionOf(m.text, needle, 1);
  const action = codeActionsAt(m.analysis, m.src, { start: pos, end: pos }).find((a) => a.diagnostic?.code === code);
  assert.ok(action, `a ${code} fix at ${needle}`);
  return analyse(applyEdits(m.text, action.edits));
}

describe('arithmetic in arguments', () => {
  const value = (src: string) => parseCall(`L(${src})`).call?.args[0].value;
  it('evaluates * ** // % + - with Python precedence', () => {
    assert.equal(value('32*4*4'), 512);
    assert.equal(value('16 * 5 * 5'), 400);
    assert.equal(value('2**4'), 16);
    assert.equal(value('2**3**2'), 512);
    assert.equal(value('-2**2'), -4);
    assert.equal(value('28 // 2 // 2'), 7);
    assert.equal(value('-7 // 2'), -4);
    assert.equal(value('7 % 3'), 1);
    assert.equal(value('(3 + 1) * 2'), 8);
    assert.equal(value('1 + 2 * 3'), 7);
    assert.deepEqual(value('(2*2, 3)'), [4, 3]);
    assert.equal(value('1/4'), 0.25);
  });

  it('reports division by zero and arithmetic on non-numbers at the operator', () => {
    assert.deepEqual(parseCall('L(4 // 0)').error, { message: 'Division by zero', span: { start: 4, end: 6 } });
    assert.match(parseCall("L('a' * 2)").error?.message ?? '', /needs numbers on both sides/);
  });

  it("the course's layers analyse with the values torch computes", () => {
    const a = analyzeModel('input: [3, 32, 32]\nlayers:\n  - nn.Conv2d(3, 2**4, 5)\n  - nn.MaxPool2d(2)\n  - Flatten()\n  - Linear(16 * 14 * 14, 120)\n  - Linear(120, 84 // 2)\n');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.layers.map((l) => l.outputShape), [[16, 28, 28], [16, 14, 14], [3136], [120], [42]]);
    assert.equal(a.layers[3].params, 3136 * 120 + 120);
  });
});

describe('arithmetic in mapping-form arguments', () => {
  it('{in_features: 32*4*4, out_features: 10} is Linear(32*4*4, 10), in lists and positional values too', () => {
    const call = analyzeModel('input: [32, 4, 4]\nlayers:\n  - Conv2d(32, 2**4, 3, padding=1)\n  - Flatten()\n  - Linear(16*4*4, 10)\n');
    const mapping = analyzeModel('input: [32, 4, 4]\nlayers:\n  - conv2d: {out_channels: 2**4, kernel_size: [3, 6 // 2], padding: (4 - 2) % 3 - 1}\n  - Flatten\n  - linear: {in_features: 16*4*4, out_features: 10}\n');
    assert.deepEqual(mapping.diagnostics, []);
    assert.deepEqual(mapping.layers.map((l) => [l.outputShape, l.params]), call.layers.map((l) => [l.outputShape, l.params]));
    assert.deepEqual(analyzeModel('input: [1, 8, 8]\nlayers:\n  - maxpool2d: 2 * 2\n').layers[0].outputShape, [1, 2, 2], 'a single value is the first positional argument');
  });

  it('leaves quoted text and words alone, and names a broken expression', () => {
    const quoted = analyzeModel("input: [512]\nlayers:\n  - linear: {in_features: '32*4*4', out_features: 10}\n");
    assert.match(quoted.diagnostics.map((d) => d.message).join('\n'), /in_features must be an integer ≥ 1, got '32\*4\*4'/);
    const broken = analyzeModel('input: [512]\nlayers:\n  - linear: {in_features: 32 // 0, out_features: 10}\n');
    assert.match(broken.diagnostics.map((d) => d.message).join('\n'), /in_features: 32 \/\/ 0: Division by zero/);
    assert.deepEqual(analyzeModel("input: [1, 8, 8]\nlayers:\n  - conv2d: {out_channels: 4, kernel_size: 3, padding: same}\n").diagnostics, []);
  });
});

describe('forward() habits become the layers they stand for', () => {
  const course = 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 16, 5)\n  - F.relu(x)\n  - F.max_pool2d(x, 2)\n  - x.view(-1, 16 * 12 * 12)\n  - Linear(2304, 10)\n';
  const clean = 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 16, 5)\n  - ReLU()\n  - MaxPool2d(2)\n  - Flatten()\n  - Linear(2304, 10)\n';

  it('are read as ReLU, MaxPool2d(2) and Flatten, so shapes and parameters match the clean file', () => {
    const m = analyse(course);
    assert.deepEqual(m.analysis.diagnostics.map((d) => d.code), ['python-habit', 'python-habit', 'python-habit']);
    assert.deepEqual(shapes(m), shapes(analyse(clean)));
    assert.equal(m.analysis.diagnostics[0].message, 'F.relu is the functional form of ReLU: a model file lists layers, so write ReLU()');
    assert.match(m.analysis.diagnostics[2].message, /x\.view\(…\) reshapes the feature maps .* Flatten\(\) does this/);
  });

  it('each quick fix writes the layer; all three give the clean file', () => {
    let m = analyse(course);
    m = fixAt(m, 'F.relu', 'python-habit');
    m = fixAt(m, 'F.max_pool2d', 'python-habit');
    m = fixAt(m, 'x.view', 'python-habit');
    assert.equal(m.text, clean);
    assert.deepEqual(m.analysis.diagnostics, []);
  });

  it('x.view(x.size(0), -1), torch.flatten(x, 1), x.flatten(1) and x = … assignments', () => {
    for (const line of ['x.view(x.size(0), -1)', 'torch.flatten(x, 1)', 'x = torch.flatten(x, 1)', 'x.flatten(1)', 'out = out.reshape(out.size(0), -1)']) {
      const m = analyse(`input: [2, 4, 4]\nlayers:\n  - ${line}\n  - Linear(32, 10)\n`);
      assert.deepEqual(m.analysis.layers.map((l) => l.type), ['Flatten', 'Linear'], line);
      assert.equal(fixAt(m, line.slice(0, 3), 'python-habit').text, 'input: [2, 4, 4]\nlayers:\n  - Flatten()\n  - Linear(32, 10)\n', line);
    }
  });

  it('keeps the functional arguments the module takes and drops the tensor and training=', () => {
    const m = analyse('input: [4, 8, 8]\nlayers:\n  - x = F.relu(self.conv1(x), inplace=True)\n  - F.dropout(x, p=0.25, training=self.training)\n  - F.avg_pool2d(x, kernel_size=2, stride=2)\n');
    assert.deepEqual(m.analysis.layers.map((l) => l.text), ['ReLU(inplace=True)', 'Dropout(p=0.25)', 'AvgPool2d(kernel_size=2, stride=2)']);
  });
});

describe('forward() merges become concat / add / multiply', () => {
  const unet = (merge: string) => `input: [1, 8, 8]\nlayers:\n  - skip = Conv2d(1, 4, 3, padding=1)\n  - MaxPool2d(2)\n  - Conv2d(4, 4, 3, padding=1)\n  - up = Upsample(scale_factor=2)\n  - ${merge}\n  - Conv2d(8, 2, 1)(x)\n`;
  const merges = (m: LoadedModel) => m.analysis.graph.flatMap((n) => (n.kind === 'merge' ? [`${n.merge.op}(${n.merge.inputs.map((i) => i.name).join(', ')}) ${n.merge.outputShape.join('x')}`] : []));

  it('torch.cat([up, skip], dim=1) is read as concat(up, skip), and its fix writes that', () => {
    const m = analyse(unet('x = torch.cat([up, skip], dim=1)'));
    assert.deepEqual(m.analysis.diagnostics.map((d) => [d.code, d.severity, d.message]), [
      ['python-habit', 'warning', "torch.cat(…) is PyTorch's forward(): a model file merges named outputs with concat(…), so write x = concat(up, skip)"],
    ]);
    const clean = analyse(unet('x = concat(up, skip)'));
    assert.deepEqual(merges(m), ['concat(up, skip) 8x8x8']);
    assert.deepEqual(shapes(m), shapes(clean));
    const fixed = fixAt(m, 'torch.cat', 'python-habit');
    assert.equal(fixed.text, clean.text);
    assert.deepEqual(fixed.analysis.diagnostics, []);
  });

  it('tuples, positional or negative dims, torch.concat; torch.add, x + y, +=, torch.mul and a * b', () => {
    const cases: Array<[string, string]> = [
      ['x = torch.cat((up, skip), 1)', 'x = concat(up, skip)'],
      ['x = torch.concat([up, skip], dim=-3)', 'x = concat(up, skip)'],
      ['x = torch.add(up, skip)', 'x = add(up, skip)'],
      ['x = up + skip', 'x = add(up, skip)'],
      ['x = torch.mul(up, skip)', 'x = multiply(up, skip)'],
      ['x = up * skip', 'x = multiply(up, skip)'],
    ];
    for (const [pasted, written] of cases) {
      // add and multiply keep 4 channels, concat makes 8.
      const model = (merge: string) => (pasted.includes('cat') ? unet(merge) : unet(merge).replace('Conv2d(8, 2, 1)(x)', 'Conv2d(4, 2, 1)(x)'));
      const m = analyse(model(pasted));
      assert.deepEqual(m.analysis.diagnostics.map((d) => d.code), ['python-habit'], pasted);
      assert.equal(fixAt(m, pasted.slice(4, 9), 'python-habit').text, model(written), pasted);
      assert.deepEqual(merges(m), merges(analyse(model(written))), pasted);
    }
    // out += identity: the residual sum, under the name it had.
    const residual = analyse('input: [2, 4, 4]\nlayers:\n  - identity = ReLU()\n  - out = Conv2d(2, 2, 3, padding=1)\n  - out += identity\n  - Flatten()(out)\n');
    assert.equal(fixAt(residual, '+=', 'python-habit').text, 'input: [2, 4, 4]\nlayers:\n  - identity = ReLU()\n  - out = Conv2d(2, 2, 3, padding=1)\n  - out = add(out, identity)\n  - Flatten()(out)\n');
  });

  it('torch.cat along the batch (no dim) or the height is an error naming the dim, without a fix', () => {
    for (const [pasted, why] of [['x = torch.cat([up, skip])', /dim=0, the batch \(torch.cat's default\)/], ['x = torch.cat([up, skip], dim=2)', /along dim=2: a model file's concat joins channels \(dim=1\) only/]] as const) {
      const m = analyse(unet(pasted));
      const d = m.analysis.diagnostics.find((x) => x.code === 'bad-merge');
      assert.ok(d && d.severity === 'error', pasted);
      assert.match(d.message, why);
      assert.equal(d.fixes, undefined);
    }
  });

  it('a typo in a pasted torch.cat is underlined where it is written, with the did-you-mean fix', () => {
    const m = analyse(unet('x = torch.cat([up, skp], dim=1)'));
    const d = m.analysis.diagnostics.find((x) => x.code === 'unknown-output');
    assert.ok(d);
    assert.deepEqual(d.range.start, positionOf(m.text, 'skp]'));
    assert.deepEqual(d.range.end, positionOf(m.text, 'skp]', 3));
  });
});

describe('a pasted nn.Sequential block', () => {
  const pasted = 'input: [1, 28, 28]\nlayers:\n  - nn.Sequential(\n      nn.Conv2d(1, 32, 3),\n      nn.ReLU(),\n      nn.MaxPool2d(2),\n    )\n  - Flatten()\n  - Linear(32 * 13 * 13, 10)\n';
  const listed = 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 32, 3)\n  - ReLU()\n  - MaxPool2d(2)\n  - Flatten()\n  - Linear(32 * 13 * 13, 10)\n';

  it('is read as its layers, with one warning on nn.Sequential', () => {
    const m = analyse(pasted);
    assert.deepEqual(m.analysis.diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`), ['nn-sequential 2:4']);
    assert.deepEqual(shapes(m), shapes(analyse(listed)));
  });

  it('its quick fix turns it into layers: items', () => {
    const fixed = fixAt(analyse(pasted), 'nn.Sequential', 'nn-sequential');
    assert.equal(fixed.text, listed);
    assert.deepEqual(fixed.analysis.diagnostics, []);
  });

  it('as the value of layers: itself', () => {
    const m = analyse('input: [1, 28, 28]\nlayers: nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU())\n');
    assert.deepEqual(m.analysis.layers.map((l) => l.type), ['Conv2d', 'ReLU']);
    assert.equal(fixAt(m, 'nn.Sequential', 'nn-sequential').text, 'input: [1, 28, 28]\nlayers: \n  - Conv2d(1, 8, 3)\n  - ReLU()\n');
  });
});

describe('input order and unsupported layers', () => {
  it('[28, 28, 1] is Keras order: the fix writes [1, 28, 28]', () => {
    const m = analyse('input: [28, 28, 1]\nlayers:\n  - Conv2d(1, 8, 3)\n');
    const d = m.analysis.diagnostics.find((x) => x.code === 'input-order');
    assert.match(d?.message ?? '', /PyTorch order is \[C, H, W\]: \[1, 28, 28\]/);
    const fixed = fixAt(m, '[28', 'input-order');
    assert.equal(fixed.text, 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 8, 3)\n');
    assert.deepEqual(fixed.analysis.diagnostics, []);
    assert.deepEqual(analyzeModel('input: [3, 32, 32]\nlayers:\n  - ReLU()\n').diagnostics, []);
  });

  it('a torch.nn layer CNN Lab lacks is "not supported", without a did-you-mean', () => {
    const [d] = analyzeModel('input: [1, 28, 28]\nlayers:\n  - nn.Conv1d(1, 8, 3)\n').diagnostics;
    assert.equal(d.code, 'unsupported-layer');
    assert.match(d.message, /Conv1d is a PyTorch layer that CNN Lab does not support/);
    assert.equal(d.fixes, undefined);
  });
});
