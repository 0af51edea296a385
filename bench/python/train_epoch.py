"""Baseline for bench/train: the paper's MLP or CNN trained by Debian's PyTorch on the same MNIST IDX files,
batch size and thread count as infoplane, with PyTorch's own fastest CPU settings for this loop: gradients
set to None instead of zeroed (as ours drops them) and multi-tensor `foreach` optimizer steps (as ours uses
ATen's `_foreach_` ops); torch.backends left at their defaults.

It serves bench/train's alternating runs from one process: after loading it prints one JSON line of its
settings, then answers each command read from stdin with one JSON line:
  warmup <batches>   trains a throwaway model of the same kind for that many batches → {"seconds"}
  epoch              trains the model one epoch (shuffled, batch 128) → {"seconds", "meanLoss"}
  evaluate           → {"testAccuracy"} on the test set
Run it with the same OMP_WAIT_POLICY, OPENBLAS_CORETYPE and GLIBC_TUNABLES as infoplane (bench/train passes
its own). Smoke test: printf 'warmup 1\\nepoch\\nevaluate\\n' | python3 train_epoch.py mlp DIR --samples 128
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

BATCH = 128


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def build(kind):
    """The model and optimizer of bench/train's case (Keras' Adadelta constants for the CNN)."""
    nn = torch.nn
    if kind == "mlp":
        model = nn.Sequential(nn.Linear(784, 1024), nn.Tanh(), nn.Linear(1024, 20), nn.Tanh(), nn.Linear(20, 20), nn.Tanh(),
                              nn.Linear(20, 20), nn.Tanh(), nn.Linear(20, 10))
        return model, torch.optim.SGD(model.parameters(), lr=0.001, foreach=True)
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10))
    return model, torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7, foreach=True)


def train(model, optimizer, images, labels, generator, batches=None):
    """Trains over the shuffled set (or its first `batches` batches); returns the sample-weighted mean loss."""
    order = torch.randperm(images.shape[0], generator=generator)
    count = images.shape[0] if batches is None else min(images.shape[0], batches * BATCH)
    total = 0.0
    for first in range(0, count, BATCH):
        index = order[first:first + BATCH]
        loss = torch.nn.functional.cross_entropy(model(images.index_select(0, index)), labels.index_select(0, index))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item() * index.shape[0]
    return total / count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["mlp", "cnn"])
    parser.add_argument("mnist_dir", help="directory of the four MNIST IDX files")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (default: every core)")
    parser.add_argument("--samples", type=int, default=None, help="train on the first SAMPLES training images only (smoke tests)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    shape = (-1, 784) if args.kind == "mlp" else (-1, 1, 28, 28)
    load = lambda name: torch.from_numpy(read_idx(f"{args.mnist_dir}/{name}").astype(np.float32) / 255.0).reshape(shape)
    labels_of = lambda name: torch.from_numpy(read_idx(f"{args.mnist_dir}/{name}").astype(np.int64))
    images, labels = load("train-images-idx3-ubyte"), labels_of("train-labels-idx1-ubyte")
    if args.samples is not None:
        images, labels = images[:args.samples].contiguous(), labels[:args.samples].contiguous()
    test_images, test_labels = load("t10k-images-idx3-ubyte"), labels_of("t10k-labels-idx1-ubyte")
    model, optimizer = build(args.kind)
    shuffle = torch.Generator().manual_seed(1)
    optimizer_settings = ", ".join(f"{key}={value}" for key, value in optimizer.defaults.items())
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "optimizer": f"{type(optimizer).__name__}({optimizer_settings})",
        "zeroGrad": "set_to_none=True",
        "environment": {name: os.environ.get(name, "(unset)") for name in ["OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "GLIBC_TUNABLES"]},
    }), flush=True)
    for line in sys.stdin:
        command = line.split()
        if command[0] == "warmup":
            throwaway, throwaway_optimizer = build(args.kind)
            start = time.perf_counter()
            train(throwaway, throwaway_optimizer, images, labels, torch.Generator().manual_seed(2), int(command[1]))
            reply = {"seconds": time.perf_counter() - start}
        elif command[0] == "epoch":
            start = time.perf_counter()
            mean_loss = train(model, optimizer, images, labels, shuffle)
            reply = {"seconds": time.perf_counter() - start, "meanLoss": mean_loss}
        elif command[0] == "evaluate":
            with torch.no_grad():
                correct = sum((model(test_images[first:first + 1000]).argmax(1) == test_labels[first:first + 1000]).sum().item()
                              for first in range(0, test_images.shape[0], 1000))
            reply = {"testAccuracy": correct / test_images.shape[0]}
        else:
            raise SystemExit(f"unknown command {line.strip()!r}: expected warmup <batches>, epoch or evaluate")
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
