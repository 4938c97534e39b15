"""The Python client over TLS: verified against the server's CA, refused without it, and client
certificates when the server asks for them (--tls-ca)."""

import os
import socket
import ssl
import subprocess

import pytest

from conftest import Server
from ora_client import Client, TransportError


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    (d / "san.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    steps = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=ORA test CA"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.cnf"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=ora-client"],
        ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "2"],
    ]
    for step in steps:
        subprocess.run(["openssl", *step], cwd=d, check=True, capture_output=True)
    os.chmod(d / "server.key", 0o600)
    return d


def tls_server(tmp_path, certs, *extra):
    s = Server(str(tmp_path / "ora.db"), args=["--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"), *extra])
    s.start()
    return s


def test_round_trip_over_tls(tmp_path, certs):
    server = tls_server(tmp_path, certs)
    try:
        with Client(server.address, tls=True, cafile=str(certs / "ca.pem")) as ora:
            assert ora.upsert_sku("17612", "Widget")["created"] is True
            assert ora.call_many([("parseSku", {"sku": "17612 - 1"})] * 50)[0]["lotNumber"] == "1"
        with pytest.raises(TransportError):
            Client(server.address, tls=True, timeout=5).status()  # the system's CAs do not know this one
        with pytest.raises(TransportError):
            Client(server.address, timeout=3).status()  # plaintext to a TLS port: no answer
    finally:
        server.stop()


def test_client_certificates_when_the_server_asks(tmp_path, certs):
    server = tls_server(tmp_path, certs, "--tls-ca", str(certs / "ca.pem"))
    try:
        context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
        context.load_cert_chain(str(certs / "client.pem"), str(certs / "client.key"))
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw, context.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"parseSku","params":{"sku":"17612"}}\n')
            assert b'"valid":true' in s.recv(4096)
        with pytest.raises(TransportError):
            Client(server.address, tls=True, cafile=str(certs / "ca.pem"), timeout=5).status()  # no client certificate
    finally:
        server.stop()
