/**
 * train.py of the pytorch export: the model file's recipe (dataset, split, augmentation, loss, optimizer, schedule,
 * early stopping, best weights, seed, starting weights, frozen layers, learning rates per layer, stages) as a plain
 * PyTorch training script that runs as one process or under torchrun
 * (DistributedDataParallel) and writes CNN Lab's run folder. The recipe is a dict at the top; the rest is fixed text
 * with no task in it: what differs between tasks (data, loss, scores, metrics) is task.py (tasks/registry.ts).
 */
import { BEST_METRICS, DEFAULT_BEST_METRIC } from '../../model/config/bestMetric';
import { BEST_METRIC_FIELDS } from '../../protocol/monitoredMetric';
import { resolveIncludedClasses } from '../../model/config/includeClasses';
import { frozenIndices } from '../../model/freeze';
import type { ModelAnalysis } from '../../model/types';
import { PY_TRAIN_TASKS } from './tasks/registry';

/** What train.py needs besides the model file: where the data is, and the class names in label order. */
export interface TrainRecipeSource {
  analysis: ModelAnalysis;
  classes: readonly string[];
  /** Dataset folder (absolute, or relative to the export folder); null: --data is required. */
  dataPath: string | null;
  /** Caps the training set (shapes: the export writes exactly the samples CNN Lab generates). */
  maxTrainSamples: number | null;
  /** What train.py cannot reproduce of the recipe (tasks/registry.ts), in words: it refuses to train; null: all of it. */
  unsupported?: string | null;
  /** `weights:` as written by the export (startingWeights.ts), relative to train.py; null: none. */
  startWeights?: string | null;
}

/** The recipe as a Python dict literal (JSON is valid Python once null/true/false are spelled the Python way). */
export function recipePy(source: TrainRecipeSource): string {
  const { analysis } = source;
  const t = analysis.train;
  const best = t.best ?? DEFAULT_BEST_METRIC;
  // Layers by their module names (model.py's), those with weights only: freezing or scaling the others changes nothing.
  const weighted = analysis.layers.filter((l) => l.params + l.buffers > 0);
  const modules = (indices: Iterable<number>) => {
    const chosen = new Set(indices);
    return weighted.filter((l) => chosen.has(l.index)).map((l) => l.module);
  };
  const recipe = {
    model: analysis.name,
    task: analysis.task,
    classes: source.classes,
    dataset: analysis.data.dataset,
    data_path: source.dataPath,
    validation_split: analysis.data.validation_split,
    // As indices: the Python side compares labels.
    include_classes: includedIndices(analysis.data.include_classes, source.classes),
    noise: analysis.data.noise ?? null,
    max_train_samples: source.maxTrainSamples,
    epochs: t.epochs,
    batch_size: t.batch_size,
    optimizer: t.optimizer,
    lr: t.lr,
    momentum: t.momentum,
    nesterov: t.nesterov,
    weight_decay: t.weight_decay,
    loss: t.loss,
    class_weights: t.class_weights ?? null,
    ignore_index: t.ignore_index,
    early_stopping: t.early_stopping ?? null,
    best,
    // The epoch record's key of that figure (metrics.jsonl), whether higher is better, and its words.
    best_figure: { field: BEST_METRIC_FIELDS[best], maximise: BEST_METRICS[best].direction === 'max', label: BEST_METRICS[best].label },
    schedule: t.schedule ?? null,
    seed: t.seed,
    // train.freeze, train.lr_multipliers, train.stages (each stage's frozen layers) and weights: (start.pth).
    frozen: modules(frozenIndices(analysis.layers)),
    lr_multipliers: Object.fromEntries(weighted.filter((l) => l.lrMultiplier !== undefined && l.lrMultiplier !== 1).map((l) => [l.module, l.lrMultiplier])),
    stages: t.stages?.map((s) => ({ epochs: s.epochs, lr: s.lr, frozen: modules(s.frozen) })) ?? null,
    weights: source.startWeights ?? null,
    ...PY_TRAIN_TASKS[analysis.task].recipe?.(analysis),
  };
  const lines = Object.entries(recipe).map(([k, v]) => `    ${JSON.stringify(k)}: ${pyLiteral(v)},`);
  const refusal = `# What train.py cannot reproduce of the model file's recipe (None: all of it): it refuses to train.\nUNSUPPORTED = ${pyLiteral(source.unsupported ?? null)}`;
  return `RECIPE = {\n${lines.join('\n')}\n}\n${refusal}`;
}

function includedIndices(include: ReadonlyArray<string | number> | undefined, classes: readonly string[]): number[] | null {
  if (!include) return null;
  const resolved = resolveIncludedClasses(include, classes);
  return 'indices' in resolved ? resolved.indices : null;
}

function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

export function trainPy(source: TrainRecipeSource): string {
  return HEADER + recipePy(source) + '\n' + BODY;
}

const HEADER = String.raw`"""Trains the exported model with its CNN Lab recipe, in PyTorch (generated by CNN Lab).

One process:           python3 train.py [--epochs N] [--out runs] [--data FOLDER]
Several (CPU or GPUs): torchrun --nproc_per_node=2 train.py --epochs 1 --out runs
Debian's torchrun (torch 1.13, Python 3.11) crashes with "'NoneType' object has no attribute 'get'" unless given
--redirects 1 --tee 1:   torchrun --redirects 1 --tee 1 --nproc_per_node=2 train.py ...
Several machines:      torchrun --nnodes=2 --node_rank=<0|1> --nproc_per_node=<GPUs> \
                           --master_addr=<host of node 0> --master_port=29500 train.py ...
                       (or --rdzv_backend=c10d --rdzv_endpoint=<host>:29500 --rdzv_id=<job>); every node needs the
                       dataset at the same --data path and writes nothing but rank 0's run folder.

Processes talk over gloo on CPU and nccl on GPUs (DistributedDataParallel + DistributedSampler); batch_size is the
global batch, split across processes, so the recipe's batch size and learning rate keep their meaning. The run
folder (<out>/<model>/<timestamp>/: metrics.jsonl, summary.json, best/ and last/) is CNN Lab's: open the folder in
VS Code and the run shows in the runs view, the training panel (live) and the inspector.
"""
import argparse
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cnnlab_run import RunFolder, now_iso  # noqa: E402
from datasets import head, load_splits  # noqa: E402
from model import INPUT_SHAPE, Model, cnnlab_name, layer_of  # noqa: E402
from preprocessing import FIT_TO_INPUT, INPUT_HEIGHT, INPUT_WIDTH  # noqa: E402
from task import Task  # noqa: E402  (this model's task: its data, loss, scores and metrics)

`;

const BODY = String.raw`
METRICS_EVERY_BATCHES = 20


def setup_distributed():
    """(rank, world size, device); torchrun sets WORLD_SIZE, RANK and LOCAL_RANK."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available():
        torch.cuda.set_device(local)
        dist.init_process_group("nccl")
        return dist.get_rank(), world, torch.device("cuda", local)
    dist.init_process_group("gloo")
    return dist.get_rank(), world, torch.device("cpu")


def freeze(model, frozen):
    """train.freeze (or a stage's): the layers named (model.py's module names) keep their weights: no gradients, no updates."""
    for name, p in model.named_parameters():
        p.requires_grad_(layer_of(name) not in frozen)


def keep_statistics(model, frozen):
    """Frozen layers with running statistics (BatchNorm) keep them: evaluation mode while training, as in CNN Lab."""
    for name, m in model.named_modules():
        if name in frozen and isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.eval()


def parameter_groups(model, r, lr):
    """The trainable parameters grouped by their train.lr_multipliers factor: each group at lr × factor."""
    groups = {}
    for name, p in model.named_parameters():
        if p.requires_grad:
            groups.setdefault(r["lr_multipliers"].get(layer_of(name), 1), []).append(p)
    return [{"params": params, "lr": lr * scale, "scale": scale} for scale, params in groups.items()]


def stage_plan(r, epochs):
    """train.stages as (first epoch, epochs, lr, frozen layers or None: as the model is), the last cut where --epochs
    ends the run; without stages, one stage of every epoch at train.lr."""
    if not r["stages"]:
        return [(0, epochs, r["lr"], None)]
    plan, start = [], 0
    for s in r["stages"]:
        if start >= epochs:
            break
        plan.append((start, min(s["epochs"], epochs - start), s["lr"], s["frozen"]))
        start += plan[-1][1]
    return plan


def load_starting_weights(model, path):
    """weights: the tensors of the starting weights that fit the model (start.pth, matched by the export as CNN Lab
    matches them); the others keep their initialisation."""
    state = torch.load(os.path.join(HERE, path), map_location="cpu", weights_only=True)
    missing, _ = model.load_state_dict(state, strict=False)
    return f"starting from {path}: {len(state)} tensors loaded" + (f", {len(missing)} kept at their initialisation" if missing else "")


def make_optimizer(params, r):
    if r["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=r["lr"], momentum=r["momentum"], nesterov=r["nesterov"], weight_decay=r["weight_decay"])
    if r["optimizer"] == "adamw":
        return torch.optim.AdamW(params, lr=r["lr"], weight_decay=r["weight_decay"])
    if r["optimizer"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=r["lr"], momentum=r["momentum"], weight_decay=r["weight_decay"])
    return torch.optim.Adam(params, lr=r["lr"], weight_decay=r["weight_decay"])


def make_schedule(optimizer, r, epochs, lr):
    """Stepped once per epoch, as CNN Lab does: StepLR, cosine annealing (T_max = epochs) and ReduceLROnPlateau.
    CNN Lab schedules the base rate and scales it by train.lr_multipliers, so min_lr is scaled too: a group at
    lr × 10 anneals to min_lr × 10 (torch's eta_min and min_lr would be one floor for every group)."""
    s = r["schedule"]
    if not s:
        return None
    min_lr = s.get("min_lr", 0)
    if s["type"] == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, s.get("step_size", 1)), gamma=s.get("gamma", 0.1))
    if s["type"] == "cosine":
        # CosineAnnealingLR's closed form, min_lr + (lr - min_lr) (1 + cos(pi e / T)) / 2, as a factor of each group's rate.
        floor = min_lr / lr
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: floor + (1 - floor) * (1 + math.cos(math.pi * e / max(1, epochs))) / 2)
    return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=s.get("factor", 0.1), patience=s.get("patience", 10), threshold=1e-4,
                                                      min_lr=[min_lr * g["scale"] for g in optimizer.param_groups])


def evaluate(model, loader, task, device):
    """One pass over a whole set (one process): the task's metrics (CNN Lab's TestMetrics)."""
    model.eval()
    evaluation = task.evaluation()
    with torch.no_grad():
        for x, target, label in loader:
            x, target = x.to(device), target.to(device)
            out = model(x)
            evaluation.add(out, target, label, task.loss(out, target).item())
    return evaluation.result()


class StopRequest:
    """Stop (SIGTERM from the editor or torchrun, Ctrl-C). The handler only raises a flag, read before each batch
    and agreed by every process: a signal reaches the ranks at different batches, a rank that left the loop alone
    would leave the others waiting in a collective, and a handler doing I/O could interrupt the same I/O.
    A second Ctrl-C exits at once."""

    def __init__(self, world):
        self.world, self.requested, self.signum = world, False, None
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, _frame):
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested, self.signum = True, signum

    @property
    def name(self):
        return signal.Signals(self.signum).name if self.signum else "another process was signalled"

    def agreed(self):
        """True on every process once any of them was asked to stop (one one-number all-reduce per batch)."""
        if self.world == 1:
            return self.requested
        flag = torch.tensor([1.0 if self.requested else 0.0])
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return flag.item() > 0


def cap(train, validation, max_train):
    """--max-train-samples caps training, and validation in the same proportion."""
    share = max_train / max(len(train[1]), 1)
    keep = max(1, int(round(share * len(validation[1])))) if len(validation[1]) else 0
    return head(train, max_train), head(validation, keep)


def main():
    r = RECIPE
    parser = argparse.ArgumentParser(description=f"Train {r['model']} with its CNN Lab recipe")
    parser.add_argument("--epochs", type=int, default=r["epochs"])
    parser.add_argument("--out", default=os.path.join(HERE, "runs"), help="runs folder: the run goes to OUT/<model>/<timestamp>/")
    parser.add_argument("--data", default=r["data_path"], help="dataset folder")
    parser.add_argument("--max-train-samples", type=int, default=r["max_train_samples"])
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes per training process")
    args = parser.parse_args()
    if UNSUPPORTED:
        raise SystemExit(UNSUPPORTED)
    if args.data is None:
        raise SystemExit("train.py: pass the dataset folder with --data")
    data_path = args.data if os.path.isabs(args.data) else os.path.join(HERE, args.data)

    rank, world, device = setup_distributed()
    torch.manual_seed(r["seed"])
    np.random.seed(r["seed"])
    classes = r["classes"]
    task = Task(r)
    fit_to = (INPUT_HEIGHT, INPUT_WIDTH) if FIT_TO_INPUT else None
    train, validation, test = load_splits(r["dataset"], data_path, classes, r["validation_split"], r["seed"], r["include_classes"], fit_to)
    if task.split_target and len(train) < 3:
        raise SystemExit(f"train.py: task {r['task']} trains on {task.split_target}, and {r['dataset']} at {data_path} has none")
    if args.max_train_samples:
        train, validation = cap(train, validation, args.max_train_samples)
    train_set = task.dataset(train, training=True)
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, seed=r["seed"]) if world > 1 else None
    per_process = max(1, math.ceil(r["batch_size"] / world))
    generator = torch.Generator().manual_seed(r["seed"])
    train_loader = DataLoader(train_set, batch_size=per_process, sampler=sampler, shuffle=sampler is None, generator=generator, num_workers=args.workers)

    model = Model()
    started_from = load_starting_weights(model, r["weights"]) if r["weights"] else None
    model = model.to(device)
    frozen = set(r["frozen"])
    freeze(model, frozen)
    plan = stage_plan(r, args.epochs)

    run = None
    if rank == 0:
        eval_sets = {name: DataLoader(task.dataset(split, training=False), batch_size=256) for name, split in (("validation", validation), ("test", test))}
        backend = "nccl" if device.type == "cuda" else "gloo"
        description = f"PyTorch {torch.__version__}, {world} process(es)" + (f", DistributedDataParallel over {backend}" if world > 1 else "") + f" on {device.type}"
        run = RunFolder(args.out, r["model"], open(os.path.join(HERE, "model.cnn.yaml"), encoding="utf8").read(),
                        {"model": r["model"], "input": list(INPUT_SHAPE), "classes": classes, "recipe": r, "world": world, "trainer": "pytorch train.py"},
                        {"model": r["model"], "task": r["task"], "backend": "pytorch", "backendDescription": description, "dataset": r["dataset"],
                         "datasetSource": data_path, "classes": classes, "epochs": args.epochs, "trainSamples": len(train[1]),
                         "validationSamples": len(validation[1]), "testSamples": len(test[1]), "batchSize": r["batch_size"]})
        print(f"run folder: {run.dir}", flush=True)
        if started_from:
            print(started_from, flush=True)

    stop = StopRequest(world)
    stopped_at = None
    best_loss, best_state, es_best, wait, stop_reason = math.inf, None, math.inf, 0, None
    train_seconds, epochs_done = 0.0, 0
    es = r["early_stopping"]
    batches = len(train_loader)
    stage = None
    for epoch in range(1, args.epochs + 1):
        # Each stage freezes its layers and starts a fresh optimizer and schedule, as CNN Lab does.
        index = next((i for i, s in enumerate(plan) if epoch - 1 < s[0] + s[1]), len(plan) - 1)
        if index != stage:
            stage, (_, stage_epochs, stage_lr, stage_frozen) = index, plan[index]
            if stage_frozen is not None:
                frozen = set(stage_frozen)
                freeze(model, frozen)
            # DistributedDataParallel syncs the parameters that train when it is built: rebuilt when they change.
            net = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None) if world > 1 else model
            optimizer = make_optimizer(parameter_groups(model, r, stage_lr), r)
            schedule = make_schedule(optimizer, r, stage_epochs, stage_lr)
            if run and r["stages"]:
                trained = sum(p.numel() for p in model.parameters() if p.requires_grad)
                print(f"stage {index + 1}/{len(plan)}: {stage_epochs} epoch(s) at lr {stage_lr}, {len(frozen)} layers frozen, {trained} parameters train", flush=True)
        if sampler is not None:
            sampler.set_epoch(epoch)
        net.train()
        keep_statistics(model, frozen)
        # The learning rate before train.lr_multipliers (a group's lr over its factor).
        lr = next((g["lr"] / g["scale"] for g in optimizer.param_groups if g["scale"]), stage_lr)
        started = time.time()
        sums = torch.zeros(3, dtype=torch.float64)  # loss · n, task score, n (this process)
        for b, (x, target, _label) in enumerate(train_loader, 1):
            if stop.agreed():
                stopped_at = f"stopped at epoch {epoch} batch {b}"
                break
            x, target = x.to(device), target.to(device)
            optimizer.zero_grad()
            out = net(x)
            loss = task.loss(out, target)
            loss.backward()
            optimizer.step()
            sums += torch.tensor([loss.item() * len(x), task.batch_score(out, target), len(x)], dtype=torch.float64)
            if run and (b % METRICS_EVERY_BATCHES == 0 or b == batches):
                seconds = time.time() - started
                rate = world * sums[2].item() / max(seconds, 1e-9)
                left = (args.epochs - epoch) * len(train_set) + (batches - b) * per_process * world
                run.append_metrics({"kind": "batch", "epoch": epoch, "batch": b, "batches": batches, "loss": sums[0].item() / sums[2].item(),
                                    "accuracy": task.epoch_score(sums[1].item(), sums[2].item()), "lr": lr, "samplesPerSecond": rate,
                                    "etaSeconds": left / max(rate, 1e-9), "time": now_iso()})
        seconds = time.time() - started
        train_seconds += seconds
        if stopped_at:
            break
        if world > 1:
            dist.all_reduce(sums)
        train_loss, train_score = sums[0].item() / sums[2].item(), task.epoch_score(sums[1].item(), sums[2].item())
        # Rank 0 validates and decides (best weights, early stopping, plateau); the decision is broadcast.
        decision = torch.zeros(2, dtype=torch.float64)
        if run:
            val = evaluate(model, eval_sets["validation"], task, device) if len(validation[1]) else None
            # train.best: the figure that picks best/ and that early stopping watches, as "lower is better" (a figure
            # to maximise, accuracy or mIoU, negated); without a validation set, the training loss.
            figures = {"valLoss": val["loss"], "valAccuracy": val["accuracy"], **task.epoch_fields(val)} if val else {}
            best_figure = r["best_figure"]
            value = figures.get(best_figure["field"]) if val else None
            monitored = train_loss if value is None else (-value if best_figure["maximise"] else value)
            improved = monitored < best_loss
            if improved:
                best_loss, best_state = monitored, {k: v.detach().clone() for k, v in model.state_dict().items()}
            if es:
                if monitored < es_best - es.get("min_delta", 0):
                    es_best, wait = monitored, 0
                else:
                    wait += 1
                    if wait >= es["patience"]:
                        watched = best_figure["label"] if value is not None else "training loss (no validation set)"
                        stop_reason = f"early stopping: {watched} did not improve by more than {es.get('min_delta', 0)} for {es['patience']} epoch(s)"
            if not math.isfinite(train_loss):
                stop_reason = f"the training loss became {train_loss} at epoch {epoch}"
            run.append_metrics({"kind": "epoch", "epoch": epoch, "loss": train_loss, "accuracy": train_score,
                                "valLoss": val["loss"] if val else None, "valAccuracy": val["accuracy"] if val else None, **task.epoch_fields(val), "lr": lr,
                                "seconds": seconds, "samplesPerSecond": len(train_set) / max(seconds, 1e-9), "best": improved, "time": now_iso()})
            run.save_checkpoint("last", model, classes, INPUT_SHAPE, {"epoch": epoch, "loss": train_loss}, cnnlab_name)
            if improved:
                run.save_checkpoint("best", model, classes, INPUT_SHAPE, {"epoch": epoch, "valLoss": val["loss"] if val else train_loss}, cnnlab_name)
                run.write_summary(bestEpoch=epoch, bestValLoss=val["loss"] if val else None)
            run.write_summary(epochsCompleted=epoch, trainSeconds=train_seconds, updatedAt=now_iso(),
                              samplesPerSecond=len(train_set) * epoch / max(train_seconds, 1e-9), totalSeconds=time.time() - run.started)
            score = f", score {train_score:.4f}" if train_score is not None else ""
            shown = "".join(f", {k} {v:.4f}" for k, v in task.epoch_fields(val).items() if isinstance(v, float)) if val else ""
            print(f"epoch {epoch}/{args.epochs}: loss {train_loss:.4f}{score}" + (f", validation loss {val['loss']:.4f}{shown}" if val else "") + f" ({seconds:.1f} s)", flush=True)
            # The plateau schedule watches the loss, as in CNN Lab.
            decision = torch.tensor([1.0 if stop_reason else 2.0 if stop.requested else 0.0, val["loss"] if val else train_loss], dtype=torch.float64)
        if world > 1:
            dist.broadcast(decision, 0)
        epochs_done = epoch
        if decision[0].item() == 2.0:
            stopped_at = f"stopped after epoch {epoch}"
        if schedule is not None:
            schedule.step(decision[1].item()) if isinstance(schedule, torch.optim.lr_scheduler.ReduceLROnPlateau) else schedule.step()
        if decision[0].item():
            break

    if run and stopped_at:
        # As CNN Lab's engine does: no test pass; best/ and last/ hold the epochs that finished.
        run.finish(status="stopped", epochsCompleted=epochs_done, trainSeconds=train_seconds, stopReason=f"{stopped_at} ({stop.name})",
                   samplesPerSecond=len(train_set) * epochs_done / max(train_seconds, 1e-9))
        print(f"{stopped_at}: the checkpoints of epoch {epochs_done} are in {run.dir}", flush=True)
    elif run:
        if best_state is not None:
            model.load_state_dict(best_state)
        result = evaluate(model, eval_sets["test"], task, device)
        figures = task.summary_fields(result)
        run.finish(status="done", epochsCompleted=epochs_done, trainSeconds=train_seconds, test=result, testLoss=result["loss"], **figures,
                   samplesPerSecond=len(train_set) * epochs_done / max(train_seconds, 1e-9), stopReason=stop_reason)
        shown = ", ".join(f"{k} {v:.4f}" for k, v in figures.items() if isinstance(v, float))
        print(f"test: {shown} on {result['samples']} images; run folder {run.dir}", flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
