"""The package's typed shapes against what they describe: every result TypedDict against
protocol/openrpc.json (keys, which ones may be missing, nested objects), and the ShipStation
shapes against a real shipments page. Then mypy --strict over the package, when it is installed."""

import json
import os
import shutil
import subprocess
import sys
import typing

import pytest

from ora_client.client import types
from ora_client.shipstation import types as ss_types

from conftest import REPO, SAMPLE

with open(os.path.join(REPO, "protocol", "openrpc.json"), encoding="utf-8") as f:
    DOC = json.load(f)
SCHEMAS = DOC["components"]["schemas"]


def resolve(schema):
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].split("/")[-1]]
    return schema


def typed_dict_in(hint):
    """The TypedDict a hint holds (directly, in a list, or beside None), else None."""
    if typing.is_typeddict(hint):
        return hint
    for arg in typing.get_args(hint):
        found = typed_dict_in(arg)
        if found is not None:
            return found
    return None


def object_schema_in(schema):
    """The object schema a property holds (directly, as array items, or in a oneOf), else None."""
    schema = resolve(schema)
    if "properties" in schema:
        return schema
    if schema.get("type") == "array" and "items" in schema:
        return object_schema_in(schema["items"])
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        found = object_schema_in(option)
        if found is not None:
            return found
    return None


def mismatches(shape, schema, where):
    schema = resolve(schema)
    hints = typing.get_type_hints(shape)
    properties = schema.get("properties", {})
    out = []
    if set(hints) != set(properties):
        out.append(f"{where}: {shape.__name__} has {sorted(hints)}, the schema {sorted(properties)}")
    if set(shape.__required_keys__) != set(schema.get("required", [])):
        out.append(f"{where}: {shape.__name__} requires {sorted(shape.__required_keys__)}, the schema {sorted(schema.get('required', []))}")
    for key in set(hints) & set(properties):
        nested, nested_schema = typed_dict_in(hints[key]), object_schema_in(properties[key])
        if nested is not None and nested_schema is not None:
            out += mismatches(nested, nested_schema, f"{where}.{key}")
        elif (nested is None) != (nested_schema is None):
            out.append(f"{where}.{key}: one side is an object, the other is not")
    return out


def test_every_method_has_a_result_type():
    methods = {m["name"] for m in DOC["methods"]} - {"rpc.discover"}
    assert set(types.METHOD_RESULTS) == methods


@pytest.mark.parametrize("method", sorted(types.METHOD_RESULTS))
def test_result_type_matches_the_protocol(method):
    schema = next(m for m in DOC["methods"] if m["name"] == method)["result"]["schema"]
    assert mismatches(types.METHOD_RESULTS[method], schema, method) == []


def test_shipstation_shapes_name_real_members():
    with open(SAMPLE, encoding="utf-8") as f:
        page = json.load(f)
    shipment = page["shipments"][0]
    assert set(typing.get_type_hints(ss_types.Shipment)) <= set(shipment)
    item = next(s for s in page["shipments"] if s.get("shipmentItems"))["shipmentItems"][0]
    assert set(typing.get_type_hints(ss_types.ShipmentItem)) <= set(item)


def test_mypy_strict_passes():
    if shutil.which("mypy") is None and subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True).returncode != 0:
        if os.environ.get("ORA_REQUIRE_MYPY"):
            pytest.fail("mypy is not installed (pip install './clients/python[typecheck]')")
        pytest.skip("mypy is not installed")
    package = os.path.join(REPO, "clients", "python")
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", os.path.join(package, "pyproject.toml"),
                           os.path.join(package, "ora_client")], capture_output=True, text=True, cwd=package)
    assert done.returncode == 0, done.stdout + done.stderr
