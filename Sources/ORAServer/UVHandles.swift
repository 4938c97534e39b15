// Raw libuv handle memory. Handles are allocated here and freed only in their close callback
// (libuv may still touch a handle until then).

import CLibUV
import Foundation

enum UVHandles {
    static func allocate(_ type: uv_handle_type) -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: uv_handle_size(type), alignment: 16)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: uv_handle_size(type))
        return memory
    }

    /// Closes a handle that has no Swift object behind it and frees its memory afterwards.
    static func close(_ handle: UnsafeMutableRawPointer) {
        let h = ora_handle(handle)!
        guard uv_is_closing(h) == 0 else { return }
        uv_close(h) { $0.map { UnsafeMutableRawPointer($0).deallocate() } }
    }
}

/// An async handle another thread may wake the loop with (uv_async_send is libuv's one
/// thread-safe call).
struct UVAsync: @unchecked Sendable {
    let handle: UnsafeMutablePointer<uv_async_t>
    init(_ handle: UnsafeMutablePointer<uv_async_t>) { self.handle = handle }
    func send() { uv_async_send(handle) }
}
