# SPDX-License-Identifier: MIT
"""ntex_train: PyTorch training, reference and export code for ntex texture generators."""
