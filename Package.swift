// swift-tools-version: 6.2
// vec_graph: the SQLite extension (C target `CVecGraph`; the Makefile builds the loadable binary
// from the same files), `VecGraph`, the library that compiles it into a Swift program, and
// `compat-matrix`, the Swift harness that tests it on every SQLite release.
import Foundation
import PackageDescription

/// The version string, read from VERSION (its only home) and stamped into the C target.
let version = (try? String(contentsOfFile: Context.packageDirectory + "/VERSION", encoding: .utf8))?
    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "0.0.0-unknown"

let package = Package(
    name: "vec_graph",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "VecGraph", targets: ["VecGraph"]),
        .executable(name: "compat-matrix", targets: ["compat-matrix"]),
        .library(name: "CompatMatrix", targets: ["CompatMatrix"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The extension's C sources, compiled in (SQLITE_CORE: they call the SQLite the program links);
        // the Makefile builds the loadable build/vec_graph.so from the same files.
        .target(
            name: "CVecGraph",
            path: "Sources/vec_graph",
            cSettings: [.define("VEC_GRAPH_VERSION", to: "\"\(version)\""), .define("SQLITE_CORE")],
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // VecGraph.register() / load(into:) and the float32 BLOB helpers (README "Swift and GRDB").
        .target(name: "VecGraph", dependencies: ["CVecGraph", "CSQLite"], path: "Sources/VecGraph"),
        // The system SQLite (libsqlite3-dev), for tests that load build/vec_graph.so into it.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // The compat-matrix harness: manifest, sources, builder, fixtures, runner, reports.
        .target(
            name: "CompatMatrix",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Sources/CompatMatrix"
        ),
        .executableTarget(
            name: "compat-matrix",
            dependencies: [
                "CompatMatrix",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/compat-matrix"
        ),
        .testTarget(
            name: "VecGraphTests",
            dependencies: ["CSQLite", "CVecGraph"],
            path: "Tests/VecGraphTests"
        ),
        .testTarget(
            name: "CompatMatrixTests",
            dependencies: ["CompatMatrix"],
            path: "Tests/CompatMatrixTests"
        ),
    ],
    cLanguageStandard: .c11
)
