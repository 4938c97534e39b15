import Testing
import Foundation
import ORAJSON
import ORAProtocol
@testable import ORAServer

@Suite struct OpenRPCDocumentTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../protocol/openrpc.json").standardized

    /// The document rpc.discover answers is protocol/openrpc.json, byte for byte (embedded at build time).
    @Test func embeddedCopyMatchesTheFile() throws {
        #expect(PackageResources.openrpc_json == Array(try Data(contentsOf: Self.file)))
    }

    /// Every method the server answers is in the document, and every documented method is answered.
    @Test func methodsMatchTheServer() throws {
        let documented = Methods.document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(Set(documented) == Set(Methods.names))
        #expect(documented.count == Methods.names.count)
    }
}
