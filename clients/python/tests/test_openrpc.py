"""protocol/openrpc.json: a valid OpenRPC 1.x document that says exactly what the server does."""

import copy
import json
import os

import jsonschema
import pytest
from openrpc import OpenRPC

from conftest import REPO
from ora_client import Client, OraError

DOC_PATH = os.path.join(REPO, "protocol", "openrpc.json")
with open(DOC_PATH) as f:
    DOC = json.load(f)
METHODS = {m["name"]: m for m in DOC["methods"]}


def schema_validator(schema):
    """A Draft 7 validator for a schema of the document, with its #/components refs resolvable."""
    rooted = dict(copy.deepcopy(schema), components=DOC["components"])
    jsonschema.Draft7Validator.check_schema(rooted)
    return jsonschema.Draft7Validator(rooted)


def test_document_is_valid_openrpc():
    OpenRPC.model_validate(DOC)  # the OpenRPC 1.x object model (required members, types)
    assert DOC["openrpc"].startswith("1.")
    assert len(METHODS) == len(DOC["methods"]), "method names are unique"
    for name, schema in DOC["components"]["schemas"].items():
        schema_validator(schema)
    for m in DOC["methods"]:
        assert m["paramStructure"] == "by-name"
        for param in m["params"]:
            schema_validator(param["schema"])
        schema_validator(m["result"]["schema"])
        codes = {e["code"] for e in DOC["components"]["errors"].values()}
        for error in m["errors"]:
            assert error["code"] in codes and error["data"]["reason"], error


def test_rpc_discover_returns_the_document(server):
    with Client(server.address) as ora:
        assert ora.call("rpc.discover") == DOC


def test_every_documented_method_is_served_and_nothing_else(server):
    with Client(server.address) as ora:
        for name in METHODS:
            with pytest.raises(OraError) as e:
                ora.call(name, {"notAParameter": 1})
            assert e.value.code == -32602 and e.value.data["field"] == "/notAParameter", name
        with pytest.raises(OraError) as e:
            ora.call("notDocumented")
        assert e.value.code == -32601


def test_required_params_are_enforced(seeded):
    with Client(seeded.address) as ora:
        for m in DOC["methods"]:
            for param in m["params"]:
                if not param["required"]:
                    continue
                example = {p["name"]: p["value"] for p in m["examples"][0]["params"]}
                del example[param["name"]]
                with pytest.raises(OraError) as e:
                    ora.call(m["name"], example)
                assert e.value.code == -32602 and e.value.data["field"] == "/" + param["name"], m["name"]


def test_worked_examples_run_and_match_their_schemas(seeded):
    """Every example's params are valid, and running it on a real server gives a result of the documented shape."""
    with Client(seeded.address) as ora:
        for m in DOC["methods"]:
            params = {p["name"]: p["value"] for p in m["examples"][0]["params"]}
            if m["name"] == "backup" and os.path.exists(params["path"]):
                os.unlink(params["path"])  # a backup never overwrites
            by_name = {p["name"]: p for p in m["params"]}
            for key, value in params.items():
                schema_validator(by_name[key]["schema"]).validate(value)
            result_schema = schema_validator(m["result"]["schema"])
            result_schema.validate(m["examples"][0]["result"]["value"])
            result_schema.validate(ora.call(m["name"], params))


def test_error_lists_are_exact():
    """Each method lists each code once, and every code any request can get: -32010 (a server
    with a token), -32011 (a full queue; not auth, answered at once), -32012 (stopping)."""
    for m in DOC["methods"]:
        codes = [e["code"] for e in m["errors"]]
        assert len(codes) == len(set(codes)), (m["name"], codes)
        expected = {-32602, -32603, -32010, -32012} | (set() if m["name"] == "auth" else {-32011})
        assert expected <= set(codes), (m["name"], expected - set(codes))


def test_protocol_readme_documents_every_method(server):
    """protocol/README.md has a section (a heading naming it) for every method rpc.discover lists."""
    import re
    with open(os.path.join(REPO, "protocol", "README.md")) as f:
        headings = [line for line in f if re.match(r"#{2,4} ", line)]
    with Client(server.address) as ora:
        listed = [m["name"] for m in ora.call("rpc.discover")["methods"]]
    missing = [name for name in listed if not any(re.search(rf"(^|[ `]){re.escape(name)}[ `]", h) for h in headings)]
    assert missing == []
