"""Process-wide allocator setting for CPU training and evaluation."""
import ctypes


def keep_freed_memory():
    """glibc: keep freed blocks up to 1 GiB in the heap instead of returning them to the OS.

    By default every tensor above glibc's mmap threshold (at most 32 MiB, adapting upward) is mmap'ed
    and page-faulted anew at every step, and the heap top is trimmed after each free. Measured on the
    material_v2 generator (2 threads, forward + backward): 1.07 s -> 0.29 s at batch 16 of 128 px
    windows, 7.65 s -> 0.68 s at batch 8 of 256 px windows. Call once, before the first large tensor.
    A no-op where libc is not glibc (only slower there)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)   # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)   # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass
