#!/usr/bin/python3
"""Native PyTorch reference for the app's default SimCLR training step.

The same step as lib/train/bench.ts times on a tfjs backend (the sweep
defaults, sweepConfigSchema.parse({})):
  * a batch of 128 real MNIST images, 28x28x1, uint8 -> float in [0, 1];
  * two augmented views of each (256 images), all random choices batched:
    RandomResizedCrop(scale=(0.08, 1), ratio=(3/4, 4/3)) with a continuous
    box and bilinear sampling (lib/train/crop.ts), then, with probability
    0.8, brightness and contrast factors ~ U(0.2, 1.8), each clipped to
    [0, 1] (lib/train/augment.ts, grayscale images);
  * encoder 3 x (conv3x3 stride 2 pad 1 + bias + ReLU), channels 16/32/64,
    global average pool, projector Linear(64, 64) + ReLU + Linear(64, 64)
    (lib/train/model.ts);
  * NT-Xent at temperature 0.2, diagonal masked with -1e9 (lib/train/loss.ts);
  * Adam, lr 0.01, tfjs's epsilon 1e-7; the loss is read back every step.

Run with Debian's interpreter (python3-torch 1.13 installs there):
  /usr/bin/python3 bench/torch_step.py --threads 2 --steps 20 --json
Prints one JSON object. Timing does not depend on the pixels, so random
images are used when the app's MNIST asset is missing ("data" says which).
"""

import argparse
import json
import math
import os
import platform
import struct
import sys
import time

import torch
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATASET = os.path.join(REPO, "public", "datasets", "mnist-10k.bin")
HEADER_BYTES = 28

CROP_MIN_SCALE = 0.08
CROP_RATIO = (3 / 4, 4 / 3)
CROP_ATTEMPTS = 10
JITTER_PROB = 0.8
JITTER_STRENGTH = 1.0
TEMPERATURE = 0.2
LEARNING_RATE = 0.01
SELF_SIMILARITY_MASK = -1e9


def load_images(path):
    """The app's ILDS asset (scripts/build-mnist.mjs) as a uint8 NCHW tensor, or None."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if len(data) < HEADER_BYTES or data[:4] != b"ILDS":
        return None
    _version, count, height, width, channels, _classes = struct.unpack_from("<6I", data, 4)
    pixels = count * height * width * channels
    flat = torch.frombuffer(bytearray(data[HEADER_BYTES : HEADER_BYTES + pixels]), dtype=torch.uint8)
    return flat.view(count, height, width, channels).permute(0, 3, 1, 2).contiguous()


def sample_crop_theta(count, height, width, generator):
    """Batched torchvision-style box draws as affine_grid matrices.

    Up to 10 tries of (area ~ U(a, 1) * H * W, log aspect ~ U(log 3/4, log 4/3)),
    first fitting one wins, else the centred fallback box (for a square image:
    the full image). The box is mapped exactly like cropBoxToNormalized +
    cropAndResize: output pixel k sits at the centre of its cell in the box,
    clamped to the image; with align_corners=True, [-1, 1] spans pixel centres
    0 .. size-1.
    """
    area = height * width
    target = area * (CROP_MIN_SCALE + (1 - CROP_MIN_SCALE) * torch.rand(count, CROP_ATTEMPTS, generator=generator))
    log_low, log_high = math.log(CROP_RATIO[0]), math.log(CROP_RATIO[1])
    aspect = torch.exp(log_low + (log_high - log_low) * torch.rand(count, CROP_ATTEMPTS, generator=generator))
    box_w = torch.sqrt(target * aspect)
    box_h = torch.sqrt(target / aspect)
    fits = (box_w <= width) & (box_h <= height)
    any_fit = fits.any(dim=1)
    first = torch.argmax(fits.to(torch.int8), dim=1, keepdim=True)
    box_w = torch.where(any_fit, box_w.gather(1, first).squeeze(1), torch.tensor(float(width)))
    box_h = torch.where(any_fit, box_h.gather(1, first).squeeze(1), torch.tensor(float(height)))
    top = torch.rand(count, generator=generator) * (height - box_h)
    left = torch.rand(count, generator=generator) * (width - box_w)

    def axis(start, length, size):
        half = 0.5 * length / size
        first_px = ((start + half - 0.5) / (size - 1)).clamp(0, 1)
        last_px = ((start + length - half - 0.5) / (size - 1)).clamp(0, 1)
        # normalised coordinate = scale * base + shift, base in [-1, 1]
        return last_px - first_px, first_px + last_px - 1

    scale_y, shift_y = axis(top, box_h, height)
    scale_x, shift_x = axis(left, box_w, width)
    theta = torch.zeros(count, 2, 3)
    theta[:, 0, 0] = scale_x
    theta[:, 0, 2] = shift_x
    theta[:, 1, 1] = scale_y
    theta[:, 1, 2] = shift_y
    return theta


def augment_views(images, generator, views=2):
    """views x batch augmented images, view-major (rows i and i + B are a pair)."""
    batch, channels, height, width = images.shape
    count = batch * views
    source = images.repeat(views, 1, 1, 1)
    theta = sample_crop_theta(count, height, width, generator)
    grid = F.affine_grid(theta, [count, channels, height, width], align_corners=True)
    out = F.grid_sample(source, grid, mode="bilinear", padding_mode="border", align_corners=True)

    low, high = max(0.0, 1 - 0.8 * JITTER_STRENGTH), 1 + 0.8 * JITTER_STRENGTH
    jittered = torch.rand(count, generator=generator) < JITTER_PROB
    brightness = low + (high - low) * torch.rand(count, generator=generator)
    contrast = low + (high - low) * torch.rand(count, generator=generator)
    one = torch.ones(count)
    brightness = torch.where(jittered, brightness, one).view(count, 1, 1, 1)
    contrast = torch.where(jittered, contrast, one).view(count, 1, 1, 1)
    out = (out * brightness).clamp(0, 1)
    mean = out.mean(dim=(1, 2, 3), keepdim=True)  # grayscale: the image is its own luma
    return (out * contrast + mean * (1 - contrast)).clamp(0, 1)


class Encoder(torch.nn.Module):
    """depth x (conv3x3/2 + ReLU), GAP, projector featureDim -> featureDim -> projectionDim."""

    def __init__(self, in_channels=1, width=16, depth=3, projection_dim=64):
        super().__init__()
        convs = []
        channels = in_channels
        for block in range(depth):
            out_channels = width * 2**block
            conv = torch.nn.Conv2d(channels, out_channels, 3, stride=2, padding=1)
            torch.nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")  # heNormal, fan-in
            torch.nn.init.zeros_(conv.bias)
            convs.append(conv)
            channels = out_channels
        self.convs = torch.nn.ModuleList(convs)
        self.hidden = torch.nn.Linear(channels, channels)
        self.output = torch.nn.Linear(channels, projection_dim)
        for layer in (self.hidden, self.output):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        features = x.mean(dim=(2, 3))
        return self.output(F.relu(self.hidden(features)))


def nt_xent(projections, temperature):
    rows = projections.shape[0]
    batch = rows // 2
    normalised = projections / torch.sqrt((projections * projections).sum(dim=1, keepdim=True) + 1e-12)
    similarity = normalised @ normalised.t() / temperature
    eye = torch.eye(rows)
    masked = similarity * (1 - eye) + eye * SELF_SIMILARITY_MASK
    positives = (torch.arange(rows) + batch) % rows
    return F.cross_entropy(masked, positives)  # = -mean_i log_softmax(masked)[i, p(i)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch.set_num_threads (default: all cores)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--batch", type=int, default=128, help="source images per step (each gives 2 views)")
    parser.add_argument("--dataset", default=DEFAULT_DATASET, help="ILDS asset (default: the app's MNIST)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="compact one-line JSON (default: indented)")
    args = parser.parse_args()

    torch.set_num_threads(max(1, args.threads))
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    images = load_images(args.dataset)
    data = "mnist-10k.bin" if images is not None else "random"
    if images is None:
        images = torch.randint(0, 256, (10_000, 1, 28, 28), dtype=torch.uint8, generator=generator)
    count, channels, height, width = images.shape

    model = Encoder(in_channels=channels)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=1e-7)
    cursor = 0

    def step():
        nonlocal cursor
        index = (torch.arange(args.batch) + cursor) % count
        cursor = (cursor + args.batch) % count
        batch = images[index].float().div_(255)
        views = augment_views(batch, generator)
        loss = nt_xent(model(views), TEMPERATURE)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()  # read back every step, as the tfjs benchmark does

    for _ in range(args.warmup):
        step()
    loss = float("nan")
    times = []
    for _ in range(args.steps):
        started = time.perf_counter()
        loss = step()
        times.append(1000 * (time.perf_counter() - started))
    ms_per_step = sum(times) / max(1, len(times))
    ordered = sorted(times) or [float("nan")]

    result = {
        "runtime": "native",
        "framework": "pytorch",
        "torchVersion": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "msPerStep": ms_per_step,
        # Mean, as lib/train/bench.ts reports; the median and the fastest step show how noisy the machine was.
        "msPerStepMedian": ordered[len(ordered) // 2],
        "msPerStepMin": ordered[0],
        "imagesPerSecond": 1000 * args.batch / ms_per_step,
        "batchSize": args.batch,
        "views": 2,
        "inputShape": [height, width, channels],
        "encoder": {"arch": "convnet", "width": 16, "depth": 3, "projectionDim": 64},
        "warmupSteps": args.warmup,
        "timedSteps": args.steps,
        "data": data,
        "lastLoss": loss,
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
