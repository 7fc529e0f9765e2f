"""PyTorch reference for `npm run bench:train`: the same two models, the same batch, 2 threads.

Prints one JSON object: {"reference_cnn": {"img_per_s": X, "ms_per_step": Y}, "nb201": {...}, "torch": VERSION}.
Run with Debian's python3-torch and the OpenMP OpenBLAS (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ReferenceCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.relu(self.c2(x))
        x = F.relu(self.c3(x))
        return self.fc(x.mean((2, 3)))


def relu_conv_bn(c_in, c_out, k, stride):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, k // 2, bias=False), nn.BatchNorm2d(c_out))


class Cell(nn.Module):
    """NAS-Bench-201 cell: node j = sum over i < j of op_ij(node i)."""

    def __init__(self, arch, c):
        super().__init__()
        self.edges = nn.ModuleDict()
        for j, node in enumerate(arch.strip("|").split("|+|"), start=1):
            for part in node.strip("|").split("|"):
                op, i = part.split("~")
                key = f"{i}_{j}"
                if op == "none":
                    continue
                self.edges[key] = {
                    "skip_connect": nn.Identity(),
                    "nor_conv_1x1": relu_conv_bn(c, c, 1, 1),
                    "nor_conv_3x3": relu_conv_bn(c, c, 3, 1),
                    "avg_pool_3x3": nn.AvgPool2d(3, 1, 1, count_include_pad=False),
                }[op]

    def forward(self, x):
        nodes = [x]
        for j in range(1, 4):
            terms = [self.edges[f"{i}_{j}"](nodes[i]) for i in range(j) if f"{i}_{j}" in self.edges]
            nodes.append(sum(terms) if terms else torch.zeros_like(x))
        return nodes[3]


class Reduction(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.a = relu_conv_bn(c_in, c_out, 3, 2)
        self.b = relu_conv_bn(c_out, c_out, 3, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.shortcut(x)


def nb201(arch, classes=10, c=16, n=5):
    layers = [nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)]
    for stage, ch in enumerate([c, 2 * c, 4 * c]):
        if stage:
            layers.append(Reduction(ch // 2, ch))
        layers += [Cell(arch, ch) for _ in range(n)]
    layers += [nn.BatchNorm2d(4 * c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * c, classes)]
    return nn.Sequential(*layers)


def measure(model, shape, batch, steps, warmup):
    torch.manual_seed(0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, *shape)
    y = torch.randint(0, 10, (batch,))
    for i in range(warmup + steps):
        if i == warmup:
            start = time.perf_counter()
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
    seconds = (time.perf_counter() - start) / steps
    return {"img_per_s": batch / seconds, "ms_per_step": seconds * 1000}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", required=True)
    parser.add_argument("--cnn-batch", type=int, default=128)
    parser.add_argument("--nb201-batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = {
        "torch": torch.__version__,
        "reference_cnn": measure(ReferenceCNN(), (1, 28, 28), args.cnn_batch, args.steps, 3),
        "nb201": measure(nb201(args.arch), (3, 32, 32), args.nb201_batch, max(5, args.steps // 4), 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
