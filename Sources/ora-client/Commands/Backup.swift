import ArgumentParser
import Foundation
import ORAProtocol

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Make a verified online copy of the database (the server keeps serving).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Where to write the copy; must not exist. Relative paths are taken from here.") var path: String

    func run() throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        try connection.run("backup", ["path": .string(absolute)]) { r in
            print("backup \(Output.text(r["path"])): \(Output.text(r["pages"])) pages, \(Output.text(r["bytes"])) bytes in \(Output.text(r["durationMs"])) ms, integrity \(Output.text(r["integrity"]))")
        }
    }
}
