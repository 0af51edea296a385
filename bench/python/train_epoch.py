"""Baseline for bench/train: epochs of the paper's MLP or CNN in Debian's PyTorch, on the same MNIST IDX
files, batch size and thread count as infoplane. Prints one JSON line with each epoch's seconds and the
final test accuracy.

Usage: /usr/bin/python3 train_epoch.py mlp|cnn <mnist-data-dir> <threads> <epochs>
Run it with the same OMP_WAIT_POLICY and OPENBLAS_CORETYPE as infoplane (bench/train passes its own).
"""
import json
import sys
import time

import numpy as np
import torch


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    kind, root, threads, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    images = torch.from_numpy(read_idx(f"{root}/train-images-idx3-ubyte").astype(np.float32) / 255.0)
    labels = torch.from_numpy(read_idx(f"{root}/train-labels-idx1-ubyte").astype(np.int64))
    test_images = torch.from_numpy(read_idx(f"{root}/t10k-images-idx3-ubyte").astype(np.float32) / 255.0)
    test_labels = torch.from_numpy(read_idx(f"{root}/t10k-labels-idx1-ubyte").astype(np.int64))
    nn = torch.nn
    if kind == "mlp":
        images, test_images = images.reshape(-1, 784), test_images.reshape(-1, 784)
        model = nn.Sequential(nn.Linear(784, 1024), nn.Tanh(), nn.Linear(1024, 20), nn.Tanh(), nn.Linear(20, 20), nn.Tanh(),
                              nn.Linear(20, 20), nn.Tanh(), nn.Linear(20, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
    else:
        images, test_images = images.reshape(-1, 1, 28, 28), test_images.reshape(-1, 1, 28, 28)
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10))
        optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(images.shape[0])
        for first in range(0, images.shape[0], 128):
            index = order[first:first + 128]
            loss = torch.nn.functional.cross_entropy(model(images.index_select(0, index)), labels.index_select(0, index))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        accuracy = (model(test_images).argmax(1) == test_labels).float().mean().item()
    print(json.dumps({"epochSeconds": seconds, "testAccuracy": accuracy, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
