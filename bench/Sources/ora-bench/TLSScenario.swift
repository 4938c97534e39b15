// What TLS costs: parseSku's round trip with one client and throughput with 50, over plaintext and
// over TLS, through the same blocking client (each connection a thread), interleaved.

import Foundation
import ORAJSON
import ORAProtocol

extension Bench {
    struct TLSRun {
        let plainP50us: Double, tlsP50us: Double
        let plainRps: Double, tlsRps: Double
    }

    /// A CA and a server certificate for 127.0.0.1, made with the openssl command.
    func testCertificates() throws -> (ca: String, cert: String, key: String) {
        let d = path("tls")
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: d + "/san.cnf", atomically: true, encoding: .utf8)
        for step in [["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out", d + "/ca.pem", "-days", "1", "-subj", "/CN=bench CA"],
                     ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj", "/CN=127.0.0.1"],
                     ["x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key", "-CAcreateserial",
                      "-out", d + "/server.pem", "-days", "1", "-extfile", d + "/san.cnf"]] {
            _ = try capture("/usr/bin/openssl", step)
        }
        chmod(d + "/server.key", 0o600)
        return (d + "/ca.pem", d + "/server.pem", d + "/server.key")
    }

    /// p50 of one client's round trips, and requests a second from `clients` threads.
    func blockingParse(port: Int, tlsCA: String?, clients: Int, requests: Int) throws -> (p50us: Double, rps: Double) {
        let params: JSON = ["sku": "17612 - 250300"]
        let one = try BlockingClient(port: port, tlsCA: tlsCA)
        var times: [Double] = []
        for _ in 0..<requests {
            let t = DispatchTime.now().uptimeNanoseconds
            _ = try one.call("parseSku", params)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1000)
        }
        let each = requests
        let group = DispatchGroup()
        let failures = Collected<String>()
        let started = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<clients {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let c = try BlockingClient(port: port, tlsCA: tlsCA)
                    for _ in 0..<each { _ = try c.call("parseSku", params) }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if let first = failures.values.first { throw BenchError("\(failures.values.count) of \(clients) parseSku clients failed, the first: \(first)") }
        return (times.sorted()[times.count / 2], Double(clients * each) / seconds)
    }

    func tlsCost(rounds: Int) throws -> TLSRun {
        let certs = try testCertificates()
        let plain = try ServerProcess(binary: serverBinary, database: path("plain.db"))
        let tls = try ServerProcess(binary: serverBinary, database: path("tls.db"), extra: ["--tls-cert", certs.cert, "--tls-key", certs.key])
        defer { plain.stop(); tls.stop() }
        var p: [(Double, Double)] = [], t: [(Double, Double)] = []
        for _ in 0..<rounds {
            p.append(try blockingParse(port: plain.port, tlsCA: nil, clients: 50, requests: scaled(2000)))
            t.append(try blockingParse(port: tls.port, tlsCA: certs.ca, clients: 50, requests: scaled(2000)))
        }
        let median = { (v: [Double]) in v.sorted()[v.count / 2] }
        return TLSRun(plainP50us: median(p.map(\.0)), tlsP50us: median(t.map(\.0)), plainRps: median(p.map(\.1)), tlsRps: median(t.map(\.1)))
    }
}
