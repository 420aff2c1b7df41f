"""The recall/QPS plot of the HNSW benchmark (PNG): one curve per engine over ef_search, sqlite-vec's
brute-force vec0 as a horizontal line. Usage: hnsw_plot.py RESULTS_JSON PNG (redraws from a run's results)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402


# Recall is drawn on a logit axis (0.9, 0.99, 0.999 equally spaced), where 1.0 itself cannot sit: a
# perfect score (no miss among queries x k) is drawn at PERFECT.
PERFECT = 0.99995


def plot(res, path):
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=120)
    for (name, curve), style in zip(res["curve"].items(), ("o-", "s--", "^:", "d-.")):
        recall = [min(p["recall"], PERFECT) for p in curve]
        ax.plot(recall, [p["qps"] for p in curve], style, label=name)
        if name.startswith("vec_graph"):
            for r, p in zip(recall, curve):
                ax.annotate(str(p["ef"]), (r, p["qps"]), textcoords="offset points", xytext=(-4, -11), fontsize=7)
    sv = res["sqlite_vec"]
    ax.axhline(sv["qps"], color="grey", linestyle="-.", label=f"sqlite-vec vec0 brute force (recall {sv['recall']:.2f})")
    ax.set_yscale("log")
    ax.set_xscale("logit")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlabel(f"recall@10 (logit scale; 1.0 drawn at {PERFECT})")
    ax.set_ylabel("queries per second, one thread (log)")
    ax.set_title(f"{res['n']:,} x {res['dims']} clustered float32, M={res['m']}, ef_construction="
                 f"{res['ef_construction']}\nlabels: ef_search; SQLite {res['sqlite']}, kernel {res['kernel']}",
                 fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    import json
    import sys

    with open(sys.argv[1]) as f:
        plot(json.load(f), sys.argv[2])
