// Runs one vg_driver process with Subprocess: collects stdout and stderr, kills it when the timeout passes.

import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// What one driver process did.
struct DriverRun: Sendable {
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    /// True when stdout went past its limit and the rest was dropped.
    var stdoutOverflowed = false
    var status: TerminationStatus?
    var timedOut = false
    /// Set when the process could not be started.
    var launchError: String?
    var seconds: Double = 0
}

let driverStdoutLimit = 256 * 1024 * 1024
let driverStderrLimit = 4 * 1024 * 1024

/// Runs `executable` (a path, or a name looked up in PATH) in `directory`.
func runDriverProcess(executable: String, arguments: [String], environment: [String: String],
                      timeout: Duration, in directory: URL) async -> DriverRun {
    let clock = ContinuousClock()
    let start = clock.now
    var run = DriverRun()
    var overrides: [Environment.Key: String?] = [:]
    for (key, value) in environment { overrides[Environment.Key(stringLiteral: key)] = value }
    do {
        let result = try await Subprocess.run(
            executable.contains("/") ? .path(FilePath(executable)) : .name(executable), arguments: Arguments(arguments),
            environment: .inherit.updating(overrides), workingDirectory: FilePath(directory.path),
            input: .none, output: .sequence, error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: DriverPiece.self) { group in
                group.addTask { .stdout(try await collect(execution.standardOutput, limit: driverStdoutLimit)) }
                group.addTask { .stderr(try await collect(execution.standardError, limit: driverStderrLimit)) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timeout
                }
                var collected = DriverRun()
                var openStreams = 2
                while openStreams > 0, let piece = try await group.next() {
                    switch piece {
                    case .stdout(let stream):
                        collected.stdout = stream.bytes
                        collected.stdoutOverflowed = stream.overflowed
                        openStreams -= 1
                    case .stderr(let stream):
                        collected.stderr = stream.bytes
                        openStreams -= 1
                    case .timeout:
                        collected.timedOut = true
                        try? execution.send(signal: .kill)
                    }
                }
                group.cancelAll()
                return collected
            }
        }
        run = result.closureResult
        run.status = result.terminationStatus
    } catch {
        run.launchError = "\(error)"
    }
    run.seconds = durationSeconds(clock.now - start)
    return run
}

private enum DriverPiece: Sendable {
    case stdout(CollectedStream)
    case stderr(CollectedStream)
    case timeout
}

private struct CollectedStream: Sendable {
    var bytes: [UInt8] = []
    var overflowed = false
}

/// Reads a stream to its end, keeping the first `limit` bytes.
private func collect(_ stream: SubprocessOutputSequence, limit: Int) async throws -> CollectedStream {
    var collected = CollectedStream()
    for try await buffer in stream {
        buffer.withUnsafeBytes { raw in
            let room = limit - collected.bytes.count
            if raw.count > room { collected.overflowed = true }
            collected.bytes.append(contentsOf: raw.prefix(max(0, room)))
        }
    }
    return collected
}

/// A duration in seconds, as a Double.
func durationSeconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) / 1e18
}
