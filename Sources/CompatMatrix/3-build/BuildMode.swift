// The build modes of the matrix (plain, asan, msan) and the two ways the extension is built per version.

public enum BuildMode: String, CaseIterable, Sendable, Codable {
    /// Optimised, no instrumentation.
    case plain
    /// AddressSanitizer + UndefinedBehaviorSanitizer, aborting on the first report.
    case asan
    /// MemorySanitizer (clang only, optional).
    case msan
}

public enum ExtensionBuild: String, CaseIterable, Sendable, Codable {
    /// Built once against the newest SQLite headers: exactly what a release ships, loaded into every version.
    case release
    /// Built against the tested version's own headers: proves the source still compiles there.
    case native
}
