// `ora-client`: every ORA method from the command line. Tables for people, `--json` for scripts.
// Exit status: 0 success, 1 the server answered an error, 2 usage, 3 cannot connect or no reply.

import ArgumentParser
import Foundation
import ORAJSON
import ORAProtocol

@main
struct OraClient: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ora-client",
        abstract: "Talk to ora-server: record and reconcile shipments, check health, list data.",
        version: "0.1.0",
        subcommands: [ParseSku.self, Record.self, RemoveShipment.self, Reconcile.self, Validate.self, Status.self, Skus.self, Lots.self,
                      UpsertSku.self, UpsertLot.self, Adjust.self, Count.self, LedgerCommand.self, Trace.self,
                      BundleCommand.self, Bundles.self, Import.self, Allocate.self, Uploaded.self, Cancel.self, Orders.self, Purge.self, Inbox.self,
                      Shipped.self, History.self, Report.self, BackupCommand.self, Workflows.self, Call.self])

    /// Options every subcommand takes, also accepted before the subcommand's name
    /// (`ora-client --connect HOST:PORT status`): moved after it before parsing.
    static let globalOptions: [String: Bool] = ["--connect": true, "--token-file": true, "--timeout": true, "--tls-ca": true,
                                                 "--tls": false, "--json": false]

    static func arguments(_ given: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < given.count {
            let word = given[i]
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
            guard let takesValue = globalOptions[name] else { break }
            leading.append(word)
            if takesValue && !word.contains("="), i + 1 < given.count {
                leading.append(given[i + 1])
                i += 1
            }
            i += 1
        }
        return leading.isEmpty ? given : Array(given[i...]) + leading
    }

    static func main() {
        do {
            var command = try parseAsRoot(arguments(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let failure as ClientFailure {
            switch failure {
            case .server(let error):
                FileHandle.standardError.write(Data("ora-client: error \(error.code) \(error.reason): \(error.message)\n".utf8))
                if let details = detailLines(error) { FileHandle.standardError.write(Data(details.utf8)) }
                Foundation.exit(1)
            case .transport(let why):
                FileHandle.standardError.write(Data("ora-client: \(why)\n".utf8))
                Foundation.exit(3)
            }
        } catch {
            // --help and --version exit 0; a command's own ExitCode passes through; usage errors exit 2.
            if exitCode(for: error) == .success || error is ExitCode { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }

    /// The parts of `data` a person needs to act on (field, SKUs, items).
    static func detailLines(_ error: RPCError) -> String? {
        var lines: [String] = []
        if let field = error.data["field"]?.stringValue { lines.append("  field: \(field)") }
        if let skus = error.data["skus"]?.arrayValue { lines.append("  unknown SKUs: \(skus.map(Output.text).joined(separator: ", "))") }
        for item in error.data["items"]?.arrayValue ?? [] {
            if error.reason == "order_changed" {
                lines.append("  now: \(Output.text(item["sku"])) x \(Output.text(item["quantity"]))")
            } else {
                lines.append("  item \(Output.text(item["index"])): '\(Output.text(item["sku"]))' \(Output.text(item["error"]))")
            }
        }
        if let cutoff = error.data["cutoff"]?.stringValue { lines.append("  cutoff: \(cutoff) (send --backfill if this is intended)") }
        return lines.isEmpty ? nil : lines.joined(separator: "\n") + "\n"
    }
}

/// Flags every subcommand shares.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "HOST:PORT or unix:PATH (default: $ORA_ADDRESS, else 127.0.0.1:7420).")
    var connect: String?

    @Option(name: .long, help: "File holding the server's token (for a server that requires auth).")
    var tokenFile: String?

    @Flag(name: .long, help: "Print the raw result JSON (for scripts).")
    var json = false

    @Option(name: .long, help: "Seconds to wait for a reply.")
    var timeout: Double = 60

    @Flag(name: .long, help: "Speak TLS to the server (one started with --tls-cert).")
    var tls = false

    @Option(name: .long, help: "CA certificates (PEM) to verify the server with (default: the system's); implies --tls.")
    var tlsCa: String?

    var address: String { connect ?? ProcessInfo.processInfo.environment["ORA_ADDRESS"] ?? "127.0.0.1:7420" }

    func validate() throws {
        guard ListenAddress(address) != nil else { throw ValidationError("--connect must be HOST:PORT or unix:PATH, got \(address)") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func open() throws -> Connection {
        let connection = try Connection(address: ListenAddress(address)!, timeout: timeout,
                                        tls: tls || tlsCa != nil ? TLSOptions(caFile: tlsCa) : nil)
        if let tokenFile {
            let token: String
            do { token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) } catch {
                throw ValidationError("cannot read --token-file \(tokenFile): \(error.localizedDescription)")
            }
            _ = try connection.call("auth", ["token": .string(token)])
        }
        return connection
    }

    /// Calls one method; prints the raw result with --json, else hands it to `human`.
    func run(_ method: String, _ params: JSON? = nil, human: (JSON) throws -> Void) throws {
        let result = try open().call(method, params)
        if json { Output.json(result) } else { try human(result) }
    }
}

/// Reads a JSON file, or standard input for "-".
func readJSONFile(_ path: String) throws -> JSON {
    let data: Data
    do {
        data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
    do { return try JSONParser.parse(Array(data), maxDepth: 256) } catch { throw ValidationError("\(path) is not valid JSON: \(error.message)") }
}
