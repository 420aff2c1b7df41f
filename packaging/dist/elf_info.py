"""Role: read a BinaryInfo out of an ELF shared object with the standard library only (section
headers, .dynamic, .dynsym, .gnu.version and .gnu.version_r)."""
import struct

from binary_info import BinaryInfo

MACHINES = {62: "x86-64", 183: "aarch64", 40: "arm", 3: "x86"}
KINDS = {2: "executable", 3: "shared library"}
SHT_DYNSYM, SHT_DYNAMIC, SHT_VERNEED, SHT_VERSYM = 11, 6, 0x6FFFFFFE, 0x6FFFFFFF
DT_NEEDED = 1
STB_WEAK = 2


def _cstr(data, offset):
    return data[offset:data.index(b"\0", offset)].decode()


def read(data):
    bits = {1: 32, 2: 64}[data[4]]
    e = "<" if data[5] == 1 else ">"
    e_type, e_machine = struct.unpack_from(e + "HH", data, 16)
    if bits == 64:
        e_shoff, = struct.unpack_from(e + "Q", data, 40)
        e_shentsize, e_shnum = struct.unpack_from(e + "HH", data, 58)
        sh_fmt, sym_fmt, dyn_fmt = e + "IIQQQQIIQQ", e + "IBBHQQ", e + "qQ"
    else:
        e_shoff, = struct.unpack_from(e + "I", data, 32)
        e_shentsize, e_shnum = struct.unpack_from(e + "HH", data, 46)
        sh_fmt, sym_fmt, dyn_fmt = e + "IIIIIIIIII", e + "IIIBBH", e + "iI"
    sections = [struct.unpack_from(sh_fmt, data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    by_type = {s[1]: s for s in sections}
    info = BinaryInfo("ELF", MACHINES.get(e_machine, f"e_machine {e_machine}"), bits,
                      KINDS.get(e_type, f"e_type {e_type}"))

    def strtab(section):
        link = sections[section[6]]
        return lambda off: _cstr(data, link[4] + off)

    if SHT_DYNAMIC in by_type:
        dyn = by_type[SHT_DYNAMIC]
        name = strtab(dyn)
        size = struct.calcsize(dyn_fmt)
        for off in range(dyn[4], dyn[4] + dyn[5], size):
            tag, val = struct.unpack_from(dyn_fmt, data, off)
            if tag == DT_NEEDED:
                info.dependencies.append(name(val))

    needed_versions = {}  # version index -> version name, from .gnu.version_r
    if SHT_VERNEED in by_type:
        vn = by_type[SHT_VERNEED]
        name = strtab(vn)
        off = vn[4]
        while True:
            _, cnt, _, aux, nxt = struct.unpack_from(e + "HHIII", data, off)
            a = off + aux
            for _ in range(cnt):
                _, _, other, vname, anext = struct.unpack_from(e + "IHHII", data, a)
                needed_versions[other] = name(vname)
                a += anext
            if not nxt:
                break
            off += nxt
    info.symbol_versions = set(needed_versions.values())

    if SHT_DYNSYM in by_type:
        ds = by_type[SHT_DYNSYM]
        name = strtab(ds)
        size = struct.calcsize(sym_fmt)
        versym = by_type.get(SHT_VERSYM)
        for i in range(1, ds[5] // size):
            fields = struct.unpack_from(sym_fmt, data, ds[4] + i * size)
            if bits == 64:
                st_name, st_info, _, st_shndx = fields[:4]
            else:
                st_name, st_info, st_shndx = fields[0], fields[3], fields[5]
            sym, bind = name(st_name), st_info >> 4
            if st_shndx != 0:
                if bind != 0:
                    info.exports.add(sym)
                continue
            ver = struct.unpack_from(e + "H", data, versym[4] + 2 * i)[0] & 0x7FFF if versym else 0
            if ver not in needed_versions and bind != STB_WEAK:
                info.unbound.append(sym)
    return info
