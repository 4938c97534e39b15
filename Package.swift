// swift-tools-version:6.0
// ORA: the inventory and shipment service. One target per concern:
//   ORAProtocol  bytes -> lines -> JSON -> JSON-RPC requests, and replies back to bytes
//   ORADomain    the business rules as pure functions (SKU parser, dates, order lines, reconcile)
//   ORAStore     SQLite: schema, migrations, the queries behind every method
//   ORAServer    libuv loop, connections (TLS through COpenSSL), the single writer thread, the readers, dispatch
//   ora-server / ora-client   the executables
import PackageDescription

let package = Package(
    name: "ORA",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ora-server", targets: ["ora-server"]),
        .executable(name: "ora-client", targets: ["ora-client"]),
        .executable(name: "ora-bench", targets: ["ora-bench"]),
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

        .target(name: "ORAProtocol"),
        // A seeded random generator shared by the tests' fuzzers and ora-bench.
        .target(name: "ORATestSupport"),
        .target(name: "ORADomain", dependencies: ["ORAProtocol"]),
        .target(name: "ORAStore", dependencies: ["CSQLite", "ORADomain", "ORAProtocol"]),
        .target(
            name: "ORAServer",
            dependencies: [
                "CLibUV", "COpenSSL", "ORAStore", "ORADomain", "ORAProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // rpc.discover answers protocol/openrpc.json itself (Resources/openrpc.json links to it).
            resources: [.embedInCode("Resources/openrpc.json")]),
        .executableTarget(
            name: "ora-server",
            dependencies: [
                "ORAServer", "ORAStore", "ORAProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "ora-client",
            dependencies: [
                "ORAProtocol", "COpenSSL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "ora-bench",
            dependencies: [
                "CLibUV", "COpenSSL", "ORAStore", "ORADomain", "ORAProtocol", "ORATestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]),

        .testTarget(name: "ORAProtocolTests", dependencies: ["ORAProtocol", "ORATestSupport"]),
        .testTarget(name: "ORADomainTests", dependencies: ["ORADomain", "ORAProtocol", "ORATestSupport"]),
        .testTarget(name: "ORAStoreTests", dependencies: ["ORAStore", "ORADomain", "ORAProtocol"]),
        .testTarget(name: "ORAServerTests", dependencies: ["ORAServer", "ORAStore", "ORAProtocol"]),
        .testTarget(name: "ORAIntegrationTests", dependencies: ["CSQLite", "ORAProtocol", "ORATestSupport"]),
    ]
)
