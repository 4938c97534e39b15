// A libuv call that failed, with what it was doing.

import CLibUV

struct UVError: Error, CustomStringConvertible {
    let code: Int32
    let context: String
    var description: String { "\(context): \(String(cString: uv_strerror(code)))" }

    static func check(_ rc: Int32, _ context: @autoclosure () -> String) throws {
        if rc < 0 { throw UVError(code: rc, context: context()) }
    }
}
