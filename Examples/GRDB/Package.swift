// swift-tools-version: 6.2
// An app's view of VecGraph: the package at the repository root as a dependency, with GRDB.
// Its test (make test: Examples/GRDB/test.sh) opens a DatabaseQueue, creates an hnsw_index,
// inserts through GRDB, and runs a KNN query and graph_bfs.
import PackageDescription

let package = Package(
    name: "VecGraphGRDB",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "vec_graph", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .testTarget(
            name: "VecGraphGRDBTests",
            dependencies: [
                .product(name: "VecGraph", package: "vec_graph"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
