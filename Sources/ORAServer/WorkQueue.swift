// A bounded blocking queue between the loop thread (producer) and worker threads (consumers).
// `push` never blocks: a full queue is the caller's signal to answer "overloaded".

import Foundation

final class WorkQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var count: Int {
        condition.lock(); defer { condition.unlock() }
        return items.count - head
    }

    /// false when the queue is full or closed.
    func push(_ item: Element) -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard !closed, items.count - head < capacity else { return false }
        items.append(item)
        condition.signal()
        return true
    }

    /// Blocks until there is work; returns up to `max` items, or [] once closed and drained.
    func popBatch(max: Int) -> [Element] {
        condition.lock(); defer { condition.unlock() }
        while items.count == head && !closed { condition.wait() }
        let end = min(items.count, head + max)
        let batch = Array(items[head..<end])
        head = end
        if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        return batch
    }

    /// Like `popBatch(max:)`, but gives up after `timeoutMillis`: returns nil then (and [] once closed and drained).
    func popBatch(max: Int, timeoutMillis: Int) -> [Element]? {
        condition.lock(); defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMillis) / 1000)
        while items.count == head && !closed {
            if !condition.wait(until: deadline) && items.count == head && !closed { return nil }
        }
        let end = min(items.count, head + max)
        let batch = Array(items[head..<end])
        head = end
        if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        return batch
    }

    /// Waits until the queue is closed or `timeoutMillis` passed; true once closed.
    func waitUntilClosed(timeoutMillis: Int) -> Bool {
        condition.lock(); defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMillis) / 1000)
        while !closed {
            if !condition.wait(until: deadline) { return closed }
        }
        return true
    }

    /// Wakes every consumer; what is already queued is still handed out.
    func close() {
        condition.lock(); defer { condition.unlock() }
        closed = true
        condition.broadcast()
    }
}
