#!/usr/bin/python3
"""Role: generate sqlite-versions/manifest.json (the compat-matrix release manifest).

Inputs: sqlite-releases.tsv (argument; default ../shared/data/sqlite-releases.tsv
relative to the repo root), features.tsv and local-sources.tsv beside this script.
Output is deterministic: same inputs, same bytes. Python 3 stdlib only.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_TSV = REPO / ".." / "shared" / "data" / "sqlite-releases.tsv"
OUTPUT = HERE / "manifest.json"
# Minors whose last listed patch joins default_set; the latest release is always added.
DEFAULT_MINORS = ["3.21", "3.26", "3.31", "3.38", "3.41", "3.44"]
# boundary_set: the offline releases where behaviour changes, fully instrumented (msan) by make matrix:
# the oldest and the newest available offline, and these (each must be available offline).
BOUNDARY = {"3.38.3": "first offline release with sqlite3_vtab_in",
            "3.41.0": "exact ORDER BY ... LIMIT boundary (LIMIT/OFFSET reach xBestIndex)",
            "3.46.1": "first offline release with xIntegrity"}
LAYOUTS = {"amalgamation", "amalgamation-with-tail", "autoconf", "source-tree"}
VERSION_RE = re.compile(r"^3\.\d+\.\d+$")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def fail(msg):
    sys.exit(f"make-manifest: {msg}")


def vkey(version):
    return tuple(int(part) for part in version.split("."))


def read_tsv(path, columns):
    """Rows of a tab-separated file as dicts; skips '#' comments and the header row."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        fail(f"cannot read {path}: {err.strerror}")
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells == columns:
            continue
        if len(cells) != len(columns):
            fail(f"{path}:{lineno}: expected {len(columns)} columns, got {len(cells)}")
        row = dict(zip(columns, cells))
        if not VERSION_RE.match(row[columns[0]]):
            fail(f"{path}:{lineno}: bad version {row[columns[0]]!r}")
        rows.append(row)
    return rows


def sha_or_none(value, where):
    if value and not SHA_RE.match(value):
        fail(f"{where}: bad sha256 {value!r}")
    return value or None


def official(url, sha, layout):
    return {"file": url.rsplit("/", 1)[-1], "url": url, "sha256": sha, "layout": layout,
            "subdir": None, "origin": "official", "sqlite3_c_sha256": None, "sqlite3ext_h": True,
            "sqlite3ext_h_path": None}


def main(argv):
    if len(argv) > 2:
        fail("usage: make-manifest.py [sqlite-releases.tsv]")
    tsv = Path(argv[1]) if len(argv) == 2 else DEFAULT_TSV
    releases = read_tsv(tsv, ["version", "release_date", "year_dir", "amalgamation_zip_url",
                              "amalgamation_zip_sha256", "autoconf_tar_url",
                              "autoconf_tar_sha256", "source_id"])
    features = read_tsv(HERE / "features.tsv", ["since", "id", "description"])
    local = read_tsv(HERE / "local-sources.tsv",
                     ["version", "file", "sha256", "layout", "subdir", "origin", "how",
                      "sqlite3_c_sha256", "sqlite3ext_h"])

    if len({f["id"] for f in features}) != len(features):
        fail("features.tsv: duplicate feature ids")
    known = {r["version"] for r in releases}
    if len(known) != len(releases):
        fail(f"{tsv}: duplicate versions")
    local_by_version = {}
    for row in local:
        if row["version"] not in known:
            fail(f"local-sources.tsv: {row['version']} is not in {tsv}")
        if row["layout"] not in LAYOUTS:
            fail(f"local-sources.tsv: bad layout {row['layout']!r}")
        if not SHA_RE.match(row["sha256"]) or not SHA_RE.match(row["sqlite3_c_sha256"]):
            fail(f"local-sources.tsv: {row['file']}: a local source needs a pinned archive and sqlite3.c sha256")
        if row["sqlite3ext_h"] not in ("yes", "no") and not row["sqlite3ext_h"].endswith("/sqlite3ext.h"):
            fail(f"local-sources.tsv: {row['file']}: sqlite3ext_h must be yes, no or a path ending in /sqlite3ext.h")
        local_by_version.setdefault(row["version"], []).append({
            "file": row["file"], "url": None, "sha256": row["sha256"], "layout": row["layout"],
            "subdir": row["subdir"] or None, "origin": row["origin"],
            "sqlite3_c_sha256": row["sqlite3_c_sha256"], "sqlite3ext_h": row["sqlite3ext_h"] != "no",
            "sqlite3ext_h_path": row["sqlite3ext_h"] if "/" in row["sqlite3ext_h"] else None})

    out_releases = []
    for r in sorted(releases, key=lambda r: vkey(r["version"])):
        where = f"{tsv}: {r['version']}"
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", r["release_date"]):
            fail(f"{where}: release_date {r['release_date']!r} is not YYYY-MM-DD")
        sources = list(local_by_version.get(r["version"], []))
        if r["amalgamation_zip_url"]:
            sources.append(official(r["amalgamation_zip_url"],
                                    sha_or_none(r["amalgamation_zip_sha256"], where), "amalgamation"))
        if r["autoconf_tar_url"]:
            sources.append(official(r["autoconf_tar_url"],
                                    sha_or_none(r["autoconf_tar_sha256"], where), "autoconf"))
        out_releases.append({"version": r["version"], "date": r["release_date"],
                             "source_id": r["source_id"] or None, "sources": sources})

    versions = [r["version"] for r in out_releases]
    default_set = []
    for minor in DEFAULT_MINORS:
        patches = [v for v in versions if v.startswith(minor + ".")]
        if not patches:
            fail(f"default_set: no {minor}.x release in {tsv}")
        default_set.append(patches[-1])
    if versions[-1] not in default_set:
        default_set.append(versions[-1])

    offline = sorted(local_by_version, key=vkey)
    for version in BOUNDARY:
        if version not in local_by_version:
            fail(f"boundary_set: {version} ({BOUNDARY[version]}) is not in local-sources.tsv")
    boundary_set = sorted({offline[0], offline[-1], *BOUNDARY}, key=vkey)

    manifest = {
        "generated_from": "sqlite-releases.tsv + features.tsv + local-sources.tsv",
        "note": f"Releases {versions[0]} .. {versions[-1]} as listed in sqlite-releases.tsv; "
                "newer releases are added by re-running make-manifest.py with a newer TSV.",
        "default_set": default_set,
        "available_offline": offline,
        "boundary_set": boundary_set,
        "features": [{"since": f["since"], "id": f["id"], "description": f["description"]}
                     for f in sorted(features, key=lambda f: vkey(f["since"]))],
        "releases": out_releases,
    }
    OUTPUT.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO)}: {len(versions)} releases, "
          f"default_set {' '.join(default_set)}, boundary_set {' '.join(boundary_set)}, "
          f"offline ({len(offline)}) {' '.join(offline)}")


if __name__ == "__main__":
    main(sys.argv)
