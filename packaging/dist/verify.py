#!/usr/bin/env python3
"""Role: check one built extension against its release target: file format, architecture and
bitness, a shared library exporting sqlite3_vecgraph_init, no unexpected or missing dynamic
dependencies, glibc symbol versions (Linux) or minimum macOS (Darwin), and the stamped VERSION.

usage: verify.py ARTEFACT TARGET   (TARGET: linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)
Prints one line per check; exits 1 if any check fails. Standard library only."""
import fnmatch
import re
import sys
from pathlib import Path

import elf_info
import macho_info
import pe_info

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINT = "sqlite3_vecgraph_init"
LINUX_LIBS = ["libc.so.6", "libm.so.6"]
# Functions the extension could take from libm; seeing one unbound means -lm was left out.
LIBM_FUNCTIONS = {"sqrt", "sqrtf", "fabs", "fabsf", "floor", "ceil", "pow", "exp", "log", "isnan", "isinf",
                  "lrint", "round", "fmax", "fmin", "nextafter", "nextafterf"}
TARGETS = {
    "linux-x64": {"format": "ELF", "arch": "x86-64", "deps": LINUX_LIBS, "glibc": (2, 17)},
    "linux-arm64": {"format": "ELF", "arch": "aarch64", "deps": LINUX_LIBS, "glibc": (2, 17)},
    "darwin-x64": {"format": "Mach-O", "arch": "x86-64", "deps": ["/usr/lib/libSystem.B.dylib"], "macos": (10, 13)},
    "darwin-arm64": {"format": "Mach-O", "arch": "aarch64", "deps": ["/usr/lib/libSystem.B.dylib"], "macos": (11, 0)},
    "win32-x64": {"format": "PE", "arch": "x86-64",
                  "deps": ["kernel32.dll", "msvcrt.dll", "ucrtbase.dll", "api-ms-win-crt-*.dll"]},
}


def file_format(data):
    if data[:4] == b"\x7fELF":
        return "ELF", elf_info
    if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):
        return "Mach-O", macho_info
    if data[:2] == b"MZ":
        return "PE", pe_info
    return None, None


def checks(data, target, version):
    """Yields (passed, description) for each check of data against target."""
    want = TARGETS[target]
    fmt, reader = file_format(data)
    yield fmt == want["format"], f"format {fmt or 'unknown'} (want {want['format']})"
    if fmt != want["format"]:
        return
    info = reader.read(data)
    yield (info.arch, info.bits) == (want["arch"], 64), f"architecture {info.arch}, {info.bits}-bit (want {want['arch']}, 64-bit)"
    yield info.kind == "shared library", f"kind {info.kind}"
    yield ENTRY_POINT in info.exports, f"exports {ENTRY_POINT}" if ENTRY_POINT in info.exports \
        else f"{ENTRY_POINT} not exported (exports: {', '.join(sorted(info.exports)) or 'none'})"
    extra = [d for d in info.dependencies if not any(fnmatch.fnmatch(d.lower(), p.lower()) for p in want["deps"])]
    yield not extra, f"dependencies {', '.join(info.dependencies) or 'none'}" + (f"; unexpected: {', '.join(extra)}" if extra else "")
    if fmt == "ELF":
        libm = sorted(set(info.unbound) & LIBM_FUNCTIONS)
        yield not info.unbound, "every undefined symbol bound to a needed library" if not info.unbound else \
            f"undefined symbols no needed library provides: {', '.join(sorted(info.unbound))}" + \
            (f" (libm functions {', '.join(libm)}: link with -lm)" if libm else "")
    if "glibc" in want:
        found = [tuple(map(int, v[6:].split("."))) for v in info.symbol_versions if re.fullmatch(r"GLIBC_\d+(\.\d+)+", v)]
        newest = max(found, default=(0, 0))
        yield newest <= want["glibc"], f"newest GLIBC symbol version {'.'.join(map(str, newest))} (at most {'.'.join(map(str, want['glibc']))})"
    if "macos" in want:
        shown = ".".join(map(str, info.min_os)) or "none"
        yield bool(info.min_os) and info.min_os <= want["macos"], f"minimum macOS {shown} (at most {'.'.join(map(str, want['macos']))})"
    # The version as a whole NUL-terminated C string: not the tail of a longer version-like text.
    stamped = re.search(rb"(?<![0-9A-Za-z.+-])" + re.escape(version.encode()) + rb"\0", data) is not None
    yield stamped, f"version string \"{version}\" stamped" if stamped else f"version string \"{version}\" not found"


def main(argv):
    if len(argv) != 3 or argv[2] not in TARGETS:
        print(f"usage: verify.py ARTEFACT {'|'.join(TARGETS)}", file=sys.stderr)
        return 2
    path, target = Path(argv[1]), argv[2]
    version = (ROOT / "VERSION").read_text().strip()
    results = list(checks(path.read_bytes(), target, version))
    for passed, what in results:
        print(f"  {'ok  ' if passed else 'FAIL'} {what}")
    failed = sum(not passed for passed, _ in results)
    print(f"verify {path} as {target}: " + (f"{failed} of {len(results)} checks failed" if failed else f"all {len(results)} checks passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
