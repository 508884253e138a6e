/**
 * DIAGNOSTIC_CODES: every code the model core reports, with its severities and a one-line meaning in a learner's
 * words. DiagnosticSink only accepts these codes (checked by the compiler), the reference docs list them, and
 * test/unit/docs.test.ts scans src/model to check the severities match what the checks report.
 */
import type { Severity } from './types';

export interface DiagnosticCodeDoc {
  /** Every severity the core reports this code with. */
  severities: readonly Severity[];
  meaning: string;
}

const doc = (severities: Severity[], meaning: string): DiagnosticCodeDoc => ({ severities, meaning });

/** In reading order: the file, the layer list, arguments, shapes, blocks, settings, the model as a whole. */
export const DIAGNOSTIC_CODES = {
  'yaml-syntax': doc(['error'], 'The text is not valid YAML (bad indentation, an unclosed bracket, a duplicated key…).'),
  'yaml-warning': doc(['warning'], 'Valid YAML, but the YAML parser warns about something unusual in it.'),
  'not-a-model': doc(['error'], 'The file is not a YAML mapping: a model file needs at least `input:` and `layers:`.'),
  'missing-input': doc(['error'], 'There is no `input:` key.'),
  'missing-layers': doc(['error'], 'There is no `layers:` key.'),
  'no-layers': doc(['error'], '`layers:` is an empty list.'),
  'input-order': doc(['warning'], '`input` looks like Keras/TensorFlow order [H, W, C] (such as [28, 28, 1]); PyTorch order is [C, H, W]: a fix reorders it.'),
  'bad-input': doc(['error'], '`input` is not `[channels, height, width]` or `[features]` with positive integers.'),
  'unknown-task': doc(['error'], '`task` is not one of the tasks CNN Lab trains (classification, …); a "did you mean" fix is offered for typos.'),
  'bad-classes': doc(['error'], '`classes` is neither a list of names nor a number of classes.'),
  'duplicate-class': doc(['warning'], 'The same class name appears twice in `classes`.'),
  'unknown-key': doc(['error', 'warning'],
    'A key that does not belong where it is written, usually with a "did you mean" fix. An error in `data`, `train`, `repeat` and `residual`, and for near-misses of a top-level key (`trian:`); other unknown top-level keys are ignored with a warning.'),
  'layers-not-list': doc(['error'], '`layers` (or the `layers` of a block) is not a list of items starting with `- `.'),
  'bad-layer-item': doc(['error'], 'A list item is not a layer: for example a nested list, or a mapping with more than one key.'),
  'syntax': doc(['error'], 'The PyTorch call cannot be parsed: a missing parenthesis or comma, a name instead of a literal value, a positional argument after a keyword one…'),
  'bad-name': doc(['error'], 'An `as:` / `from:` value or an input of a merge is not a name like a Python variable (letters, digits and `_`), or a module name (`conv1: Conv2d(…)`) is not letters, digits and `_`, dotted.'),
  'bad-weights': doc(['error'], '`weights:` is neither a path nor `{file: path, strict: true|false}`.'),
  'weights-file': doc(['error'], 'The weight file `weights:` names cannot be read, or is not a plain state_dict of tensors.'),
  'weights-mismatch': doc(['error', 'warning'], 'The weight file lacks a layer\'s keys, holds keys the model does not have, or a shape differs: an error on the layer\'s line (on `weights:` for keys in excess); a warning with `strict: false`, which loads what matches.'),
  'weights-head': doc(['info'], 'The last layer with weights has another shape than in the weight file (a new number of classes): its old weights are skipped and it starts from its initialisation.'),
  'unknown-module': doc(['error'], 'A name in `train.freeze`, `train.lr_multipliers` or a stage\'s `freeze`/`unfreeze` is no layer\'s module name nor a block around one; a "did you mean" fix is offered for typos.'),
  'duplicate-module': doc(['error'], 'Two layers with weights get the same module name (`layer1.0.conv1`), so their parameters would share a state_dict key.'),
  'bad-merge': doc(['error'], '`concat` / `add` / `multiply` without a list of two or more named outputs, or with a `from:`; a pasted `torch.cat` along another dimension than the channels (dim=1).'),
  'unknown-output': doc(['error'], 'A name used in `from:` or a merge that no earlier item defines (a "did you mean" fix is offered for typos).'),
  'output-used-before-defined': doc(['error'], 'A name used before the item that defines it: a graph runs from top to bottom, so an item can only take earlier outputs (no cycles).'),
  'unused-output': doc(['warning'], 'A named output that nothing uses (before the name is given to another output, or by the end of the model).'),
  'merge-shape-mismatch': doc(['error'], 'The inputs of a merge do not fit: `concat` needs the same height and width, `add` / `multiply` the same shape (or 1 where they broadcast); the message shows each shape and the layer that made it.'),
  'unknown-layer': doc(['error'], 'No layer of that name (a "did you mean" fix is offered for typos).'),
  'unsupported-layer': doc(['error'], 'A real torch.nn layer (Conv1d, LSTM, LayerNorm…) that CNN Lab does not support: no "did you mean" for it.'),
  'nn-sequential': doc(['warning'], 'A pasted `nn.Sequential(...)` block: its layers are read, and a fix lists them under `layers:`, one per line.'),
  'python-habit': doc(['warning'], "A line of a PyTorch `forward()` (`F.relu(x)`, `F.max_pool2d(x, 2)`, `x.view(-1, 800)`, `torch.flatten(x, 1)`, `self.fc1 = …`, `torch.cat([up, skip], dim=1)`, `x + identity`): read as the layer or merge it stands for, with a fix that writes it (ReLU(), MaxPool2d(2), Flatten(), concat(up, skip), add(x, identity))."),
  'unknown-argument': doc(['error'], 'The layer has no argument of that name (typos get a "did you mean" fix).'),
  'too-many-arguments': doc(['error'], 'More positional arguments than the layer takes.'),
  'duplicate-argument': doc(['error'], 'The same argument is given twice (for example positionally and by keyword).'),
  'missing-argument': doc(['error'], 'A required argument is missing, such as `out_channels` or `kernel_size` of Conv2d.'),
  'bad-argument': doc(['error'], 'An argument has the wrong type or is out of range (a negative stride, `p=1.5`, an unknown padding_mode, an unsupported option…).'),
  'bad-argument-type': doc(['error'], 'In the mapping form, an argument value is a mapping; values must be numbers, strings, booleans or lists.'),
  'bad-input-rank': doc(['error'], 'The layer gets a tensor of the wrong rank, typically a Conv2d, pooling or BatchNorm2d placed after Flatten or Linear.'),
  'in-channels-mismatch': doc(['error'], '`in_channels` as written differs from the channels that arrive; the fix writes the right number (or leave it out: it is inferred).'),
  'num-features-mismatch': doc(['error'], '`num_features` of a BatchNorm differs from the channels or features that arrive.'),
  'in-features-mismatch': doc(['error'], '`in_features` of a Linear differs from what arrives; before a Flatten this usually means the Flatten is missing.'),
  'linear-needs-flatten': doc(['error'], 'A Linear whose in_features equals C·H·W of the incoming feature maps: a Flatten() is missing before it.'),
  'linear-on-3d': doc(['warning'], 'A Linear applied to feature maps acts on the last dimension (the width) only, which is rarely intended: insert Flatten().'),
  'size-vanishes': doc(['error'], 'The output height or width would be 0 or less: the kernel is larger than the (padded) input, or the feature maps were shrunk too often.'),
  'discarded-pixels': doc(['warning'], 'The stride does not fit the input size, so the last rows or columns are silently dropped (pad the input, or use ceil_mode for pooling).'),
  'bad-groups': doc(['error'], 'in_channels and out_channels are not both divisible by `groups`.'),
  'padding-too-large': doc(['error'], "Padding larger than the layer allows: pooling padding above half the (dilated) kernel size, or Conv2d padding_mode 'reflect' ('circular') with padding not smaller than (larger than) the input, which PyTorch refuses."),
  'same-needs-stride-1': doc(['error'], "padding='same' is only allowed with stride 1, as in PyTorch."),
  'bad-output-padding': doc(['error'], 'ConvTranspose2d: output_padding must be smaller than stride or dilation.'),
  'bad-flatten': doc(['error'], 'Flatten dimensions do not fit the tensor, or start_dim=0 would merge the batch into the features.'),
  'bad-unflatten': doc(['error'], 'Unflatten: `dim` is outside the tensor or the batch, or the product of `unflattened_size` differs from the size of that dimension.'),
  'bad-dim': doc(['error'], 'Softmax / LogSoftmax `dim` is outside the tensor, or 0 (the batch).'),
  'bad-align-corners': doc(['error'], 'Upsample: `align_corners` may only be set with an interpolating mode (bilinear); with nearest, PyTorch raises an error.'),
  'upsample-size': doc(['error'], 'Upsample needs exactly one of `size` and `scale_factor`.'),
  'bad-repeat': doc(['error'], `A repeat block is not \`{times: N, layers: [...]}\`, or times is not a whole number in the allowed range.`),
  'bad-residual': doc(['error'], 'A residual block is not `{layers: [...], projection: [...]}` or a list of layers.'),
  'residual-shape-mismatch': doc(['error'], 'The output of a residual block\'s layers cannot be added to its input (or to its projection): shapes must be equal. Add or fix the projection.'),
  'too-many-layers': doc(['error'], 'Repeat blocks expand the model to too many layers; the analysis stops there (check `times`).'),
  'bad-section': doc(['error'], '`data` or `train` (or one of their nested keys such as `augment`) is not a mapping.'),
  'bad-value': doc(['error'], 'A setting has a value of the wrong type or outside its range, or a combination that cannot work (nesterov without sgd and momentum).'),
  'missing-key': doc(['error'], 'A required setting is missing: `normalize` needs mean and std, `random_crop` needs padding, `early_stopping` needs patience, a schedule needs `type` (and `step_size` for step), imagefolder needs `path`.'),
  'unused-setting': doc(['warning'], 'A setting has no effect with the chosen options, such as momentum with adam.'),
  'no-validation': doc(['warning'], 'early_stopping, a plateau schedule or `train.best` watches a validation figure, but `validation_split: 0` leaves no validation set (and no val/ folder): they would watch the training loss. A fix sets validation_split to 0.1.'),
  'image-folder': doc(['warning'], 'imagefolder: `data.path` is not a folder, has no class sub-folders, has no folder for a name of `classes:` or a folder `classes:` does not list, or a class folder without PNG or JPEG files (folders are listed, no image is read).'),
  'normalize-channels': doc(['error'], '`normalize` has a number of means or standard deviations that is neither 1 nor the number of input channels.'),
  'unknown-transform': doc(['error'], 'No torchvision transform of that name in `data.transforms` (a "did you mean" fix is offered for typos).'),
  'bad-transform-item': doc(['error'], 'An item of `data.transforms.train` / `test` is not a transform call such as `RandomCrop(32, padding=4)`.'),
  'transform-size': doc(['error'], 'A pipeline gives images of another size than `input` (the message works the sizes through every transform), or imagefolder images are still of varying sizes where they must be stored at one size.'),
  'transforms-conflict': doc(['error'], '`data.transforms` and the older `augment` / `normalize` keys are both written; use one or the other (put Normalize in the pipelines).'),
  'transform-no-effect': doc(['warning'], 'A transform argument does nothing here, such as ColorJitter saturation or hue on grey images.'),
  'output-not-vector': doc(['warning'], 'A classifier must output one vector of class scores per image; end the model with Flatten() and Linear(…, number of classes).'),
  'classes-mismatch': doc(['warning'], 'The last layer outputs a different number of values than there are classes (in `classes`, the dataset, or imagefolder\'s class folders); a fix sets out_features.'),
  'best-not-for-task': doc(['error'], '`train.best` names a validation figure the task does not report (val_miou outside segmentation, val_mse outside reconstruction, val_accuracy for a reconstruction); fixes offer the task\'s own.'),
  'loss-not-for-task': doc(['error'], 'The loss does not fit the task (for example cross_entropy for a reconstruction): each task lists the losses it accepts.'),
  'output-not-input': doc(['error'], 'A reconstruction model must output exactly its input shape (the target is the input image); the message shows both shapes.'),
  'output-not-mask': doc(['error'], 'A segmentation model must output one score map per class at the input\'s height and width, [classes, H, W]; the message shows the output and the layer that made it.'),
  'output-not-detection': doc(['error'], 'A detection model must end with DetectionHead(in_channels, num_classes), whose [classes + 5, H/s, W/s] map divides the input by one whole stride; the message shows the output and the layer that made it.'),
  'class-weights': doc(['error'], '`train.class_weights` must give one weight per class (segmentation: one per mask class, background included).'),
  'bce-needs-sigmoid': doc(['warning'], 'loss bce expects probabilities in [0, 1]: end the model with Sigmoid(), or use bce_with_logits.'),
  'unknown-class': doc(['error'], '`include_classes` names a class the dataset does not have, or an index beyond its classes.'),
  'double-softmax': doc(['warning'], 'The model ends with Softmax or LogSoftmax but the loss is cross_entropy (also the default without a `train:` section), which applies log-softmax itself; a fix removes the layer.'),
  'nll-needs-logsoftmax': doc(['warning'], 'loss nll expects log-probabilities: end the model with LogSoftmax(dim=1), or use cross_entropy.'),
  'dataset-input': doc(['error'], 'The dataset loaders cannot produce this `input`: images have 1 (grey) or 3 (RGB) channels, and the shapes dataset needs at least 8×8 pixels.'),
  'dataset-converted': doc(['info'], "The dataset's images have another shape than `input`; the loader converts them (grey ↔ RGB, resizing); this is a note, not a problem."),
  'internal-error': doc(['error'], 'A bug in CNN Lab itself while analysing the file; please report it with the file.'),
} as const satisfies Record<string, DiagnosticCodeDoc>;

/** A code the core may report. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
