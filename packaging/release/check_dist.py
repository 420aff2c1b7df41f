#!/usr/bin/env python3
"""Role: check a release folder (assemble.sh's OUTDIR) as a test run: exactly the expected files, their
SHA256SUMS, each binary (packaging/dist/verify.py), each wheel (tags, contents, RECORD, version,
twine check), each vec-graph-sqlite wheel in wheels-sqlite/ (check_sqlite_wheels), each npm tarball
(name, version, os/cpu, the very binary of its target), @vec-graph/wasm (check_npm_wasm), VERSION
everywhere, a CHANGELOG entry for VERSION, and RELEASE_TAG == v<VERSION> when that is set.
--no-wasm REASON (the dry run on a machine without the wasm toolchain) expects no @vec-graph/wasm
tarball and counts its checks as one skipped; a release (RELEASE_TAG set) refuses it.
Prints one line per check and ends with "N passed, N failed[, N skipped]". Run it with
packaging/dist/venv.sh's python (twine).

usage: check_dist.py OUTDIR [AGAIN] [--no-wasm REASON]"""
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The release targets as the distribution plan defines them: binary suffix, npm os and cpu, wheel tag.
TARGETS = {
    "linux-x64": ("so", "linux", "x64", "manylinux_2_17_x86_64"),
    "linux-arm64": ("so", "linux", "arm64", "manylinux_2_17_aarch64"),
    "darwin-x64": ("dylib", "darwin", "x64", "macosx_10_13_x86_64"),
    "darwin-arm64": ("dylib", "darwin", "arm64", "macosx_11_0_arm64"),
    "win32-x64": ("dll", "win32", "x64", "win_amd64"),
}


class Checks:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def check(self, ok, what, detail=""):
        print(f"  {'ok  ' if ok else 'FAIL'} {what}" + (f"\n{detail}" if detail and not ok else ""))
        self.passed += bool(ok)
        self.failed += not ok
        return ok

    def skip(self, what, reason):
        print(f"  skip {what}: {reason}")
        self.skipped += 1


def tgz_members(path):
    with tarfile.open(path) as tar:
        return {m.name: (m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()}


def verify_binary(c, data, target, label):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"vec_graph.{TARGETS[target][0]}"
        path.write_bytes(data)
        run = subprocess.run([sys.executable, str(ROOT / "packaging/dist/verify.py"), str(path), target],
                             capture_output=True, text=True)
    c.check(run.returncode == 0, f"{label}: verify.py {target}", run.stdout + run.stderr)


def record_ok(zf, dist_info):
    lines = zf.read(f"{dist_info}/RECORD").decode().splitlines()
    listed = {}
    for line in lines:
        name, digest, size = line.rsplit(",", 2)
        listed[name] = (digest, size)
    files = [name for name in zf.namelist() if not name.endswith("/")]  # auditwheel writes folder entries
    for name in files:
        if name == f"{dist_info}/RECORD":
            continue
        data = zf.read(name)
        want = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if listed.get(name) != (want, str(len(data))):
            return False
    return set(listed) == set(files)


def check_wheel(c, path, target, version, binary):
    ext, _, _, tag = TARGETS[target]
    name = path.name
    tags = name[len(f"vec_graph-{version}-py3-none-"):-len(".whl")].split(".")
    c.check(name.startswith(f"vec_graph-{version}-py3-none-") and tags[0] == tag, f"{name}: py3-none-{tag} wheel of {version}")
    with zipfile.ZipFile(path) as zf:
        dist_info = f"vec_graph-{version}.dist-info"
        names = set(zf.namelist())
        want = {"vec_graph/__init__.py", "vec_graph/_version.py", f"vec_graph/vec_graph.{ext}",
                f"{dist_info}/METADATA", f"{dist_info}/WHEEL", f"{dist_info}/RECORD"}
        c.check(want <= names, f"{name}: holds {', '.join(sorted(want))}", f"has: {sorted(names)}")
        if not want <= names:
            return
        wheel = zf.read(f"{dist_info}/WHEEL").decode()
        c.check(sorted(re.findall(r"^Tag: py3-none-(\S+)$", wheel, re.M)) == sorted(tags)
                and "Root-Is-Purelib: false" in wheel, f"{name}: WHEEL tags match the file name, not purelib")
        meta = zf.read(f"{dist_info}/METADATA").decode()
        c.check(re.search(r"^Name: vec-graph$", meta, re.M) and re.search(rf"^Version: {re.escape(version)}$", meta, re.M),
                f"{name}: METADATA names vec-graph {version}")
        c.check(f'__version__ = "{version}"' in zf.read("vec_graph/_version.py").decode(), f"{name}: _version.py says {version}")
        c.check(zf.read(f"vec_graph/vec_graph.{ext}") == binary, f"{name}: its binary is the {target} release binary")
        c.check(record_ok(zf, dist_info), f"{name}: RECORD lists every file with its sha256 and size")
    twine = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(path)], capture_output=True, text=True)
    c.check(twine.returncode == 0, f"{name}: twine check --strict", twine.stdout + twine.stderr)


# vec-graph-sqlite's wheels: CPython 3.9-3.13 (pyproject.toml's cibuildwheel build) on the release platforms.
SQLITE_PYTHONS = ["cp39", "cp310", "cp311", "cp312", "cp313"]
SQLITE_PLATFORMS = {"linux-x64": "manylinux_2_17_x86_64", "linux-arm64": "manylinux_2_17_aarch64",
                    "darwin-x64": "macosx_11_0_x86_64", "darwin-arm64": "macosx_11_0_arm64", "win32-x64": "win_amd64"}


def check_sqlite_wheels(c, outdir, version, release):
    """Every wheel in wheels-sqlite/ is a vec-graph-sqlite VERSION wheel with its module, metadata and
    RECORD; the Linux x86_64 ones are always there (make release-dry-run builds them), and in a
    release (RELEASE_TAG set) every Python on every platform."""
    wheels = sorted((outdir / "wheels-sqlite").glob("*.whl"))
    prefix = f"vec_graph_sqlite-{version}-"
    found = set()
    for path in wheels:
        name = path.name
        parts = name[len(prefix):-len(".whl")].split("-") if name.startswith(prefix) else []
        if not c.check(len(parts) == 3 and parts[0] == parts[1] and parts[0] in SQLITE_PYTHONS,
                       f"{name}: a vec-graph-sqlite {version} wheel for CPython 3.9-3.13"):
            continue
        found |= {(parts[0], platform) for platform in parts[2].split(".")}
        with zipfile.ZipFile(path) as zf:
            dist_info = f"vec_graph_sqlite-{version}.dist-info"
            names = set(zf.namelist())
            module = [n for n in names if re.fullmatch(r"vec_graph_sqlite/_sqlite3\.[^/]+\.(so|pyd)", n)]
            c.check({"vec_graph_sqlite/__init__.py", "vec_graph_sqlite/dbapi2.py", f"{dist_info}/METADATA"} <= names
                    and len(module) == 1, f"{name}: holds vec_graph_sqlite (__init__, dbapi2, one _sqlite3 module)",
                    f"has: {sorted(names)}")
            meta = zf.read(f"{dist_info}/METADATA").decode() if f"{dist_info}/METADATA" in names else ""
            c.check(re.search(r"^Name: vec-graph-sqlite$", meta, re.M) and re.search(rf"^Version: {re.escape(version)}$", meta, re.M),
                    f"{name}: METADATA names vec-graph-sqlite {version}")
            c.check(f"{dist_info}/RECORD" in names and record_ok(zf, dist_info), f"{name}: RECORD lists every file with its sha256 and size")
        twine = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(path)], capture_output=True, text=True)
        c.check(twine.returncode == 0, f"{name}: twine check --strict", twine.stdout + twine.stderr)
    targets = SQLITE_PLATFORMS if release else {"linux-x64": SQLITE_PLATFORMS["linux-x64"]}
    for target, platform in targets.items():
        missing = [py for py in SQLITE_PYTHONS if (py, platform) not in found]
        c.check(not missing, f"vec-graph-sqlite wheels for {target} ({platform}), CPython 3.9-3.13", f"missing: {missing}")


def check_npm_platform(c, path, target, version, binary):
    ext, os_name, cpu, _ = TARGETS[target]
    members = tgz_members(path)
    manifest = json.loads(members["package/package.json"][1]) if "package/package.json" in members else {}
    c.check(manifest.get("name") == f"@vec-graph/{target}" and manifest.get("version") == version,
            f"{path.name}: package.json is @vec-graph/{target}@{version}", json.dumps(manifest)[:400])
    c.check(manifest.get("os") == [os_name] and manifest.get("cpu") == [cpu], f"{path.name}: os {os_name}, cpu {cpu}")
    shipped = members.get(f"package/vec_graph.{ext}", (None, None))[1]
    c.check(shipped == binary and f"vec_graph.{ext}" in manifest.get("files", []),
            f"{path.name}: ships vec_graph.{ext}, the {target} release binary")


def check_npm_main(c, path, version):
    members = tgz_members(path)
    manifest = json.loads(members["package/package.json"][1]) if "package/package.json" in members else {}
    c.check(manifest.get("name") == "vec-graph" and manifest.get("version") == version,
            f"{path.name}: package.json is vec-graph@{version}")
    want = {f"@vec-graph/{t}": version for t in TARGETS}
    c.check(manifest.get("optionalDependencies") == want, f"{path.name}: optionalDependencies are the five platform packages @ {version}",
            json.dumps(manifest.get("optionalDependencies")))
    files = {f"package/{n}" for n in ("index.cjs", "index.mjs", "index.d.ts", "targets.cjs")}
    c.check(files <= set(members), f"{path.name}: holds the loader ({', '.join(sorted(files))})")


def check_npm_wasm(c, path, version):
    """@vec-graph/wasm as packaging/wasm/generate.mjs writes it: its name and VERSION, an ES module
    package whose entries (browser, Node, types) and every listed file are in the tarball, the
    entries' imports resolve inside it, and sqlite3.wasm is a WebAssembly module with vec_graph
    compiled in, built for VERSION with the simd128 kernel (build-info.json)."""
    members = tgz_members(path)
    files = {name[len("package/"):]: data for name, (m, data) in members.items() if m.isfile()}
    manifest = json.loads(files["package.json"]) if "package.json" in files else {}
    c.check(manifest.get("name") == "@vec-graph/wasm" and manifest.get("version") == version,
            f"{path.name}: package.json is @vec-graph/wasm@{version}", json.dumps(manifest)[:400])
    entry = manifest.get("exports", {}).get(".", {})
    want = {"types": "./index.d.ts", "node": "./node.mjs", "default": "./index.mjs"}
    c.check(manifest.get("type") == "module" and entry == want and manifest.get("types") == want["types"],
            f"{path.name}: an ES module package, exports '.' = index.mjs (node: node.mjs, types: index.d.ts)",
            json.dumps({k: manifest.get(k) for k in ("type", "types", "exports")}))
    listed = set(manifest.get("files", [])) | {"package.json", "README.md"}
    targets = {t[2:] for t in [*entry.values(), *manifest.get("exports", {}).values()] if isinstance(t, str)}
    need = {"index.mjs", "node.mjs", "index.d.ts", "sqlite3.wasm"} | targets
    c.check(need <= listed and set(files) == listed, f"{path.name}: holds exactly its listed files, "
            "among them index.mjs, node.mjs, index.d.ts, sqlite3.wasm and every export",
            f"missing: {sorted(listed - set(files))}; unlisted: {sorted(set(files) - listed)}; not listed: {sorted(need - listed)}")
    imports = {m for name in ("index.mjs", "node.mjs") for m in re.findall(r"from '\./([^']+)'", files.get(name, b"").decode())}
    c.check(imports and imports <= set(files), f"{path.name}: index.mjs and node.mjs import only files it holds ({', '.join(sorted(imports))})")
    wasm = files.get("sqlite3.wasm", b"")
    c.check(wasm[:8] == b"\0asm\x01\0\0\0" and all(n in wasm for n in (b"vec_graph_version", b"vec_graph_kernel", b"hnsw_index")),
            f"{path.name}: sqlite3.wasm is a WebAssembly module with vec_graph's SQL functions in it")
    info = json.loads(files["build-info.json"]) if "build-info.json" in files else {}
    c.check(info.get("vec_graph") == version and info.get("kernel") == "simd128",
            f"{path.name}: build-info.json says vec_graph {version}, kernel simd128", json.dumps(info)[:400])


def main(outdir, again, no_wasm):
    c = Checks()
    version = (ROOT / "VERSION").read_text().strip()
    c.check(re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", version), f"VERSION {version} is a semantic version")
    tag = os.environ.get("RELEASE_TAG")
    if tag:
        c.check(tag == f"v{version}", f"release tag {tag} is v{version}")
    changelog = (ROOT / "CHANGELOG.md").read_text() if (ROOT / "CHANGELOG.md").exists() else ""
    c.check(re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M),
            f"CHANGELOG.md has a dated entry for {version}")

    tarballs = {t: f"vec_graph-{version}-{t}.tar.gz" for t in TARGETS}
    npm_names = {t: f"npm/vec-graph-{t}-{version}.tgz" for t in TARGETS}
    wheels = sorted(p.relative_to(outdir).as_posix() for p in (outdir / "wheels").glob("*.whl"))
    sqlite_wheels = {p.relative_to(outdir).as_posix() for p in (outdir / "wheels-sqlite").glob("*.whl")}
    wasm_npm = f"npm/vec-graph-wasm-{version}.tgz"
    if no_wasm and tag:
        c.check(False, f"a release ships {wasm_npm} (--no-wasm {no_wasm!r} is for the dry run only)")
    want = set(tarballs.values()) | set(npm_names.values()) | {f"npm/vec-graph-{version}.tgz", "SHA256SUMS"}
    want |= set() if no_wasm else {wasm_npm}
    have = {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()}
    c.check(have - set(wheels) - sqlite_wheels == want and len(wheels) == 5,
            f"{outdir}: 5 binary tarballs, 5 wheels, {7 - bool(no_wasm)} npm tarballs, wheels-sqlite/, SHA256SUMS",
            f"missing: {sorted(want - have)}; unexpected: {sorted(have - want - set(wheels))}; wheels: {wheels}")

    sums = {}
    if (outdir / "SHA256SUMS").exists():
        for line in (outdir / "SHA256SUMS").read_text().splitlines():
            digest, name = line.split(maxsplit=1)
            sums[name] = digest
    c.check(set(sums) == have - {"SHA256SUMS"}, "SHA256SUMS lists every other file")
    bad = [n for n, d in sums.items() if not (outdir / n).is_file() or hashlib.sha256((outdir / n).read_bytes()).hexdigest() != d]
    c.check(sums and not bad, "SHA256SUMS digests match", f"mismatched: {bad}")

    if again:
        same = (again / "SHA256SUMS").exists() and (again / "SHA256SUMS").read_bytes() == (outdir / "SHA256SUMS").read_bytes()
        c.check(same, f"a second assembly ({again.name}) is byte-identical (same SHA256SUMS)")

    for target, (ext, _, _, wheel_tag) in TARGETS.items():
        path = outdir / tarballs[target]
        if not c.check(path.exists(), f"{path.name} exists"):
            continue
        members = tgz_members(path)
        entry = members.get(f"vec_graph.{ext}")
        c.check(list(members) == [f"vec_graph.{ext}"] and entry[0].isfile() and entry[0].mode == 0o755,
                f"{path.name}: holds only vec_graph.{ext}, mode 0755", f"members: {list(members)}")
        if entry is None:
            continue
        binary = entry[1]
        verify_binary(c, binary, target, path.name)
        matching = [outdir / w for w in wheels if f"-py3-none-{wheel_tag}" in w]
        if c.check(len(matching) == 1, f"one wheel for {target} ({wheel_tag})"):
            check_wheel(c, matching[0], target, version, binary)
        if c.check((outdir / npm_names[target]).exists(), f"{npm_names[target]} exists"):
            check_npm_platform(c, outdir / npm_names[target], target, version, binary)
    main_npm = outdir / f"npm/vec-graph-{version}.tgz"
    if c.check(main_npm.exists(), f"{main_npm.name} exists"):
        check_npm_main(c, main_npm, version)
    if no_wasm:
        c.skip(f"{wasm_npm} (@vec-graph/wasm)", no_wasm)
    elif c.check((outdir / wasm_npm).exists(), f"{wasm_npm} exists"):
        check_npm_wasm(c, outdir / wasm_npm, version)
    check_sqlite_wheels(c, outdir, version, release=bool(tag))
    print(f"release-dry-run: {c.passed} passed, {c.failed} failed" + (f", {c.skipped} skipped" if c.skipped else ""))
    return 1 if c.failed else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    no_wasm = None
    if "--no-wasm" in args:
        at = args.index("--no-wasm")
        no_wasm = args[at + 1] if at + 1 < len(args) and args[at + 1] else None
        args[at:at + 2] = []
    if len(args) not in (1, 2) or ("--no-wasm" in sys.argv and not no_wasm):
        sys.exit(__doc__.split("\n\n")[-1])
    sys.exit(main(Path(args[0]).resolve(), Path(args[1]).resolve() if len(args) == 2 else None, no_wasm))
