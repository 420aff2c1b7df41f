// A build mode's compiler flags and runtime environment, read from the files in sanitizers/:
// <mode>.cflags (flags, '#' comments), <mode>.sqlite.cflags (optional: extra flags for sqlite3.o
// only), and for the runtimes asan/ubsan/lsan/msan.options
// (key=value lines) plus the ubsan.supp / lsan.supp suppression files.
import Foundation

public struct SanitizerProfile: Sendable, Equatable {
    public var mode: BuildMode
    /// Flags for every compile and link of this mode.
    public var cflags: [String]
    /// Extra flags for compiling the SQLite amalgamation only.
    public var sqliteCFlags: [String]
    /// Environment for running a binary of this mode (ASAN_OPTIONS, UBSAN_OPTIONS, ...).
    public var environment: [String: String]

    /// Which runtime options files a mode uses, and the variable each one fills.
    private static let runtimes: [BuildMode: [(file: String, variable: String, suppressions: String?)]] = [
        .plain: [],
        .asan: [("asan", "ASAN_OPTIONS", nil), ("ubsan", "UBSAN_OPTIONS", "ubsan.supp"),
                ("lsan", "LSAN_OPTIONS", "lsan.supp")],
        .msan: [("msan", "MSAN_OPTIONS", nil)],
    ]

    public static func load(_ mode: BuildMode, from folder: URL) throws -> SanitizerProfile {
        let flagsFile = folder.appendingPathComponent("\(mode.rawValue).cflags")
        let cflags = try flags(in: flagsFile)
        let sqliteFlagsFile = folder.appendingPathComponent("\(mode.rawValue).sqlite.cflags")
        let sqliteCFlags = FileManager.default.fileExists(atPath: sqliteFlagsFile.path) ? try flags(in: sqliteFlagsFile) : []
        var environment: [String: String] = [:]
        for runtime in runtimes[mode] ?? [] {
            var options = try lines(of: folder.appendingPathComponent("\(runtime.file).options"))
            if let supp = runtime.suppressions {
                let file = folder.appendingPathComponent(supp)
                if FileManager.default.fileExists(atPath: file.path) { options.append("suppressions=\(file.path)") }
            }
            environment[runtime.variable] = options.joined(separator: ":")
        }
        return SanitizerProfile(mode: mode, cflags: cflags, sqliteCFlags: sqliteCFlags, environment: environment)
    }

    private static func flags(in file: URL) throws -> [String] {
        try lines(of: file).flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }

    /// Non-empty, non-comment lines, trimmed.
    private static func lines(of file: URL) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw MatrixConfigurationError("missing sanitizer file \(file.path)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
