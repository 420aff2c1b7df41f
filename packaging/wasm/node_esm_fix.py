#!/usr/bin/env python3
"""Makes the Node build of SQLite's WebAssembly API (ext/wasm's sqlite3-node.mjs, emitted by Debian's
Emscripten 3.1.6) load as an ES module under Node 18+, the three fixes newer Emscriptens make themselves:
  1. `require` and `__dirname` exist only in CommonJS: an ES module gets them from createRequire and
     import.meta.url (Emscripten >= 3.1.2x emits the same two lines for EXPORT_ES6 node builds);
  2. the .wasm file is named by a file: URL, which Node's fs cannot open: read it by its path;
  3. Emscripten 3.1.6 predates fetch() in Node and streams the .wasm through it when fetch exists,
     which fails for a file: URL: Node reads the file instead, as newer Emscriptens do.
Each edit must match exactly once, so a changed toolchain output stops the build instead of
shipping a half-fixed file.  usage: node_esm_fix.py IN.mjs OUT.mjs WASM_NAME"""
import re
import sys

HEADER = ('import { createRequire } from "node:module"; import { fileURLToPath } from "node:url"; '
          'const require = createRequire(import.meta.url); '
          'const __dirname = fileURLToPath(new URL(".", import.meta.url));\n')


def edit(text: str, pattern: str, replacement: str, what: str) -> str:
    new, count = re.subn(pattern, replacement, text)
    if count != 1:
        sys.exit(f"node_esm_fix.py: expected exactly one {what}, found {count}: the Emscripten output changed")
    return new


def main() -> None:
    source, target, wasm_name = sys.argv[1:4]
    text = open(source, encoding="utf-8").read()
    if "createRequire" in text:
        sys.exit("node_esm_fix.py: the input already imports createRequire: this Emscripten needs no fix")
    edit(text, r"scriptDirectory = __dirname \+ '/';", "", "use of __dirname")
    text = edit(text, r"new URL\('[\w.-]+\.wasm', import\.meta\.url\)\.toString\(\)",
                f"fileURLToPath(new URL('{wasm_name}', import.meta.url))", ".wasm URL")
    text = edit(text, r"(\n\s*typeof fetch == 'function')\) \{",
                r"\1 && !ENVIRONMENT_IS_NODE) {", "streaming fetch of the .wasm")
    with open(target, "w", encoding="utf-8") as out:
        out.write(HEADER + text)


if __name__ == "__main__":
    main()
