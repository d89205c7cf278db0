# SPDX-License-Identifier: MIT
"""discriminator.py: a small residual-free conv discriminator for 64x64 texture crops."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class EqualConv(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.scale = 1.0 / math.sqrt(cin * k * k)
        self.pad = k // 2

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.pad)


class Discriminator(nn.Module):
    """64 -> 32 -> 16 -> 8 -> 4 with 3x3 convs, lrelu and 2x2 average pooling, minibatch stddev, linear head."""

    def __init__(self, channels=(32, 64, 96, 128), mbstd_group=4, in_channels=3, classes=0):
        """in_channels: 3 for albedo; 7 for a material (albedo 3, height, roughness, 2 mask planes).
        classes > 0: a projection discriminator (Miyato & Koyama 2018): the score gains
        <embed[c], phi(x)> over classes + 1 rows (the last is "any"), starting at zero."""
        super().__init__()
        self.classes = classes
        if classes:
            self.embed = nn.Parameter(torch.zeros(classes + 1, channels[-1] * 16))
        cs = (in_channels,) + tuple(channels)
        self.convs = nn.ModuleList(EqualConv(cs[i], cs[i + 1], 3) for i in range(len(channels)))
        self.final = EqualConv(cs[-1] + 1, cs[-1], 3)
        self.head = nn.Parameter(torch.randn(1, cs[-1] * 16))
        self.head_bias = nn.Parameter(torch.zeros(1))
        self.mbstd_group = mbstd_group

    def feature_size(self):
        """Length of phi, the flattened last feature map (what the heads read)."""
        return self.head.shape[1]

    def forward(self, x, cls=None, features=False):
        """x [B, in_channels, 64, 64]; cls [B] class rows (projection discriminators). Returns the score
        [B, 1], or (score, phi [B, feature_size()]) with features=True."""
        for conv in self.convs:
            x = F.avg_pool2d(F.leaky_relu(conv(x), 0.2), 2)
        b, c, h, w = x.shape
        g = min(self.mbstd_group, b)
        if b % g == 0:
            y = x.reshape(g, -1, c, h, w)
            y = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3))  # [b / g]
            y = y.reshape(-1, 1, 1, 1).repeat(g, 1, h, w)
        else:
            y = x.new_zeros(b, 1, h, w)
        x = F.leaky_relu(self.final(torch.cat([x, y], 1)), 0.2)
        phi = x.flatten(1)
        out = F.linear(phi, self.head / math.sqrt(self.head.shape[1]), self.head_bias)
        if self.classes and cls is not None:
            out = out + (self.embed[cls] * phi).sum(1, keepdim=True) / math.sqrt(phi.shape[1])
        return (out, phi) if features else out
