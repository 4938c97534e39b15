// The connection's state machine without a socket: the order its jobs start in (JobOrder) and
// when it stops and resumes reading (ReadPressure).

import Testing
@testable import ORAServer

struct Job: OrderedJob, Equatable {
    let name: String
    var isWrite: Bool { name.hasPrefix("w") }
}

@Suite struct ConnectionRulesTests {
    /// Admits like the connection does: starts what may start, marks it started.
    func admit(_ order: inout JobOrder<Job>, _ names: String...) -> [String] {
        var started: [String] = []
        for name in names where order.admit(Job(name: name)) {
            order.started(Job(name: name))
            started.append(name)
        }
        return started
    }

    func release(_ order: inout JobOrder<Job>) -> [String] {
        var started: [String] = []
        while let next = order.nextReady() {
            order.started(next)
            started.append(next.name)
        }
        return started
    }

    /// Consecutive writes go together, consecutive reads side by side; a read waits for the earlier
    /// writes, a write for the earlier reads, and nothing overtakes a held job.
    @Test func jobsTakeEffectInTheOrderSent() {
        var order = JobOrder<Job>()
        let got1 = admit(&order, "w1", "w2", "r1", "r2", "w3", "r3")
        #expect(got1 == ["w1", "w2"])
        #expect(order.heldCount == 4)
        order.finished(write: true)
        let got2 = release(&order)
        #expect(got2.isEmpty)  // w2 still runs: r1 waits for it
        order.finished(write: true)
        let got3 = release(&order)
        #expect(got3 == ["r1", "r2"])
        order.finished(write: false)
        let got4 = release(&order)
        #expect(got4.isEmpty)  // w3 waits for r2
        order.finished(write: false)
        let got5 = release(&order)
        #expect(got5 == ["w3"])
        let got6 = admit(&order, "w4")
        #expect(got6 == [])  // r3 is held: w4 may not overtake it
        order.finished(write: true)
        let got7 = release(&order)
        #expect(got7 == ["r3"])
        order.finished(write: false)
        let got8 = release(&order)
        #expect(got8 == ["w4"])
        order.finished(write: true)
        #expect(order.heldCount == 0 && order.readsInFlight == 0 && order.writesInFlight == 0)
    }

    /// A job refused for a full queue never started: it holds back nothing after it.
    @Test func refusedJobHoldsNothingBack() {
        var order = JobOrder<Job>()
        let admitted = order.admit(Job(name: "w1"))  // refused by the queue: not marked started
        #expect(admitted)
        let got9 = admit(&order, "r1", "r2")
        #expect(got9 == ["r1", "r2"])
    }

    let pressure = ReadPressure(maxInFlight: 8, maxOutputBytes: 1000)

    func load(inFlight: Int = 0, output: Int = 0, unsent: Int = 0, memory: Int = 0, overBudget: Bool = false) -> ReadPressure.Load {
        .init(inFlight: inFlight, outputBytes: output, unsentBytes: unsent, memory: memory, serverOverBudget: overBudget)
    }

    /// Reading stops at the limit and resumes only at half of it (no flapping at the edge).
    @Test func readingStopsAtTheLimitAndResumesAtHalf() {
        #expect(!pressure.isBackedUp(load(inFlight: 7, output: 999)))
        #expect(pressure.isBackedUp(load(inFlight: 8)))
        #expect(pressure.isBackedUp(load(output: 1000)))
        #expect(!pressure.hasDrained(load(inFlight: 5)))
        #expect(pressure.hasDrained(load(inFlight: 4, unsent: 500)))
        #expect(!pressure.hasDrained(load(inFlight: 4, unsent: 501)))
    }

    /// Over the server's memory budget only connections holding more than a small share stop.
    @Test func memoryBudgetStopsOnlyTheBigHolders() {
        let big = ReadPressure.smallShare + 1
        #expect(pressure.isBackedUp(load(memory: big, overBudget: true)))
        #expect(!pressure.hasDrained(load(memory: big, overBudget: true)))
        #expect(!pressure.isBackedUp(load(memory: ReadPressure.smallShare, overBudget: true)))
        #expect(!pressure.isBackedUp(load(memory: big, overBudget: false)))
    }
}
