/**
 * Shapes on hover in PyTorch code (issue 18), measured: on a generated 2,000-line Python file (a course script:
 * 20 LeNet-style model classes, each with its input comment, between training and evaluation functions), the
 * full parse, the incremental re-parse after a one-line edit, hover on a cached analysis, and hover after an edit
 * (new version: re-parse + analysis + hover), p95 over many runs; then the extension's load + activate cost with a
 * stub `vscode`. For scale, the same file run by PyTorch for its shapes (python3: import torch, build every model,
 * one forward each), which is what static reading avoids.
 *
 *   npm run bench:pyhover [-- --runs 200]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PythonAnalyses } from '../src/language/python/pythonAnalyses';
import { pythonHoverAt } from '../src/language/python/pythonHover';
import { loadPythonParser } from '../src/python/parser';
import { textEdit } from '../src/python/textEdit';
import { activationCost } from './activationCost';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 200;

function block(i: number): string {
  return `# cnnlab: input [1, 28, 28]
class Net${i}(nn.Module):
    def __init__(self, hidden=${64 + i}):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.bn = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 5 * 5, hidden)
        self.fc2 = nn.Linear(hidden, 84)
        self.fc3 = nn.Linear(84, NUM_CLASSES)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.bn(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


`;
}

/** A training function, the code between the models in a course script (no model in it). */
function training(i: number): string {
  return `def train_epoch_${i}(model, loader, optimizer, device='cpu'):
    model.train()
    total, correct, running = 0, 0, 0.0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        outputs = model(images)
        loss = F.cross_entropy(outputs, labels)
        loss.backward()
        optimizer.step()
        running += loss.item() * images.size(0)
        correct += (outputs.argmax(1) == labels).sum().item()
        total += labels.size(0)
    return running / total, correct / total


def evaluate_${i}(model, loader):
    model.eval()
    with torch.no_grad():
        hits = sum((model(x).argmax(1) == y).sum().item() for x, y in loader)
    return hits / len(loader.dataset)


`;
}

function file(lines: number): { text: string; classes: number } {
  let text = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nNUM_CLASSES = 10\n\n\n';
  let classes = 0;
  for (let i = 0; text.split('\n').length < lines; i++) text += i % 4 === 0 ? block(classes++) : training(i);
  return { text, classes };
}

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(2)} ms · p95 ${q(0.95).toFixed(2)} ms · max ${s[s.length - 1].toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const { text, classes } = file(2000);
  const lines = text.split('\n');
  const t0 = performance.now();
  const parser = await loadPythonParser();
  console.log(`parser load (once, at the first Python document): ${(performance.now() - t0).toFixed(1)} ms`);
  console.log(`file: ${lines.length} lines, ${classes} model classes`);

  const parse: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    parser.parse(text).delete();
    parse.push(performance.now() - t);
  }
  console.log(`parse:                         ${stats(parse)}`);

  // Hover positions: the Conv2d of every class (its definition line).
  const positions = lines.flatMap((l, line) => (l.includes('self.conv2 = nn.Conv2d') ? [{ line, character: l.indexOf('Conv2d') + 1 }] : []));
  const cache = new PythonAnalyses(async () => parser, (e) => { throw e; });
  const doc = (version: number) => ({ key: 'bench.py', version, text });
  const first = await cache.get(doc(0));
  const check = pythonHoverAt(first!.analysis, positions[0]);
  if (!check?.markdown.includes('`6×14×14` → `16×10×10`')) throw new Error(`bench hover is wrong: ${check?.markdown}`);

  const cached: number[] = [];
  for (let i = 0; i < RUNS * 5; i++) {
    const t = performance.now();
    const a = await cache.get(doc(0));
    pythonHoverAt(a!.analysis, positions[i % positions.length]);
    cached.push(performance.now() - t);
  }
  console.log(`hover, analysis cached:        ${stats(cached)}`);

  // A keystroke's worth of change per version: a comment appended to a different line each time.
  const editedText = (i: number) => {
    const at = (i * 37) % lines.length;
    return lines.map((l, k) => (k === at ? `${l}  # edit ${i}` : l)).join('\n');
  };
  const reparse: number[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const [before, after] = [editedText(i - 1), editedText(i)];
    const old = parser.parse(before);
    const t = performance.now();
    old.edit(textEdit(before, after)!);
    parser.parse(after, old).delete();
    reparse.push(performance.now() - t);
    old.delete();
  }
  console.log(`re-parse after an edit (incremental): ${stats(reparse)}`);

  const edited: number[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const t = performance.now();
    const a = await cache.get({ key: 'bench.py', version: i, text: editedText(i) });
    pythonHoverAt(a!.analysis, positions[i % positions.length]);
    edited.push(performance.now() - t);
  }
  console.log(`hover after an edit (re-parse + analysis + hover): ${stats(edited)}`);
  cache.dispose();

  if (existsSync('/usr/bin/python3')) {
    const script = `import sys, time; t = time.perf_counter(); import torch, torch.nn as nn, torch.nn.functional as F
env = {'torch': torch, 'nn': nn, 'F': F}; exec(sys.stdin.read(), env)
for name, cls in list(env.items()):
    if isinstance(cls, type) and issubclass(cls, nn.Module) and name.startswith('Net'): cls()(torch.zeros(1, 1, 28, 28))
print((time.perf_counter() - t) * 1000)`;
    try {
      const ms = Number(execFileSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8' }).trim());
      const p95 = [...edited].sort((a, b) => a - b)[Math.floor(0.95 * edited.length)];
      console.log(`PyTorch running the file for its shapes: ${ms.toFixed(0)} ms (×${(ms / p95).toFixed(0)} the p95 of a hover after an edit)`);
    } catch (e) {
      console.log(`PyTorch reference skipped: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  console.log(`extension load + activate (stub vscode, fresh process): ${activationCost()}`);
}

void main();
