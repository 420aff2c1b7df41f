// Runs one tool (compiler, tar, configure, make) to completion and captures its combined output.
import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

public struct MatrixProcessResult: Sendable {
    public var succeeded: Bool
    /// "exit 1" or "signal 11".
    public var status: String
    /// Standard output and standard error, interleaved.
    public var output: String
}

public enum MatrixProcess {
    /// Runs `executable` (a path, or a name looked up in PATH) with extra environment variables.
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:]) async throws -> MatrixProcessResult {
        let exe: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            exe, arguments: Arguments(arguments), environment: .inherit.updating(updates),
            workingDirectory: directory.map { FilePath($0.path) },
            output: .string(limit: 64 << 20), error: .combinedWithOutput)
        let status: String
        switch result.terminationStatus {
        case .exited(let code): status = "exit \(code)"
        case .signaled(let signal): status = "signal \(signal)"
        }
        return MatrixProcessResult(succeeded: result.terminationStatus.isSuccess, status: status,
                                   output: result.standardOutput)
    }
}
