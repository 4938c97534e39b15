// Where worker threads put finished replies. The server's is the Mailbox (back to the loop
// thread); tests collect them to drive the writer and the syncer without a loop or a socket.

protocol ReplySink: Sendable {
    func post(_ completions: [Completion])
}

extension Mailbox: ReplySink {}
