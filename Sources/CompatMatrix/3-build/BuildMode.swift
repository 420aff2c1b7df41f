// The modes of the matrix (plain, asan, msan, and the fault-injection modes oom and ioerr) and the two
// ways the extension is built per version.

public enum BuildMode: String, CaseIterable, Sendable, Codable {
    /// Optimised, no instrumentation.
    case plain
    /// AddressSanitizer + UndefinedBehaviorSanitizer, aborting on the first report.
    case asan
    /// MemorySanitizer (clang only, optional).
    case msan
    /// The asan binaries, every record run again with each allocation failing in turn (vg_driver --faults oom).
    case oom
    /// The asan binaries, every record run again with each read, write, sync and truncate failing in turn.
    case ioerr

    /// The mode the binaries are compiled in: the fault modes run the asan build.
    public var buildMode: BuildMode {
        switch self {
        case .oom, .ioerr: .asan
        case .plain, .asan, .msan: self
        }
    }

    /// The driver's `--faults` argument, nil for the modes without fault injection.
    public var faults: String? {
        switch self {
        case .oom, .ioerr: rawValue
        case .plain, .asan, .msan: nil
        }
    }
}

public enum ExtensionBuild: String, CaseIterable, Sendable, Codable {
    /// Built once against the newest SQLite headers: exactly what a release ships, loaded into every version.
    case release
    /// Built against the tested version's own headers: proves the source still compiles there.
    case native
}
