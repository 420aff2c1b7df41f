"""Role: read a BinaryInfo out of a thin Mach-O dylib with the standard library only (header,
LC_SYMTAB, LC_LOAD_DYLIB and the minimum-OS load commands)."""
import struct

from binary_info import BinaryInfo

CPUS = {0x01000007: "x86-64", 0x0100000C: "aarch64", 7: "x86", 12: "arm"}
KINDS = {6: "shared library", 2: "executable", 8: "bundle"}
LC_SYMTAB, LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB = 0x2, 0xC, 0x80000018, 0x8000001F
LC_VERSION_MIN_MACOSX, LC_BUILD_VERSION = 0x24, 0x32
N_EXT, N_TYPE, N_SECT = 0x01, 0x0E, 0x0E


def _version(packed):
    return (packed >> 16, (packed >> 8) & 0xFF)


def read(data):
    magic, = struct.unpack_from("<I", data, 0)
    bits = 64 if magic == 0xFEEDFACF else 32
    cputype, _, filetype, ncmds, _, _ = struct.unpack_from("<iIIIII", data, 4)
    info = BinaryInfo("Mach-O", CPUS.get(cputype, f"cputype {cputype:#x}"), bits,
                      KINDS.get(filetype, f"filetype {filetype}"))
    off = 32 if bits == 64 else 28
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from("<II", data, off)
        if cmd in (LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB):
            name_off, = struct.unpack_from("<I", data, off + 8)
            raw = data[off + name_off:off + cmdsize]
            info.dependencies.append(raw[:raw.index(b"\0")].decode())
        elif cmd == LC_BUILD_VERSION:
            info.min_os = _version(struct.unpack_from("<I", data, off + 12)[0])
        elif cmd == LC_VERSION_MIN_MACOSX:
            info.min_os = _version(struct.unpack_from("<I", data, off + 8)[0])
        elif cmd == LC_SYMTAB:
            symoff, nsyms, stroff, _ = struct.unpack_from("<IIII", data, off + 8)
            size = 16 if bits == 64 else 12
            for i in range(nsyms):
                n_strx, n_type = struct.unpack_from("<IB", data, symoff + i * size)
                if n_type & N_EXT and n_type & N_TYPE == N_SECT:
                    name = data[stroff + n_strx:data.index(b"\0", stroff + n_strx)].decode()
                    info.exports.add(name[1:] if name.startswith("_") else name)
        off += cmdsize
    return info
