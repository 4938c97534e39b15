// Binding the listening socket: TCP (IPv4 or IPv6, port 0 picks a free one) or a Unix socket
// with its file mode, replacing a stale socket file but never a live one.

import CLibUV
import Foundation
import ORAProtocol

extension Server {
    func listen() throws {
        switch config.listen {
        case .tcp(let host, let port):
            let handle = UVHandles.allocate(UV_TCP)
            listener = handle
            uv_tcp_init(loop, handle.assumingMemoryBound(to: uv_tcp_t.self))
            var storage = sockaddr_storage()
            try Self.resolve(host: host, port: port, into: &storage)
            try withUnsafePointer(to: &storage) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { addr in
                    try UVError.check(uv_tcp_bind(handle.assumingMemoryBound(to: uv_tcp_t.self), addr, 0), "cannot listen on \(config.listen)")
                }
            }
            boundAddress = .tcp(host: host, port: try boundPort(handle))
        case .unix(let path):
            let handle = UVHandles.allocate(UV_NAMED_PIPE)
            listener = handle
            uv_pipe_init(loop, handle.assumingMemoryBound(to: uv_pipe_t.self), 0)
            try Self.removeStaleSocket(path)
            try UVError.check(uv_pipe_bind(handle.assumingMemoryBound(to: uv_pipe_t.self), path), "cannot listen on \(config.listen)")
            try UVError.check(chmod(path, mode_t(config.socketMode)) == 0 ? 0 : -errno, "chmod \(path)")
        }
        ora_handle(listener!)!.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        try UVError.check(uv_listen(ora_stream(listener!), 511, onConnection), "cannot listen on \(config.listen)")
    }

    private static func resolve(host: String, port: Int, into storage: inout sockaddr_storage) throws {
        let name = host == "localhost" ? "127.0.0.1" : host
        let ok = withUnsafeMutablePointer(to: &storage) { pointer -> Bool in
            if uv_ip4_addr(name, Int32(port), UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr_in.self)) == 0 { return true }
            return uv_ip6_addr(name, Int32(port), UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr_in6.self)) == 0
        }
        guard ok else { throw UVError(code: Int32(UV_EINVAL.rawValue), context: "listen address \(host) is not an IPv4 or IPv6 address") }
    }

    private func boundPort(_ handle: UnsafeMutableRawPointer) throws -> Int {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { addr in
                try UVError.check(uv_tcp_getsockname(handle.assumingMemoryBound(to: uv_tcp_t.self), addr, &length), "getsockname")
            }
        }
        let port = storage.ss_family == sa_family_t(AF_INET6)
            ? withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port } }
            : withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port } }
        return Int(UInt16(bigEndian: port))
    }

    /// A socket file left by a server that died is removed; a live one is not.
    private static func removeStaleSocket(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw UVError(code: Int32(UV_EEXIST.rawValue), context: "\(path) exists and is not a socket")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { Foundation.close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
        }
        let live = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        if live { throw UVError(code: Int32(UV_EADDRINUSE.rawValue), context: "another server is listening on unix:\(path)") }
        unlink(path)
    }
}
