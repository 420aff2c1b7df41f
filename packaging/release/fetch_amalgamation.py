#!/usr/bin/env python3
"""Role: for CI runners that are online (Windows, macOS, the release's test jobs): download the newest
SQLite amalgamation named in sqlite-versions/manifest.json (its official zip, whose sha256 the
manifest pins), check the digest, and put sqlite3.c, sqlite3.h and sqlite3ext.h into DEST. Offline
machines use packaging/dist/sqlite-amalgamation.sh instead. Standard library only.

usage: fetch_amalgamation.py DEST"""
import hashlib
import io
import json
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = ("sqlite3.c", "sqlite3.h", "sqlite3ext.h")


def newest_amalgamation():
    manifest = json.loads((ROOT / "sqlite-versions/manifest.json").read_text())
    for release in reversed(manifest["releases"]):
        for source in release["sources"]:
            if source["layout"] == "amalgamation" and source["url"] and source["sha256"]:
                return release["version"], source
    sys.exit("fetch_amalgamation: no amalgamation with a url and sha256 in the manifest")


def download(url, attempts=3):
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read()
        except OSError as error:
            if attempt == attempts:
                sys.exit(f"fetch_amalgamation: {url}: {error}")
            time.sleep(5 * attempt)


def main(dest):
    version, source = newest_amalgamation()
    data = download(source["url"])
    digest = hashlib.sha256(data).hexdigest()
    if digest != source["sha256"]:
        sys.exit(f"fetch_amalgamation: {source['file']} has sha256 {digest}, the manifest pins {source['sha256']}")
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in FILES:
            member = next(m for m in zf.namelist() if m.rsplit("/", 1)[-1] == name)
            (dest / name).write_bytes(zf.read(member))
    print(f"fetch_amalgamation: SQLite {version} ({source['file']}, sha256 checked) in {dest}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    main(Path(sys.argv[1]))
