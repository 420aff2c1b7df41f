"""Fashion-MNIST for the HNSW benchmark, as ann-benchmarks uses it (fashion-mnist-784-euclidean): the
60,000 training images are the index, the 10,000 test images the queries, 784 raw pixel values as
float32, squared L2. Read from Debian's dataset-fashion-mnist package (IDX files), which
bench/hnsw_run.sh installs."""
import gzip
from pathlib import Path

import numpy as np

SOURCE = Path("/usr/share/datasets/fashion-mnist")


def read_images(path):
    """An IDX3 file of unsigned bytes: magic 0x00000803, count, rows, columns, then the pixels."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in range(0, 16, 4))
    if magic != 0x803 or len(data) != 16 + count * rows * cols:
        raise ValueError(f"{path}: not an IDX3 image file")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols).astype(np.float32)


def prepare(out):
    """Writes out/base.npy (60,000 x 784) and out/queries.npy (10,000 x 784)."""
    np.save(out / "base.npy", read_images(SOURCE / "train-images-idx3-ubyte.gz"))
    np.save(out / "queries.npy", read_images(SOURCE / "t10k-images-idx3-ubyte.gz"))
