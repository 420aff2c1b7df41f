#!/usr/bin/env python3
"""Role: pack one built vec_graph binary into vec_graph-<VERSION>-py3-none-<platform>.whl, with the
metadata from metadata.toml, the version from the repository's VERSION, and the binary checked by
packaging/dist/verify.py for the target first (a mismatch is refused). Standard library only.

usage: build_wheel.py BINARY TARGET OUTDIR   (TARGET as packaging/dist/build.sh names it)"""
import base64
import hashlib
import subprocess
import sys
import tomllib
import zipfile
from email.message import Message
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = HERE / "vec_graph"
SUFFIXES = {"linux": ".so", "darwin": ".dylib", "win32": ".dll"}
# Fixed entry times (the zip epoch) so a wheel's bytes depend only on its contents.
EPOCH = (1980, 1, 1, 0, 0, 0)


def metadata(meta, version):
    msg = Message()
    msg["Metadata-Version"] = "2.1"
    msg["Name"] = meta["name"]
    msg["Version"] = version
    msg["Summary"] = meta["summary"]
    msg["License"] = meta["license"]
    msg["Keywords"] = ",".join(meta["keywords"])
    msg["Requires-Python"] = meta["requires-python"]
    for label, url in meta["urls"].items():
        msg["Project-URL"] = f"{label}, {url}"
    for classifier in meta["classifiers"]:
        msg["Classifier"] = classifier
    msg["Description-Content-Type"] = "text/markdown"
    msg.set_payload((HERE / meta["readme"]).read_text())
    return msg.as_string()


def wheel_file(tags):
    lines = ["Wheel-Version: 1.0", "Generator: vec_graph build_wheel.py", "Root-Is-Purelib: false"]
    return "\n".join(lines + [f"Tag: py3-none-{tag}" for tag in tags]) + "\n"


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build(binary, target, outdir):
    meta = tomllib.loads((HERE / "metadata.toml").read_text())
    tags = meta["platforms"].get(target)
    if tags is None:
        sys.exit(f"build_wheel: unknown target {target!r}; known: {', '.join(meta['platforms'])}")
    check = subprocess.run([sys.executable, str(ROOT / "packaging/dist/verify.py"), str(binary), target],
                           capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"build_wheel: {binary} is not a {target} binary; refusing to pack it:\n{check.stdout}{check.stderr}")
    version = (ROOT / "VERSION").read_text().strip()
    dist_info = f"vec_graph-{version}.dist-info"
    suffix = SUFFIXES[target.split("-")[0]]

    files = [(f"vec_graph/{p.name}", p.read_bytes()) for p in sorted(PACKAGE.iterdir())
             if p.is_file() and p.suffix in (".py", ".typed")]
    files.append(("vec_graph/_version.py", f'"""The package version, written from VERSION when the wheel was built."""\n__version__ = "{version}"\n'.encode()))
    files.append((f"vec_graph/vec_graph{suffix}", Path(binary).read_bytes()))
    files.append((f"{dist_info}/METADATA", metadata(meta, version).encode()))
    files.append((f"{dist_info}/WHEEL", wheel_file(tags).encode()))
    record = "\n".join([record_line(n, d) for n, d in files] + [f"{dist_info}/RECORD,,"]) + "\n"
    files.append((f"{dist_info}/RECORD", record.encode()))

    outdir.mkdir(parents=True, exist_ok=True)
    wheel = outdir / f"vec_graph-{version}-py3-none-{'.'.join(tags)}.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            entry = zipfile.ZipInfo(name, EPOCH)
            entry.external_attr = (0o755 if name.endswith(suffix) else 0o644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, data)
    return wheel


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    print(build(Path(argv[1]), argv[2], Path(argv[3])))


if __name__ == "__main__":
    main(sys.argv)
