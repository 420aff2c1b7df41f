// A driver and an extension built elsewhere (a release binary, a cross build), run as they are,
// optionally under an emulator: `qemu-aarch64-static -L /usr/aarch64-linux-gnu` or `wine`.
import Foundation

public struct PrebuiltTarget: Sendable {
    public var driver: URL
    public var extensionLibrary: URL
    /// The emulator command and its arguments, put in front of the driver; empty to run it directly.
    public var emulator: [String]
    /// The suite's name in the reports, e.g. "cross-linux-arm64".
    public var suiteName: String
    /// When set, the load case also checks vec_graph_kernel() (e.g. "neon").
    public var expectKernel: String?
    /// When set, the driver must report this SQLite version.
    public var expectSQLite: SQLiteVersion?

    public init(driver: URL, extensionLibrary: URL, emulator: [String], suiteName: String,
                expectKernel: String? = nil, expectSQLite: SQLiteVersion? = nil) {
        self.driver = driver
        self.extensionLibrary = extensionLibrary
        self.emulator = emulator
        self.suiteName = suiteName
        self.expectKernel = expectKernel
        self.expectSQLite = expectSQLite
    }
}
