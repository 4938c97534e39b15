import ArgumentParser
import Foundation
import ORAProtocol

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Make a verified online copy of the database (the server keeps serving).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The copy's file name under the server's backup folder (--backup-dir, default the database's folder); must not exist.") var name: String

    func run() throws {
        try connection.run("backup", ["path": .string(name)]) { r in
            print("backup \(Output.text(r["path"])): \(Output.text(r["pages"])) pages, \(Output.text(r["bytes"])) bytes in \(Output.text(r["durationMs"])) ms, integrity \(Output.text(r["integrity"]))")
        }
    }
}
