// One uv_write in flight and the bytes it owns.

import CLibUV

/// One uv_write in flight: owns the bytes until libuv is done with them.
final class PendingWrite {
    let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
    let bytes: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ data: ArraySlice<UInt8>) {
        count = data.count
        bytes = .allocate(capacity: data.count)
        data.withUnsafeBufferPointer { bytes.initialize(from: $0.baseAddress!, count: data.count) }
    }

    deinit {
        request.deallocate()
        bytes.deallocate()
    }
}
