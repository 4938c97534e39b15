// The audit trail of shipped data, and orderHistory which reads it back with the quarantine.

import ORAProtocol

public enum AuditAction: String, Sendable {
    case created, updated, moved, removed, reconciled, migrated
}

extension Store {
    struct AuditEntry {
        var orderNumber: String
        var action: AuditAction
        var source: String?
        var shipDate: String?
        var previousShipDate: String?
        var items: [JSON]?
        var previousItems: [JSON]?
    }

    func audit(_ e: AuditEntry, now: String) throws {
        try db.run("""
            INSERT INTO audit_log (at, order_number, action, source, ship_date, previous_ship_date, items, previous_items)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(now), .text(e.orderNumber), .text(e.action.rawValue), .text(e.source), .text(e.shipDate),
                  .text(e.previousShipDate), .text(e.items.map { JSONWriter.string(.array($0)) }),
                  .text(e.previousItems.map { JSONWriter.string(.array($0)) })])
    }

    /// `orderHistory {orderNumber}`: every change and every refusal, oldest first.
    public func orderHistory(_ orderNumber: String) throws -> JSON {
        struct Event { let at: String; let rank: Int64; let json: JSON }
        func parsed(_ text: String?) -> JSON {
            guard let text, let value = try? JSONParser.parse(text) else { return .null }
            return value
        }
        let changes = try db.query("""
            SELECT at, audit_id, action, source, ship_date, previous_ship_date, items, previous_items
            FROM audit_log WHERE order_number = ? ORDER BY audit_id
            """, [.text(orderNumber)]) { r in
            Event(at: r.text(0), rank: r.int(1), json: [
                "at": .string(r.text(0)), "action": .string(r.text(2)), "source": .string(r.textOrNil(3)),
                "shipDate": .string(r.textOrNil(4)), "previousShipDate": .string(r.textOrNil(5)),
                "items": parsed(r.textOrNil(6)), "previousItems": parsed(r.textOrNil(7)), "reason": nil,
            ])
        }
        let refusals = try db.query("""
            SELECT received_at, quarantine_id, reason, message, request, source FROM quarantine
            WHERE order_number = ? ORDER BY quarantine_id
            """, [.text(orderNumber)]) { r -> Event in
            let request = parsed(r.text(4))
            return Event(at: r.text(0), rank: r.int(1), json: [
                "at": .string(r.text(0)), "action": "refused", "source": .string(r.textOrNil(5)),
                "shipDate": request["shipDate"] ?? .null, "previousShipDate": nil,
                "items": request["items"] ?? .null, "previousItems": nil,
                "reason": .string(r.text(2)), "message": .string(r.text(3)),
            ])
        }
        // Both lists are in time order, and the writer's EventClock never gives two requests the
        // same time: merge them by time.
        var events: [JSON] = []
        var i = 0, j = 0
        while i < changes.count || j < refusals.count {
            if j == refusals.count || (i < changes.count && changes[i].at <= refusals[j].at) {
                events.append(changes[i].json); i += 1
            } else {
                events.append(refusals[j].json); j += 1
            }
        }
        return ["orderNumber": .string(orderNumber), "events": .array(events)]
    }
}
