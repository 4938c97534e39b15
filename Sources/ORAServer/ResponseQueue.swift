// Keeps one connection's replies in request order, whatever order they complete in.
//
//     requests:   #0 write ---------------------> done (after COMMIT)
//                 #1 parseSku -> done at once
//                 #2 batch [a, b] --> a done, b done
//     replies:    held until #0 is done, then #0 #1 #2 leave together in one write
//
// A slot is reserved when a request is read and filled when its reply is ready; `takeReady()`
// hands over the filled prefix. Notifications take no slot. A value type: tested without sockets.

import DequeModule
import ORAProtocol

struct ResponseQueue {
    private enum Slot {
        case pending
        case ready([UInt8])
        /// A batch: one part per answerable entry; `remaining` counts the parts still missing.
        case batch(parts: [[UInt8]?], remaining: Int)
    }

    private var slots = Deque<Slot>()
    /// How many request entries each slot answers (a batch: its answerable entries).
    private var entries = Deque<Int>()
    private var headSeq: UInt64 = 0

    /// Slots (lines) whose replies have not been handed over yet.
    var pendingCount: Int { slots.count }

    /// Request entries whose replies have not been handed over yet: each entry of a batch counts.
    private(set) var pendingEntries = 0

    /// Bytes of replies (or batch parts) filled in and not yet handed over.
    private(set) var filledBytes = 0

    mutating func reserve() -> UInt64 {
        slots.append(.pending)
        entries.append(1)
        pendingEntries += 1
        return headSeq + UInt64(slots.count - 1)
    }

    mutating func reserveBatch(parts: Int) -> UInt64 {
        slots.append(parts == 0 ? .ready([]) : .batch(parts: Array(repeating: nil, count: parts), remaining: parts))
        entries.append(parts)
        pendingEntries += parts
        return headSeq + UInt64(slots.count - 1)
    }

    mutating func fill(_ seq: UInt64, part: Int?, bytes: [UInt8]) {
        guard seq >= headSeq, seq - headSeq < UInt64(slots.count) else { return }
        let i = Int(seq - headSeq)
        switch slots[i] {
        case .pending:
            slots[i] = .ready(bytes)
            filledBytes += bytes.count
        case .batch(var parts, var remaining):
            guard let part, part < parts.count, parts[part] == nil else { return }
            parts[part] = bytes
            filledBytes += bytes.count
            remaining -= 1
            slots[i] = remaining == 0 ? .ready(RPCResponse.batch(parts.map { $0! })) : .batch(parts: parts, remaining: remaining)
        case .ready:
            return
        }
    }

    /// The replies ready at the head, each ended by '\n' (an all-notification batch adds nothing).
    mutating func takeReady() -> [UInt8] {
        var out: [UInt8] = []
        while let first = slots.first, case .ready(let bytes) = first {
            slots.removeFirst()
            pendingEntries -= entries.removeFirst()
            headSeq += 1
            if !bytes.isEmpty {
                out.append(contentsOf: bytes)
                out.append(0x0A)
            }
        }
        filledBytes = slots.reduce(0) { total, slot in
            switch slot {
            case .ready(let b): return total + b.count
            case .batch(let parts, _): return total + parts.reduce(0) { $0 + ($1?.count ?? 0) }
            case .pending: return total
            }
        }
        return out
    }
}
