// TLS for connections (--tls-cert, --tls-key, --tls-ca): OpenSSL over memory BIOs, so libuv keeps
// doing the socket I/O and the loop never blocks.
//
//   socket bytes -> TLSSession.receive (BIO_write, SSL_read) -> plaintext -> LineFramer
//   replies -> TLSSession.send (SSL_write) -> takeOutput (BIO_read) -> uv_try_write / uv_write
//
// (1) TLS 1.2 and 1.3 only. With --tls-ca every client must present a certificate it signed.
// (2) Anything that is not TLS (a plaintext client) fails the handshake: the connection is closed
//     without a byte of answer, since a plaintext reply would tell it nothing it could trust.

import COpenSSL
import Foundation

public struct TLSError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    /// The reasons OpenSSL queued, oldest first (the queue is emptied).
    static func drain(_ context: String) -> TLSError {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return TLSError(message: context + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
    }
}

/// The server's certificate, key and, optionally, the CA its clients' certificates must chain to.
public final class TLSContext: @unchecked Sendable {
    let ctx: OpaquePointer

    public init(certificate: String, key: String, clientCA: String?) throws {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw TLSError.drain("cannot create a TLS context") }
        self.ctx = ctx
        guard ora_ssl_ctx_set_min_tls12(ctx) == 1 else { throw TLSError.drain("cannot require TLS 1.2") }
        _ = ora_ssl_ctx_set_release_buffers(ctx)
        guard SSL_CTX_use_certificate_chain_file(ctx, certificate) == 1 else { throw TLSError.drain("cannot load --tls-cert \(certificate)") }
        guard SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 else { throw TLSError.drain("cannot load --tls-key \(key)") }
        guard SSL_CTX_check_private_key(ctx) == 1 else { throw TLSError.drain("--tls-key \(key) does not match --tls-cert \(certificate)") }
        if let clientCA {
            guard SSL_CTX_load_verify_locations(ctx, clientCA, nil) == 1 else { throw TLSError.drain("cannot load --tls-ca \(clientCA)") }
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
    }

    deinit { SSL_CTX_free(ctx) }

    /// Refuses a key file that the group or other users may read: it is the server's identity.
    public static func checkKeyFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw TLSError(message: "cannot read --tls-key \(path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & 0o077 == 0 else {
            throw TLSError(message: "--tls-key \(path) is readable by its group or other users (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
    }
}

/// One connection's TLS state, on the loop thread.
final class TLSSession {
    private let ssl: OpaquePointer
    private let input: OpaquePointer   // what the socket brought, for OpenSSL to read
    private let output: OpaquePointer  // what OpenSSL wrote, for the socket

    init(_ context: TLSContext) throws {
        guard let ssl = SSL_new(context.ctx), let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            throw TLSError.drain("cannot start a TLS session")
        }
        self.ssl = ssl
        self.input = input
        self.output = output
        SSL_set_bio(ssl, input, output)  // the session owns both BIOs from here on
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// The handshake is done: replies can be sent (before, they wait in the response queue).
    var isEstablished: Bool { SSL_is_init_finished(ssl) == 1 }

    /// Feeds bytes from the socket; returns the plaintext they complete (maybe none, during the
    /// handshake). Throws when the peer does not speak TLS or the session failed (2).
    func receive(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        if bytes.count > 0 { _ = BIO_write(input, bytes.baseAddress, Int32(bytes.count)) }
        var plain: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if n > 0 { plain += buffer[..<Int(n)]; continue }
            switch SSL_get_error(ssl, n) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return plain
            case SSL_ERROR_ZERO_RETURN: return plain  // the peer's close_notify; EOF follows
            default: throw TLSError.drain("TLS failed")
            }
        }
    }

    /// Encrypts replies; the records wait in `takeOutput`.
    func send(_ plain: [UInt8]) throws {
        var offset = 0
        while offset < plain.count {
            let n = plain[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { throw TLSError.drain("TLS write failed") }
            offset += Int(n)
        }
    }

    /// Bytes for the socket: handshake messages and records, in order.
    func takeOutput() -> [UInt8] {
        let pending = ora_bio_pending(output)
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(pending))
        let n = bytes.withUnsafeMutableBytes { BIO_read(output, $0.baseAddress, Int32($0.count)) }
        return n > 0 ? Array(bytes[..<Int(n)]) : []
    }
}
