// Finds the fixture files under a root: every `**/*.test`, optionally those matching any of some globs on the relative path, sorted.

import Foundation

public func listFixtures(root: URL, globs: [String]) -> [URL] {
    let rootPath = fixtureCanonicalPath(root)
    guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: rootPath),
                                                      includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var found: [(relative: String, url: URL)] = []
    for case let url as URL in walker where url.pathExtension == "test" {
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
              let relative = fixtureRelativePath(fixtureCanonicalPath(url), to: rootPath) else { continue }
        if !globs.isEmpty, !globs.contains(where: { globMatches($0, relative) }) { continue }
        found.append((relative, URL(fileURLWithPath: rootPath).appendingPathComponent(relative)))
    }
    return found.sorted { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }.map(\.url)
}
