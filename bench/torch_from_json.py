"""PyTorch reference for `npm run bench:train`: builds idiomatic torch.nn modules (NCHW, nn.Conv2d,
nn.BatchNorm2d, ...) from nascent's network descriptions, so both sides train exactly the same networks,
and times SGD steps (forward, backward, momentum update).

Input (stdin): {"threads": N, "models": [{"name", "network", "input": [H, W, C], "batch", "steps", "warmup"}]}
Output: one JSON line {"torch": VERSION, "models": {name: {"img_per_s", "ms_per_step"}}}.
Run with Debian's python3-torch and LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {"relu": nn.ReLU, "relu6": nn.ReLU6, "hswish": nn.Hardswish, "hsigmoid": nn.Hardsigmoid,
               "gelu": lambda: nn.GELU(approximate="tanh"), "sigmoid": nn.Sigmoid}


class Sequential(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Residual(nn.Module):
    def __init__(self, body, shortcut):
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x):
        return self.body(x) + (self.shortcut(x) if self.shortcut is not None else x)


class Cell(nn.Module):
    def __init__(self, nodes):
        super().__init__()
        self.sources = [[edge[0] for edge in node] for node in nodes]
        self.ops = nn.ModuleList([nn.ModuleList([edge[1] for edge in node]) for node in nodes])

    def forward(self, x):
        values = [x]
        for sources, ops in zip(self.sources, self.ops):
            terms = [op(values[i]) for i, op in zip(sources, ops) if op is not None]
            values.append(sum(terms) if terms else torch.zeros_like(x))
        return values[-1]


class Zero(nn.Module):
    def forward(self, x):
        return torch.zeros_like(x)


class Concat(nn.Module):
    def __init__(self, branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], 1)


class Mixed(nn.Module):
    """DARTS mixed op: sum_i softmax(alpha)_i * op_i(x)."""

    def __init__(self, ops):
        super().__init__()
        self.ops = nn.ModuleList(ops)
        self.alpha = nn.Parameter(torch.zeros(len(ops)))

    def forward(self, x):
        w = F.softmax(self.alpha, 0)
        return sum(w[i] * op(x) for i, op in enumerate(self.ops))


class GlobalPool(nn.Module):
    def forward(self, x):
        return x.mean((2, 3)) if x.dim() == 4 else x.mean(1)


class Flatten(nn.Module):
    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1) if x.dim() == 4 else x.flatten(1)


class SqueezeExcite(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(c, r), nn.Linear(r, c)

    def forward(self, x):
        gate = F.hardsigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3))))))
        return x * gate[:, :, None, None]


class ChannelShuffle(nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        n, c, h, w = x.shape
        return x.view(n, self.groups, c // self.groups, h, w).transpose(1, 2).reshape(n, c, h, w)


class PatchEmbed(nn.Module):
    def __init__(self, c, h, w, patch, dim):
        super().__init__()
        self.patch = patch
        self.pad = (0, -w % patch, 0, -h % patch)
        self.proj = nn.Conv2d(c, dim, patch, patch)
        self.position = nn.Parameter(torch.zeros(math.ceil(h / patch) * math.ceil(w / patch), dim))

    def forward(self, x):
        return self.proj(F.pad(x, self.pad)).flatten(2).transpose(1, 2) + self.position


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.qkv, self.out = heads, nn.Linear(d, 3 * d), nn.Linear(d, d)

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(x).view(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        return self.out((scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, d))


def build(layer, shape):
    """(module, output shape); shape is nascent's batchless NHWC shape."""
    kind = layer["kind"]
    if kind == "sequential":
        modules = []
        for child in layer["layers"]:
            module, shape = build(child, shape)
            modules.append(module)
        return Sequential(modules), shape
    if kind == "residual":
        body, out = build(layer["body"], shape)
        shortcut = build(layer["shortcut"], shape)[0] if layer.get("shortcut") else None
        return Residual(body, shortcut), out
    if kind == "cell":
        nodes = [[(e["from"], None if e["op"]["kind"] == "zero" else build(e["op"], shape)[0]) for e in node] for node in layer["nodes"]]
        return Cell(nodes), shape
    if kind == "mixed":
        return Mixed([build(op, shape)[0] for op in layer["ops"]]), shape
    if kind == "concat":
        built = [build(b, shape) for b in layer["branches"]]
        return Concat([m for m, _ in built]), built[0][1][:-1] + [sum(s[-1] for _, s in built)]
    if kind == "zero":
        return Zero(), shape
    if kind == "conv":
        h, w, c = shape
        k, stride, dilation = layer["kernel"], layer.get("stride", 1), layer.get("dilation", 1)
        conv = nn.Conv2d(c, layer["out"], k, stride, dilation * (k - 1) // 2, dilation, layer.get("groups", 1), bias=layer.get("bias", False))
        return conv, [math.ceil(h / stride), math.ceil(w / stride), layer["out"]]
    if kind == "dense":
        return nn.Linear(shape[-1], layer["out"], bias=layer.get("bias", True)), shape[:-1] + [layer["out"]]
    if kind == "batchNorm":
        return (nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d)(shape[-1]), shape
    if kind == "layerNorm":
        return nn.LayerNorm(shape[-1]), shape
    if kind == "activation":
        return ACTIVATIONS[layer["fn"]](), shape
    if kind == "pool":
        h, w, c = shape
        k, s, p = layer["kernel"], layer["stride"], layer["padding"]
        module = nn.MaxPool2d(k, s, p) if layer["op"] == "max" else nn.AvgPool2d(k, s, p, count_include_pad=False)
        return module, [(h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1, c]
    if kind == "globalPool":
        return GlobalPool(), [shape[-1]]
    if kind == "flatten":
        return Flatten(), [math.prod(shape)]
    if kind == "dropout":
        return nn.Dropout(layer["rate"]), shape
    if kind == "squeezeExcite":
        return SqueezeExcite(shape[2], layer["reduced"]), shape
    if kind == "channelShuffle":
        return ChannelShuffle(layer["groups"]), shape
    if kind == "patchEmbed":
        h, w, c = shape
        p = layer["patch"]
        return PatchEmbed(c, h, w, p, layer["dim"]), [math.ceil(h / p) * math.ceil(w / p), layer["dim"]]
    if kind == "attention":
        return Attention(shape[1], layer["heads"]), shape
    raise ValueError(f"no PyTorch module for layer kind {kind!r}")


def measure(spec):
    model, _ = build(spec["network"], list(spec["input"]))
    h, w, c = spec["input"]
    batch = spec["batch"]
    x = torch.randn(batch, c, h, w)
    if spec.get("channels_last"):  # PyTorch's CPU performance guide: NHWC in memory suits oneDNN's convolutions
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 10, (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model.train()
    for i in range(spec["warmup"] + spec["steps"]):
        if i == spec["warmup"]:
            start, cpu_start = time.perf_counter(), time.process_time()
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        loss.item()
    seconds = (time.perf_counter() - start) / spec["steps"]
    cpu_seconds = (time.process_time() - cpu_start) / spec["steps"]
    return {"img_per_s": batch / seconds, "ms_per_step": seconds * 1000, "img_per_cpu_s": batch / cpu_seconds}


def main():
    request = json.load(sys.stdin)
    torch.set_num_threads(request["threads"])
    torch.set_flush_denormal(True)  # the torch engine's addon sets the same flag
    torch.manual_seed(0)
    print(json.dumps({"torch": torch.__version__, "models": {m["name"]: measure(m) for m in request["models"]}}))


if __name__ == "__main__":
    main()
