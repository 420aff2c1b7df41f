"""The HNSW benchmark's data: a seeded Gaussian mixture of float32 vectors, queries drawn from the same
mixture, a seeded 1% (or any fraction) allowed-id filter, and exact ground truth by brute force (numpy)."""
import numpy as np

CLUSTERS = 100


def mixture(n, n_queries, dims, seed):
    """(base vectors, query vectors): n + n_queries draws of one mixture of CLUSTERS Gaussians."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0.0, 1.0, (CLUSTERS, dims))
    spread = rng.uniform(0.2, 0.5, CLUSTERS)
    which = rng.integers(0, CLUSTERS, n + n_queries)
    points = centers[which] + rng.normal(0.0, 1.0, (n + n_queries, dims)) * spread[which, None]
    points = points.astype(np.float32)
    return points[:n], points[n:]


def allowed_ids(n, fraction, seed):
    """A seeded random subset of the ids 1..n, sorted."""
    rng = np.random.default_rng(seed + 1)
    return np.sort(rng.choice(np.arange(1, n + 1), size=max(1, int(n * fraction)), replace=False))


def exact_knn(base, queries, k, ids=None):
    """The ids (1-based rows of base, or ids[j] for the rows ids - 1) of each query's k nearest by
    squared L2, computed in float64."""
    rows = base if ids is None else base[ids - 1]
    labels = np.arange(1, len(base) + 1) if ids is None else ids
    x = rows.astype(np.float64)
    x_norm = (x * x).sum(axis=1)
    out = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 100):
        q = queries[start:start + 100].astype(np.float64)
        d = x_norm[None, :] - 2.0 * (q @ x.T)
        top = np.argpartition(d, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(d, top, axis=1).argsort(axis=1)
        out[start:start + 100] = labels[np.take_along_axis(top, order, axis=1)]
    return out


def recall(found, truth):
    """Mean recall@k of found (a list of id lists) against truth (rows of k ids)."""
    k = truth.shape[1]
    return float(np.mean([len(set(f[:k]) & set(t)) / k for f, t in zip(found, truth)]))


def main(out, n, n_queries, dims, seed):
    """Writes out/base.npy and out/queries.npy (run as a child, so the benchmark's own process stays small
    while the index builds it starts are measured)."""
    base, queries = mixture(int(n), int(n_queries), int(dims), int(seed))
    np.save(f"{out}/base.npy", base)
    np.save(f"{out}/queries.npy", queries)


if __name__ == "__main__":
    import sys

    main(*sys.argv[1:])
