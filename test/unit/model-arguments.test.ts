/**
 * Layer arguments end to end: resolved values (divisor_override), bounds as the catalog states them (scale_factor > 0),
 * rejected values that cause no follow-on errors, torch's own refusals (align_corners with nearest, oversized padding),
 * and the types hovers show.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel, boundsText, LAYER_CATALOG, type Diagnostic, type Pool2dArgs } from '../../src/model';

const model = (input: string, ...layers: string[]) => analyzeModel(`input: ${input}\nlayers:\n${layers.map((l) => `  - ${l}\n`).join('')}`);
const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.range.start.line}:${d.severity}:${d.code}`);
const argOf = (type: keyof typeof LAYER_CATALOG, name: string) => {
  const a = LAYER_CATALOG[type].args.find((x) => x.name === name);
  assert.ok(a, `${type}.${name}`);
  return a;
};

/** The text a diagnostic underlines. */
function underlined(text: string, d: Diagnostic): string {
  assert.equal(d.range.start.line, d.range.end.line);
  return text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character);
}

describe('AvgPool2d divisor_override', () => {
  it('is resolved into Pool2dArgs (null when not given, and for MaxPool2d)', () => {
    const a = model('[3, 8, 8]', 'AvgPool2d(2, divisor_override=3)', 'AvgPool2d(2)', 'MaxPool2d(2)');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.layers.map((l) => (l.args as Pool2dArgs).divisor_override), [3, null, null]);
    assert.equal(a.layers[0].text, 'AvgPool2d(kernel_size=2, divisor_override=3)');
  });

  it('0 is refused, as torch refuses it ("divisor must be not zero")', () => {
    const text = 'input: [3, 8, 8]\nlayers:\n  - AvgPool2d(2, divisor_override=0)\n';
    const [d] = analyzeModel(text).diagnostics;
    assert.equal(d.code, 'bad-argument');
    assert.equal(underlined(text, d), '0');
  });
});

describe('Upsample scale_factor: the catalog states the strict bound', () => {
  it('the catalog says > 0, and messages and docs read it from there', () => {
    const scale = argOf('Upsample', 'scale_factor');
    assert.equal(scale.exclusiveMin, 0);
    assert.equal(scale.min, undefined);
    assert.equal(boundsText(scale), '> 0');
    assert.equal(boundsText(argOf('BatchNorm2d', 'momentum')), 'between 0 and 1');
    assert.equal(boundsText(argOf('Conv2d', 'stride')), '≥ 1');
  });

  it('scale_factor=0.0 gives one bad-argument on the value and no follow-on error', () => {
    const text = 'input: [8, 7, 7]\nlayers:\n  - Upsample(scale_factor=0.0)\n  - Flatten()\n  - Linear(784, 10)\n';
    const diagnostics = analyzeModel(text).diagnostics;
    assert.deepEqual(codes(diagnostics), ['2:error:bad-argument']);
    assert.equal(diagnostics[0].message, 'Upsample: scale_factor must be a number > 0 or a pair (h, w) of them, got 0');
    assert.equal(underlined(text, diagnostics[0]), '0.0');
  });

  it('a positive fractional scale is accepted', () => {
    assert.deepEqual(model('[8, 7, 7]', 'Upsample(scale_factor=0.5)').layers[0].outputShape, [8, 3, 3]);
  });
});

describe('a rejected argument never falls back to its default', () => {
  it('stride=-1 does not resolve the layer with stride 1, so the later Linear is not blamed', () => {
    // With the default stride 1 the Flatten would give 8·26·26 and Linear(10, 2) would be an in-features-mismatch.
    const a = model('[1, 28, 28]', 'Conv2d(1, 8, 3, stride=-1)', 'Flatten()', 'Linear(10, 2)');
    assert.deepEqual(codes(a.diagnostics), ['2:error:bad-argument']);
    assert.deepEqual(a.layers.map((l) => l.outputShape), [[], [], []], 'shapes after the rejected layer are unknown');
  });

  it('a mapping-form value that is not a Python literal is reported once, without missing-argument or shape errors', () => {
    const required = model('[1, 28, 28]', 'conv2d: {out_channels: 8, kernel_size: {size: 3}}');
    assert.deepEqual(codes(required.diagnostics), ['2:error:bad-argument-type']);
    const optional = model('[1, 28, 28]', 'conv2d: {out_channels: 8, kernel_size: 3, stride: {h: 2}}', 'Flatten()', 'Linear(10, 2)');
    assert.deepEqual(codes(optional.diagnostics), ['2:error:bad-argument-type']);
  });

  it('a misspelt keyword is one error with its fix, not also a missing argument, and later shapes are unknown', () => {
    const text = 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 8, kernal_size=3)\n  - Flatten()\n  - Linear(10, 2)\n';
    const a = analyzeModel(text);
    assert.deepEqual(codes(a.diagnostics), ['2:error:unknown-argument']);
    assert.equal(a.diagnostics[0].fixes?.[0].newText, 'kernel_size');
    assert.deepEqual(a.layers.map((l) => l.outputShape), [[], [], []]);
    // Surplus positional arguments: torch raises TypeError, so the layer is not resolved either.
    assert.deepEqual(codes(model('[1, 28, 28]', 'Conv2d(1, 8, 3, 1, 0, 1, 1, True, "zeros", 5)', 'Flatten()', 'Linear(5, 2)').diagnostics), ['2:error:too-many-arguments']);
  });
});

describe("Upsample align_corners needs an interpolating mode, as in torch", () => {
  for (const value of ['True', 'False']) {
    it(`mode='nearest' with align_corners=${value} is an error on align_corners`, () => {
      const text = `input: [8, 7, 7]\nlayers:\n  - Upsample(scale_factor=2, mode='nearest', align_corners=${value})\n  - Flatten()\n  - Linear(392, 2)\n`;
      const diagnostics = analyzeModel(text).diagnostics;
      assert.deepEqual(codes(diagnostics), ['2:error:bad-align-corners']);
      assert.equal(underlined(text, diagnostics[0]), value);
    });
  }

  it("mode='bilinear' with align_corners=True, and nearest with None, are fine", () => {
    assert.deepEqual(model('[8, 7, 7]', "Upsample(scale_factor=2, mode='bilinear', align_corners=True)").diagnostics, []);
    assert.deepEqual(model('[8, 7, 7]', 'Upsample(scale_factor=2, align_corners=None)').diagnostics, []);
  });
});

describe('types shown in hovers and docs', () => {
  it('pooling stride defaults to None, and its type says so', () => {
    for (const type of ['MaxPool2d', 'AvgPool2d'] as const) {
      const stride = argOf(type, 'stride');
      assert.equal(stride.default, null);
      assert.equal(stride.pyType, 'int | tuple[int, int] | None');
    }
    assert.equal(argOf('Conv2d', 'stride').pyType, 'int | tuple[int, int]');
  });
});

describe('padding too large: one code for convolutions and pooling', () => {
  it('MaxPool2d padding above half the kernel and reflect padding over the input both give padding-too-large', () => {
    const text = "input: [1, 3, 3]\nlayers:\n  - Conv2d(1, 2, 3, padding=3, padding_mode='reflect')\n";
    const conv = analyzeModel(text).diagnostics;
    assert.deepEqual(codes(conv), ['2:error:padding-too-large']);
    assert.equal(underlined(text, conv[0]), '3');
    const pool = model('[1, 8, 8]', 'MaxPool2d(2, padding=2)').diagnostics;
    assert.deepEqual(codes(pool), ['2:error:padding-too-large']);
  });
});
