#!/usr/bin/env python3
"""node2vec_train against pecanpy (single-threaded: one numba thread, gensim workers=1) on one seeded
planted-partition graph stored in SQLite (4 communities x 250 nodes, p_in 0.1, p_out 0.005), with
dimensions 64, walk_length 40, num_walks 10, window 5, 5 negatives, rate 0.025, one epoch. Accuracy:
5-nearest-neighbour community vote by exact cosine over each tool's vectors (a seeded sample of 2,000
nodes when there are more; for node2vec_train also through its hnsw_index). Times: node2vec_train's whole call (reading the edge table, walks, training,
writing the hnsw_index) against pecanpy's read_edg + preprocessing + walks + Word2Vec, pecanpy's numba
compiled beforehand. Then node2vec_train alone on a 100,000-node graph. One run each; Markdown out.
Exit status 1 when a setting misses the goal (time ratio <= 1.5, accuracy gap <= 0.02).
Usage: node2vec_bench.py EXTENSION WORK_DIR [LARGE_NODES]"""
import random
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from pecanpy import pecanpy

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_json  # noqa: E402

SEED = 20261126
DIMS, WALKS, LENGTH, WINDOW, NEG, RATE, EPOCHS = 64, 10, 40, 5, 5, 0.025, 1
SETTINGS = [(1.0, 1.0), (1.0, 0.5), (0.5, 2.0)]


def planted_partition(rng, communities, size, p_in, p_out):
    n = communities * size
    return [(u, v) for u in range(n) for v in range(u + 1, n)
            if rng.random() < (p_in if u // size == v // size else p_out)]


def sparse_partition(rng, nodes, communities, degree, inside):
    """nodes * degree / 2 edges, a fraction `inside` of them within a community."""
    size = nodes // communities
    edges = []
    for _ in range(nodes * degree // 2):
        u = rng.randrange(nodes)
        v = (u // size) * size + rng.randrange(size) if rng.random() < inside else rng.randrange(nodes)
        edges.append((u, v))
    return edges


def connect(path, extension):
    db = sqlite3.connect(path, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(extension)
    return db


def store(work, name, edges):
    path = work / f"{name}.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE edges(src INTEGER, dst INTEGER)")
    db.executemany("INSERT INTO edges VALUES (?, ?)", edges)
    db.commit()
    db.close()
    tsv = work / f"{name}.edg"
    tsv.write_text("".join(f"{u}\t{v}\n" for u, v in edges))
    return path, tsv


def knn_vote(vectors, labels, k=5):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sim = unit @ unit.T
    np.fill_diagonal(sim, -np.inf)
    nearest = np.argsort(-sim, axis=1)[:, :k]
    votes = [Counter(labels[nearest[i]]).most_common(1)[0][0] for i in range(len(labels))]
    return float(np.mean(np.array(votes) == labels))


def ours(db_path, extension, p, q, with_hnsw_accuracy, labels_of):
    db = connect(db_path, extension)
    db.execute("DROP TABLE IF EXISTS emb")
    db.execute(f"CREATE VIRTUAL TABLE emb USING hnsw_index(dimensions={DIMS}, metric='cosine')")
    start = time.perf_counter()
    count = db.execute("SELECT node2vec_train('edges', 'src', 'dst', 'emb', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (DIMS, p, q, WALKS, LENGTH, WINDOW, NEG, RATE, EPOCHS)).fetchone()[0]
    seconds = time.perf_counter() - start
    rows = db.execute("SELECT rowid, vector FROM emb ORDER BY rowid").fetchall()
    ids = np.array([r for r, _ in rows])
    vectors = np.stack([np.frombuffer(v, dtype="<f4") for _, v in rows])
    labels = labels_of(ids)
    sample = np.random.default_rng(SEED).permutation(len(ids))[:2000]  # bounds the similarity matrix
    exact = knn_vote(vectors[sample], labels[sample])
    through_index = None
    if with_hnsw_accuracy:
        label = dict(zip(ids.tolist(), labels.tolist()))
        correct = 0
        for rowid, vector in rows:
            hits = db.execute("SELECT rowid FROM emb WHERE vector MATCH ? AND k = 6", (vector,)).fetchall()
            votes = Counter(label[r] for (r,) in hits if r != rowid).most_common(1)
            correct += votes[0][0] == label[rowid]
        through_index = correct / len(rows)
    db.close()
    return count, seconds, exact, through_index


def peer(tsv, p, q, mode):
    """pecanpy's embed() in its three stages, timed: read (+ preprocess), walks, Word2Vec."""
    from gensim.models import Word2Vec
    start = time.perf_counter()
    g = getattr(pecanpy, mode)(p=p, q=q, workers=1, verbose=False, random_state=SEED)
    g.read_edg(str(tsv), weighted=False, directed=False)
    if mode == "PreComp":
        g.preprocess_transition_probs()
    walks = g.simulate_walks(WALKS, LENGTH)
    trained = time.perf_counter()
    w2v = Word2Vec(walks, vector_size=DIMS, window=WINDOW, sg=1, min_count=0, workers=1, epochs=EPOCHS, seed=SEED)
    end = time.perf_counter()
    return np.array([int(n) for n in g.nodes]), w2v.wv[g.nodes], end - start, end - trained


def main():
    extension, work = sys.argv[1], Path(sys.argv[2])
    large = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    work.mkdir(parents=True, exist_ok=True)
    size = 250
    small, small_tsv = store(work, "planted", planted_partition(random.Random(SEED), 4, size, 0.1, 0.005))
    for mode in ("SparseOTF", "PreComp"):  # numba compiles here, outside the timings
        peer(small_tsv, 1.0, 0.5, mode)
    print(f"planted partition 4 x {size} (p_in 0.1, p_out 0.005); dims {DIMS}, walk_length {LENGTH}, "
          f"num_walks {WALKS}, window {WINDOW}, {NEG} negatives, rate {RATE}, {EPOCHS} epoch\n")
    print("| p | q | node2vec_train s | pecanpy s (best mode) | of which Word2Vec s | time ratio "
          "| ratio to Word2Vec alone | accuracy ours (exact / hnsw) | accuracy pecanpy | accuracy gap | pass |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    ratios = []
    for p, q in SETTINGS:
        count, ours_s, ours_acc, hnsw_acc = ours(small, extension, p, q, True, lambda ids: ids // size)
        runs = [peer(small_tsv, p, q, mode) for mode in ("SparseOTF", "PreComp")]
        nodes, emb, peer_s, w2v_s = min(runs, key=lambda r: r[2])
        peer_acc = knn_vote(emb, nodes // size)
        ratio, gap = ours_s / peer_s, peer_acc - ours_acc
        ratios.append(bench_json.ratio_entry(f"node2vec: planted partition, p {p:g}, q {q:g} vs pecanpy", ours_s, peer_s, "pecanpy"))
        passed = ratio <= 1.5 and gap <= 0.02
        ok &= passed
        print(f"| {p:g} | {q:g} | {ours_s:.3f} | {peer_s:.3f} | {w2v_s:.3f} | {ratio:.2f}x | {ours_s / w2v_s:.2f}x "
              f"| {ours_acc:.3f} / {hnsw_acc:.3f} | {peer_acc:.3f} | {gap:+.3f} | {'yes' if passed else 'NO'} |")

    big, big_tsv = store(work, "large", sparse_partition(random.Random(SEED), large, 4, 10, 0.8))
    quarter = large // 4
    count, ours_s, ours_acc, _ = ours(big, extension, 1.0, 0.5, False, lambda ids: ids // quarter)
    nodes, emb, peer_s, w2v_s = peer(big_tsv, 1.0, 0.5, "SparseOTF")
    sample = np.random.default_rng(SEED).permutation(len(nodes))[:2000]
    peer_acc = knn_vote(emb[sample], nodes[sample] // quarter)
    print(f"\n{large:,}-node graph (4 communities, average degree 10, 80% of edges inside), p 1, q 0.5: "
          f"node2vec_train {ours_s:.1f} s for {count:,} nodes (reading, walks, training and {count:,} "
          f"hnsw_index inserts); pecanpy SparseOTF {peer_s:.1f} s (reading, walks and Word2Vec; "
          f"Word2Vec alone {w2v_s:.1f} s). 5-NN accuracy within a sample of 2,000 nodes: "
          f"ours {ours_acc:.3f}, pecanpy {peer_acc:.3f}.")
    ratios.append(bench_json.ratio_entry(f"node2vec: {large:,} nodes, p 1, q 0.5 vs pecanpy SparseOTF", ours_s, peer_s, "pecanpy"))
    bench_json.write(work / "ratios.json", ratios)
    print(f"\nratios (vec_graph time / peer time) in {work / 'ratios.json'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
