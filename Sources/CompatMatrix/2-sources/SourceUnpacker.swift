// Unpacks a source archive (zip with ZIPFoundation, tar.* with /usr/bin/tar) and finds the folder
// that holds the sources: the manifest's `subdir`, or the archive's single top folder.
import Foundation
import ZIPFoundation

enum SourceUnpacker {
    /// Unpacks `archive` into the empty folder `folder` and returns the sources folder inside it.
    static func unpack(_ archive: URL, into folder: URL, subdir: String?) async throws -> URL {
        let name = archive.lastPathComponent.lowercased()
        if name.hasSuffix(".zip") {
            do { try FileManager.default.unzipItem(at: archive, to: folder) } catch {
                throw SourceError("\(archive.lastPathComponent): not a readable zip: \(error)")
            }
        } else if [".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar"].contains(where: name.hasSuffix) {
            let result = try await MatrixProcess.run("/usr/bin/tar", ["-xf", archive.path, "-C", folder.path])
            guard result.succeeded else {
                throw SourceError("\(archive.lastPathComponent): tar failed (\(result.status)): \(result.output.suffix(2000))")
            }
        } else {
            throw SourceError("\(archive.lastPathComponent): unknown archive type (want .zip, .tar.gz, .tar.xz, .tar.bz2)")
        }
        return try locate(in: folder, subdir: subdir, archive: archive.lastPathComponent)
    }

    private static func locate(in folder: URL, subdir: String?, archive: String) throws -> URL {
        let manager = FileManager.default
        let entries = try manager.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("__MACOSX") }
        var isFolder: ObjCBool = false
        let top: URL? = entries.count == 1
            && manager.fileExists(atPath: folder.appendingPathComponent(entries[0]).path, isDirectory: &isFolder)
            && isFolder.boolValue ? folder.appendingPathComponent(entries[0]) : nil
        guard let subdir, !subdir.isEmpty else { return top ?? folder }
        for base in [folder, top].compactMap({ $0 }) {
            let candidate = base.appendingPathComponent(subdir)
            if manager.fileExists(atPath: candidate.path, isDirectory: &isFolder), isFolder.boolValue { return candidate }
        }
        throw SourceError("\(archive): has no folder \(subdir)")
    }
}
