"""Role: read a BinaryInfo out of a PE DLL with the standard library only (COFF header, optional
header, export and import directories)."""
import struct

from binary_info import BinaryInfo

MACHINES = {0x8664: "x86-64", 0xAA64: "aarch64", 0x14C: "x86", 0x1C4: "arm"}
IMAGE_FILE_DLL = 0x2000


def read(data):
    pe, = struct.unpack_from("<I", data, 0x3C)
    machine, nsections, _, _, _, opt_size, characteristics = struct.unpack_from("<HHIIIHH", data, pe + 4)
    opt = pe + 24
    magic, = struct.unpack_from("<H", data, opt)
    bits = 64 if magic == 0x20B else 32
    dirs = opt + (112 if bits == 64 else 96)
    info = BinaryInfo("PE", MACHINES.get(machine, f"machine {machine:#x}"), bits,
                      "shared library" if characteristics & IMAGE_FILE_DLL else "executable")
    sections = [struct.unpack_from("<8sIIII", data, opt + opt_size + 40 * i) for i in range(nsections)]

    def at(rva):
        for _, vsize, vaddr, rawsize, rawptr in sections:
            if vaddr <= rva < vaddr + max(vsize, rawsize):
                return rawptr + rva - vaddr
        raise ValueError(f"RVA {rva:#x} is in no section")

    def cstr(rva):
        start = at(rva)
        return data[start:data.index(b"\0", start)].decode()

    export_rva, export_size = struct.unpack_from("<II", data, dirs)
    if export_size:
        nnames, _, names_rva = struct.unpack_from("<III", data, at(export_rva) + 24)
        for i in range(nnames):
            info.exports.add(cstr(struct.unpack_from("<I", data, at(names_rva) + 4 * i)[0]))
    import_rva, import_size = struct.unpack_from("<II", data, dirs + 8)
    if import_size:
        desc = at(import_rva)
        while True:
            name_rva, = struct.unpack_from("<I", data, desc + 12)
            if not name_rva:
                break
            info.dependencies.append(cstr(name_rva))
            desc += 20
    return info
