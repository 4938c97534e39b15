// The audit trail of shipped data, and orderHistory which reads it back with the quarantine and
// the inbox's events.

import ORAJSON

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
        var reason: String?
    }

    func audit(_ e: AuditEntry, now: String) throws {
        try db.run("""
            INSERT INTO audit_log (at, order_number, action, source, ship_date, previous_ship_date, items, previous_items, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(now), .text(e.orderNumber), .text(e.action.rawValue), .text(e.source), .text(e.shipDate),
                  .text(e.previousShipDate), .text(e.items.map { JSONWriter.string(.array($0)) }),
                  .text(e.previousItems.map { JSONWriter.string(.array($0)) }), .text(e.reason)])
    }

    /// `orderHistory {orderNumber}`: every change and every refusal, oldest first.
    public func orderHistory(_ orderNumber: String) throws -> JSON {
        struct Event { let at: String; let rank: Int64; let json: JSON }
        func parsed(_ text: String?) -> JSON {
            guard let text, let value = try? JSONParser.parse(text) else { return .null }
            return value
        }
        let changes = try db.query("""
            SELECT at, audit_id, action, source, ship_date, previous_ship_date, items, previous_items, reason
            FROM audit_log WHERE order_number = ? ORDER BY audit_id
            """, [.text(orderNumber)]) { r in
            Event(at: r.text(0), rank: r.int(1), json: [
                "at": .string(r.text(0)), "action": .string(r.text(2)), "source": .string(r.textOrNil(3)),
                "shipDate": .string(r.textOrNil(4)), "previousShipDate": .string(r.textOrNil(5)),
                "items": parsed(r.textOrNil(6)), "previousItems": parsed(r.textOrNil(7)), "reason": .string(r.textOrNil(8)),
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
        let inbox = try db.query("""
            SELECT at, event_id, action, source, detail FROM inbox_events WHERE order_number = ? ORDER BY event_id
            """, [.text(orderNumber)]) { r -> Event in
            let detail = parsed(r.text(4))
            return Event(at: r.text(0), rank: r.int(1), json: [
                "at": .string(r.text(0)), "action": .string(r.text(2)), "source": .string(r.textOrNil(3)),
                "shipDate": nil, "previousShipDate": nil, "items": detail["items"] ?? .null, "previousItems": nil,
                "reason": detail["reason"] ?? .null, "orderStatus": detail["orderStatus"] ?? .null,
            ])
        }
        // Each list is in time order, and the writer's EventClock never gives two requests the same
        // time: sort by time, keeping one request's events in the order it wrote them.
        let ordered = [changes, inbox, refusals].enumerated().flatMap { group, list in list.map { (group, $0) } }
            .sorted { a, b in (a.1.at, a.0, a.1.rank) < (b.1.at, b.0, b.1.rank) }
        let events = ordered.map(\.1.json)
        return ["orderNumber": .string(orderNumber), "events": .array(events)]
    }
}
