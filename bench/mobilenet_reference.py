"""The MobileNet space of nascent in PyTorch, for cross-checking Fashion-MNIST accuracies.

Builds the same network as src/nn/builders/mobilenet.ts (stride-2 stem with 8 channels, four MBConv stages
with base channels 8/16/24/32 and strides 2/1/2/1, ReLU6 then h-swish, 1x1 head with 64 channels, flatten,
linear), trains it as nascent's trainer does (SGD, Nesterov momentum 0.9, weight decay 5e-4, linear warm-up
then cosine decay, batch 128, peak learning rate 0.05) for 2 epochs on 10,000 training images, and prints the
test accuracy of each of N configs sampled from the space. Options change one thing at a time:

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/mobilenet_reference.py \
        [--configs 6] [--epochs 2] [--batch 128] [--lr 0.05] [--adam] [--smoothing 0.1] [--plain] \
        [--stem-stride 2] [--stem-channels 8] [--channels 8,16,24,32] [--strides 2,1,2,1] [--head 64]
"""
import argparse
import gzip
import json
import math
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist/"


def read_idx(name):
    data = gzip.open(DATA + name).read()
    return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3])


def images(name):
    x = torch.tensor(read_idx(name).reshape(-1, 1, 28, 28), dtype=torch.float32) / 255
    return (x - 0.286) / 0.353


def conv_bn_act(cin, cout, k, stride=1, groups=1, act="relu6"):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.Hardswish() if act == "hswish" else nn.ReLU6())
    return layers


class MBConv(nn.Module):
    def __init__(self, cin, cout, kernel, expand, stride, act):
        super().__init__()
        hidden = cin * expand
        self.body = nn.Sequential(*conv_bn_act(cin, hidden, 1, act=act), *conv_bn_act(hidden, hidden, kernel, stride, hidden, act), *conv_bn_act(hidden, cout, 1, act=None))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def make_divisible(c):
    r = max(8, round(c / 8) * 8)
    return r + 8 if r < 0.9 * c else r


def mobilenet(config, args):
    side = max(8, round(config["resolution"] * 28 / 4) * 4)
    layers = conv_bn_act(1, args.stem_channels, 3, args.stem_stride, act="hswish")
    channels = args.stem_channels
    bases = [int(v) for v in args.channels.split(",")]
    strides = [int(v) for v in args.strides.split(",")]
    for i, (stage, base, stride) in enumerate(zip(config["stages"], bases, strides)):
        out = make_divisible(base * stage["width"])
        for d in range(stage["depth"]):
            layers.append(MBConv(channels, out, stage["kernel"], stage["expand"], stride if d == 0 else 1, "hswish" if i >= 2 else "relu6"))
            channels = out
    body = nn.Sequential(*layers, *conv_bn_act(channels, args.head, 1, act="hswish"), nn.Flatten())
    return nn.Sequential(body, nn.Linear(body(torch.zeros(1, 1, side, side)).shape[1], 10)), side


def plain_cnn():
    body = nn.Sequential(*conv_bn_act(1, 32, 3), *conv_bn_act(32, 64, 3, 2), *conv_bn_act(64, 64, 3, 2), nn.Flatten())
    return nn.Sequential(body, nn.Linear(64 * 7 * 7, 10)), 28


def train(model, side, x, y, xt, yt, args):
    params = model.parameters()
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01) if args.adam else torch.optim.SGD(params, lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps = args.epochs * (len(x) // args.batch)
    warm = min(100, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / (steps - warm))))
    resize = (lambda t: F.interpolate(t, size=(side, side), mode="bilinear", align_corners=False)) if side != 28 else (lambda t: t)
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(x))
        for b in range(len(x) // args.batch):
            i = order[b * args.batch:(b + 1) * args.batch]
            opt.zero_grad()
            F.cross_entropy(model(resize(x[i])), y[i], label_smoothing=args.smoothing).backward()
            opt.step()
            schedule.step()
    model.eval()
    with torch.no_grad():
        return (model(resize(xt)).argmax(1) == yt).float().mean().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--adam", action="store_true")
    parser.add_argument("--stem-stride", type=int, default=2)
    parser.add_argument("--stem-channels", type=int, default=8)
    parser.add_argument("--channels", default="8,16,24,32", help="base output channels of the four stages")
    parser.add_argument("--strides", default="2,1,2,1", help="first-block strides of the four stages")
    parser.add_argument("--head", type=int, default=64)
    parser.add_argument("--smoothing", type=float, default=0.0)
    parser.add_argument("--plain", action="store_true", help="the plain 3-layer CNN instead of the space")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    x, y = images("train-images-idx3-ubyte.gz"), torch.tensor(read_idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
    train_idx = torch.randperm(60000)[:10000]
    xt, yt = images("t10k-images-idx3-ubyte.gz"), torch.tensor(read_idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    rng = random.Random(args.seed)
    sample = lambda: {"resolution": rng.choice([0.75, 0.875, 1]), "stages": [{"kernel": rng.choice([3, 5, 7]), "expand": rng.choice([3, 4, 6]), "depth": rng.randint(2, 4), "width": rng.choice([0.75, 1, 1.25])} for _ in range(4)]}
    results = []
    for _ in range(1 if args.plain else args.configs):
        config = None if args.plain else sample()
        torch.manual_seed(0)
        model, side = plain_cnn() if args.plain else mobilenet(config, args)
        start = time.time()
        accuracy = train(model, side, x[train_idx], y[train_idx], xt, yt, args)
        results.append({"config": config, "test_accuracy": round(accuracy, 4), "seconds": round(time.time() - start, 1)})
        print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"best": max(r["test_accuracy"] for r in results), "median": sorted(r["test_accuracy"] for r in results)[len(results) // 2]}))


if __name__ == "__main__":
    main()
