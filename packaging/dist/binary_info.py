"""Role: the facts verify.py reads out of a built extension, whatever its file format."""
from dataclasses import dataclass, field


@dataclass
class BinaryInfo:
    format: str                 # "ELF", "Mach-O" or "PE"
    arch: str                   # "x86-64", "aarch64", or the raw machine code for anything else
    bits: int                   # 32 or 64
    kind: str                   # "shared library", or what else the file is
    exports: set = field(default_factory=set)          # exported symbol names, without Mach-O's leading "_"
    dependencies: list = field(default_factory=list)   # DT_NEEDED / LC_LOAD_DYLIB / imported DLL names
    unbound: list = field(default_factory=list)        # undefined symbols no dependency is named for (ELF)
    symbol_versions: set = field(default_factory=set)  # version names required, e.g. "GLIBC_2.17" (ELF)
    min_os: tuple = ()                                   # minimum macOS version (Mach-O), e.g. (10, 13)
