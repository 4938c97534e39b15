// Replies travel from the writer and reader threads back to the loop thread through here:
// workers append and call uv_async_send (libuv's one thread-safe call); the loop drains.

import CLibUV
import ORAProtocol
import Synchronization

final class Mailbox: @unchecked Sendable {
    private let pending = Mutex<[Completion]>([])
    /// Owned by the loop; only `uv_async_send` is called on it from other threads.
    let async: UnsafeMutablePointer<uv_async_t>

    init(async: UnsafeMutablePointer<uv_async_t>) { self.async = async }

    func post(_ completions: [Completion]) {
        guard !completions.isEmpty else { return }
        pending.withLock { $0.append(contentsOf: completions) }
        uv_async_send(async)
    }

    func drain() -> [Completion] {
        pending.withLock { queue in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
