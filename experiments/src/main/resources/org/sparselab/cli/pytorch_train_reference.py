"""PyTorch eager reference loop for `sparselab bench train`.

Trains the CIFAR ResNet that sparselab's `resnet20` ... `resnet110` build (models/CifarResNet.java: 3x3 stem of 16
channels, three stages of basic blocks with 16/32/64 channels, the 2nd and 3rd starting with stride 2, option-B
shortcuts = 1x1 conv with stride + BN where the shape changes, global average pooling, one linear layer) on one random
in-memory batch: forward, cross-entropy, backward, SGD (momentum 0.9, weight decay 5e-4), the loss read back each
step as a training loop logs it. No data loading. Each memory format gets a fresh model (same seed), `--warmup`
untimed steps, then `--iterations` timed ones.

Prints one JSON line: torch version, threads, trainable parameter count and images/s per format.
Exits 1 with a message on stderr when torch cannot be imported.
"""

import argparse
import json
import sys
import time


def build(torch, blocks_per_stage, in_channels, classes):
    nn = torch.nn

    def conv_bn(cin, cout, kernel, stride):
        return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(cout)]

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.main = nn.Sequential(*conv_bn(cin, cout, 3, stride), nn.ReLU(inplace=True), *conv_bn(cout, cout, 3, 1))
            self.shortcut = (nn.Identity() if stride == 1 and cin == cout
                             else nn.Sequential(*conv_bn(cin, cout, 1, stride)))

        def forward(self, x):
            return torch.relu(self.main(x) + self.shortcut(x))

    layers = [*conv_bn(in_channels, 16, 3, 1), nn.ReLU(inplace=True)]
    cin = 16
    for stage, cout in enumerate((16, 32, 64)):
        for b in range(blocks_per_stage):
            layers.append(BasicBlock(cin, cout, 2 if stage > 0 and b == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    return net


def images_per_second(torch, args, channels_last):
    torch.manual_seed(args.seed)
    net = build(torch, args.blocks_per_stage, args.in_channels, args.classes)
    x = torch.randn(args.batch, args.in_channels, args.image_size, args.image_size)
    y = torch.randint(0, args.classes, (args.batch,))
    if channels_last:  # PyTorch's recipe: model and input both channels-last
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(args.iterations):
        step()
    seconds = time.perf_counter() - t0
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    return args.iterations * args.batch / seconds, params


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks-per-stage", type=int, required=True, help="n of a CIFAR ResNet of depth 6n + 2")
    p.add_argument("--in-channels", type=int, required=True)
    p.add_argument("--image-size", type=int, required=True)
    p.add_argument("--classes", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, required=True, help="torch.set_num_threads")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--iterations", type=int, required=True)
    p.add_argument("--formats", default="nchw,channels_last")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    try:
        import torch
    except ImportError as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    torch.set_num_threads(args.threads)
    result = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "batch": args.batch,
              "warmup": args.warmup, "iterations": args.iterations, "images_per_s": {}}
    for name in args.formats.split(","):
        if name not in ("nchw", "channels_last"):
            print(f"unknown format {name!r}: expected nchw or channels_last", file=sys.stderr)
            sys.exit(2)
        result["images_per_s"][name], result["params"] = images_per_second(torch, args, name == "channels_last")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
