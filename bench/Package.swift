// swift-tools-version:6.0
// ora-bench: ORA against the Python-era scripts, its own ceiling and redis (bench/README.md). A
// package of its own, so the shipped package carries no benchmark and no redis; it builds ORA's
// libraries from the root package by path. `make bench` (at the root) builds and runs it.
import PackageDescription

let package = Package(
    name: "ora-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ORA", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .executableTarget(
            name: "ora-bench",
            dependencies: [
                .product(name: "ORAServer", package: "ORA"),
                .product(name: "ORAStore", package: "ORA"),
                .product(name: "ORADomain", package: "ORA"),
                .product(name: "ORAProtocol", package: "ORA"),
                .product(name: "ORAJSON", package: "ORA"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]),
    ]
)
