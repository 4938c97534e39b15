// swift-tools-version:6.0
// ORA: the inventory and shipment service. One target per concern, each depending only on those
// above it:
//   ORAJSON      the JSON value every layer passes around, its parser and writer
//   ORAProtocol  bytes -> lines -> JSON-RPC requests, replies back to bytes, RPCError, Params
//   ORADomain    the business rules as pure functions over values (SKU parser, dates, order lines,
//                allocation, reconcile), refusing with DomainError; cannot see JSON-RPC (no
//                dependency on ORAProtocol)
//   ORAStore     SQLite: schema, migrations, the queries behind every method (StoreError for SQLite's
//                failures, DomainError for refusals); cannot see JSON-RPC either
//   ORAServer    libuv loop, connections (TLS through COpenSSL), the single writer thread, the
//                syncer, the readers; Methods* read params into requests and dispatch them, and
//                RPCError+DomainError.swift is the one place refusals become JSON-RPC codes
//   ora-server / ora-client   the executables
// Tests/Support/ORATestSupport is the tests' seeded generator. The benchmark is its own package,
// bench/, which uses the libraries below by path (`make bench`).
import PackageDescription

let package = Package(
    name: "ORA",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ora-server", targets: ["ora-server"]),
        .executable(name: "ora-client", targets: ["ora-client"]),
        // For bench/ (and anything else that embeds ORA): the layers as libraries.
        .library(name: "ORAJSON", targets: ["ORAJSON"]),
        .library(name: "ORAProtocol", targets: ["ORAProtocol"]),
        .library(name: "ORADomain", targets: ["ORADomain"]),
        .library(name: "ORAStore", targets: ["ORAStore"]),
        .library(name: "ORAServer", targets: ["ORAServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        .target(name: "ORAJSON"),
        .target(name: "ORAProtocol", dependencies: ["ORAJSON"]),
        .target(name: "ORADomain", dependencies: ["ORAJSON"]),
        .target(name: "ORAStore", dependencies: ["CSQLite", "ORAJSON", "ORADomain"]),
        .target(
            name: "ORAServer",
            dependencies: [
                "CLibUV", "COpenSSL", "ORAStore", "ORADomain", "ORAProtocol", "ORAJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // rpc.discover answers protocol/openrpc.json itself (Resources/openrpc.json links to it).
            resources: [.embedInCode("Resources/openrpc.json")]),
        .executableTarget(
            name: "ora-server",
            dependencies: [
                "ORAServer", "ORAStore", "ORAProtocol", "ORAJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "ora-client",
            dependencies: [
                "ORAProtocol", "ORAJSON", "COpenSSL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // A seeded random generator for the tests' fuzzers, so any failure can be replayed.
        .target(name: "ORATestSupport", path: "Tests/Support/ORATestSupport"),
        .testTarget(name: "ORAJSONTests", dependencies: ["ORAJSON"]),
        .testTarget(name: "ORAProtocolTests", dependencies: ["ORAProtocol", "ORAJSON", "ORATestSupport"]),
        .testTarget(name: "ORADomainTests", dependencies: ["ORADomain", "ORAJSON", "ORATestSupport"]),
        .testTarget(name: "ORAStoreTests", dependencies: ["ORAStore", "ORADomain", "ORAJSON"]),
        .testTarget(name: "ORAServerTests", dependencies: ["ORAServer", "ORAStore", "ORADomain", "ORAProtocol", "ORAJSON"]),
        .testTarget(name: "ORAIntegrationTests", dependencies: ["CSQLite", "ORAProtocol", "ORAJSON", "ORATestSupport"]),
    ]
)
