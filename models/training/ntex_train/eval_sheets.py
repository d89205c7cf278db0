# SPDX-License-Identifier: MIT
"""eval_sheets.py: the pictures of the material_v2 evaluation: generated samples beside real held-out
windows at the same scale (pixel for pixel, no resampling), so a reader can judge them by eye.

A comparison sheet is 2 x 2 blocks of 4 x 4 images: albedo of the generated samples | albedo of the
real windows on top, their heights (grayscale) below, each block under a one-line caption.
"""
import numpy as np
from PIL import Image, ImageDraw

GAP = 16        # pixels between the blocks
CAPTION = 14    # caption strip above each block


def grid(images, cols=4):
    """[N, h, w, 3|1] or [N, h, w] uint8 -> one [rows * h, cols * w, 3] image (white where empty)."""
    imgs = [im if im.ndim == 3 and im.shape[2] == 3 else np.repeat(im.reshape(im.shape[0], im.shape[1], 1), 3, 2)
            for im in images]
    h, w = imgs[0].shape[:2]
    rows = max(1, -(-len(imgs) // cols))
    out = np.full((rows * h, cols * w, 3), 255, np.uint8)
    for k, im in enumerate(imgs):
        r, c = divmod(k, cols)
        out[r * h:(r + 1) * h, c * w:(c + 1) * w] = im
    return out


def comparison_sheet(generated, real, path, left="generated", right="held-out real", cols=4):
    """generated, real: uint8 [N, S, S, 4] (albedo + height), N <= cols^2 used. Writes a PNG."""
    n = cols * cols
    blocks = []
    for channels in (slice(0, 3), slice(3, 4)):
        pair = []
        for images in (generated, real):
            im = images[:n, ..., channels] if len(images) else np.zeros((1, 8, 8, 3), np.uint8)
            pair.append(grid(list(im), cols))
        blocks.append(pair)
    bh, bw = blocks[0][0].shape[:2]
    sheet = Image.new("RGB", (2 * bw + GAP, 2 * (bh + CAPTION) + GAP), "white")
    draw = ImageDraw.Draw(sheet)
    for r, (pair, what) in enumerate(zip(blocks, ("albedo", "height"))):
        y = r * (bh + CAPTION + GAP)
        for c, (block, who) in enumerate(zip(pair, (left, right))):
            x = c * (bw + GAP)
            draw.text((x + 2, y + 1), f"{who}: {what}", fill=(0, 0, 0))
            sheet.paste(Image.fromarray(block), (x, y + CAPTION))
    # JPEG (quality 82) for .jpg paths: 15 sheets of 2k x 2k noisy textures are ~90 MB as PNG, ~16 MB
    # as JPEG, and they are committed beside the model card every time the model is re-evaluated.
    if path.lower().endswith((".jpg", ".jpeg")):
        sheet.save(path, quality=82)
    else:
        sheet.save(path)
    return path
