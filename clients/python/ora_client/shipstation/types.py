"""The parts of ShipStation's v1 objects the workflows read (ShipStation sends many more members;
any of these may be missing or null, so every key is optional and read with .get)."""

from __future__ import annotations

from typing import TypedDict


class ShipmentItem(TypedDict, total=False):
    sku: str | None
    quantity: int


class Shipment(TypedDict, total=False):
    """GET /shipments?includeShipmentItems=true: one label (an order shipped in boxes has several)."""
    shipmentId: int
    orderNumber: str
    shipDate: str
    voided: bool | None
    shipmentItems: list[ShipmentItem] | None


class OrderItem(TypedDict, total=False):
    sku: str | None
    quantity: int


class Order(TypedDict, total=False):
    """GET /orders: an order ShipStation holds (orderStatus awaiting_shipment, shipped, ...)."""
    orderId: int
    orderNumber: str
    orderKey: str
    orderStatus: str
    shipDate: str | None
    modifyDate: str
    items: list[OrderItem] | None


class CreateOrderResult(TypedDict, total=False):
    """One entry of POST /orders/createorders' `results`."""
    orderId: int | None
    orderNumber: str | None
    orderKey: str | None
    success: bool
    errorMessage: str | None


class CreateOrdersAnswer(TypedDict, total=False):
    hasErrors: bool
    results: list[CreateOrderResult] | None
