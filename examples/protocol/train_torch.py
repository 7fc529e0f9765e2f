"""A nascent trial in Python: trains a small CNN on Fashion-MNIST with PyTorch.

Reads the config from NASCENT_CONFIG, reports validation accuracy after every epoch, prints the final
result. Run through nascent (README, "Trial protocol"):

    nascent search --space examples/protocol/cnn-space.json \
        --command "/usr/bin/python3 examples/protocol/train_torch.py" --pruner median --trials 12

Needs Debian's python3-torch and dataset-fashion-mnist. EPOCHS and TRAIN_LIMIT may be set in the environment.
"""
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = os.environ.get("NASCENT_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def report(message):
    print(json.dumps({"nascent": message["kind"], **{k: v for k, v in message.items() if k != "kind"}}), flush=True)


def main():
    config = json.loads(os.environ["NASCENT_CONFIG"])
    seed = int(os.environ.get("NASCENT_SEED", "0"))
    epochs = int(os.environ.get("EPOCHS", "4"))
    limit = int(os.environ.get("TRAIN_LIMIT", "6000"))
    torch.manual_seed(seed)
    torch.set_num_threads(1)

    images = torch.tensor(read_idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255.0
    labels = torch.tensor(read_idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
    images = (images - 0.286) / 0.353
    generator = torch.Generator().manual_seed(0)
    order = torch.randperm(len(images), generator=generator)
    train, valid = order[:limit], order[-2000:]

    layers, channels = [], 1
    for i in range(config["layers"]):
        out = config["channels"] * 2 ** i
        layers += [nn.Conv2d(channels, out, config["kernel"], padding=config["kernel"] // 2), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(2)]
        channels = out
    model = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=0.9)

    accuracy = 0.0
    for epoch in range(1, epochs + 1):
        model.train()
        shuffled = train[torch.randperm(len(train))]
        for start in range(0, len(shuffled), 128):
            batch = shuffled[start:start + 128]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images[batch]), labels[batch])
            if not torch.isfinite(loss):
                print(f"diverged at epoch {epoch} (lr {config['lr']:.3g})", file=sys.stderr)
                sys.exit(1)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(images[valid]).argmax(1) == labels[valid]).float().mean().item()
        report({"kind": "report", "step": epoch, "value": accuracy})

    params = sum(p.numel() for p in model.parameters())
    report({"kind": "result", "value": accuracy, "metrics": {"params": params}})


if __name__ == "__main__":
    main()
