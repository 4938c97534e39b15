"""The shapes of ORA's results, as protocol/openrpc.json describes them: one TypedDict per result
and per object inside one. Keys are the wire's (camelCase). A key the server may leave out sits in
an `...Optional` base class. `METHOD_RESULTS` names each method's result type; the tests check
every type here against openrpc.json, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class _ParsedSkuOptional(TypedDict, total=False):
    skuId: int | None
    lotId: int | None


class ParsedSku(_ParsedSkuOptional):
    valid: bool
    raw: str
    baseSku: str | None
    lotNumber: str | None
    error: str | None


class UpsertSkuResult(TypedDict):
    skuId: int
    created: bool


class UpsertLotResult(TypedDict):
    lotId: int
    created: bool


class Sku(TypedDict):
    skuId: int
    skuCode: str
    productName: str
    reorderPoint: int
    palletCount: int | None


class ListSkusResult(TypedDict):
    skus: list[Sku]


class Lot(TypedDict):
    lotId: int
    skuCode: str
    lotNumber: str
    receivedDate: str | None
    initialQty: int | None
    manualAdjustment: int
    status: Literal["active", "inactive"]


class ListLotsResult(TypedDict):
    lots: list[Lot]


class RecordedItem(TypedDict):
    sku: str
    baseSku: str
    lotNumber: str | None
    skuId: int
    lotId: int | None
    quantity: int


class CreatedLot(TypedDict):
    skuCode: str
    lotNumber: str
    lotId: int | None


class RecordShipmentResult(TypedDict):
    orderNumber: str
    shipDate: str
    status: Literal["created", "updated", "unchanged"]
    previousShipDate: str | None
    items: list[RecordedItem]
    createdLots: list[CreatedLot]


class Totals(TypedDict):
    orders: int
    units: int


class _OrderLineRefOptional(TypedDict, total=False):
    baseSku: str
    lotNumber: str | None


class OrderLineRef(_OrderLineRefOptional):
    orderNumber: str
    sku: str
    quantity: int


# "from" is a Python keyword: these two take TypedDict's functional form.
ReconcileDateFix = TypedDict("ReconcileDateFix", {"orderNumber": str, "from": str, "to": str})


ReconcileQuantityFix = TypedDict("ReconcileQuantityFix", {"orderNumber": str, "sku": str, "from": int, "to": int})


class ReconcileRemoval(TypedDict):
    orderNumber: str
    sku: str
    quantity: int
    reason: str


class ReconcileManualIntervention(TypedDict):
    orderNumber: str
    sku: str
    reason: str  # "invalid_sku" or "unknown_sku"
    message: str


class ReconcileKeptExternal(TypedDict):
    orderNumber: str
    shipDate: str
    units: int


class ReconcileDateResult(TypedDict):
    date: str
    applied: bool
    shipstation: Totals
    databaseBefore: Totals
    databaseAfter: Totals
    missing: list[OrderLineRef]
    dateFixed: list[ReconcileDateFix]
    quantityFixed: list[ReconcileQuantityFix]
    removed: list[ReconcileRemoval]
    manualIntervention: list[ReconcileManualIntervention]
    keptExternal: list[ReconcileKeptExternal]
    voidedIgnored: int
    ignoredOtherDates: int
    createdLots: list[CreatedLot]


class ShippedLine(TypedDict):
    id: int
    shipDate: str
    sku: str
    baseSku: str
    lotNumber: str | None
    quantity: int
    orderNumber: str


class ShippedItemsResult(TypedDict):
    items: list[ShippedLine]
    totalUnits: int
    totalLines: int
    nextCursor: str | None


class AuditItem(TypedDict):
    sku: str
    quantity: int


class _EventOptional(TypedDict, total=False):
    previousItems: list[AuditItem] | None
    message: str
    orderStatus: Literal["pending", "uploaded", "shipped", "cancelled"] | None


class Event(_EventOptional):
    at: str
    action: Literal["created", "updated", "moved", "removed", "reconciled", "migrated", "refused", "imported", "allocated", "uploaded", "cancelled", "shipped", "purged"]
    source: str | None
    shipDate: str | None
    previousShipDate: str | None
    items: list[dict[str, Any]] | None
    reason: str | None


class OrderHistoryResult(TypedDict):
    orderNumber: str
    events: list[Event]


class Check(TypedDict):
    name: Literal["integrity", "foreign_keys", "orphaned_items", "missing_raw_sku", "raw_sku_mismatch", "ship_date_splits", "duplicate_items", "lot_overdrawn", "lots_unreceived", "suspicious_dates", "shipped_totals", "ledger_totals", "allocated_totals", "allocation_exceeds_stock", "inbox_raw_mismatch", "stuck_uploaded", "indexes", "schema_version", "quarantine"]
    status: Literal["ok", "warning", "error"]
    count: int
    message: str
    samples: list[str]


class ValidateResult(TypedDict):
    ok: bool
    durationMs: float
    checks: list[Check]


class WriterTime(TypedDict):
    executingMs: float
    committingMs: float
    checkpointingMs: float


class StatusCounts(TypedDict):
    skus: int
    lots: int
    orders: int
    items: int


class ReplicationStatus(TypedDict):
    url: str
    running: bool
    syncing: bool
    restarts: int
    lastSyncAt: str | None
    lagSeconds: float
    failingSince: str | None
    lastError: str | None
    walBytes: int
    walHardLimitBytes: int
    forcedCheckpoints: int


class _StatusResultOptional(TypedDict, total=False):
    replication: ReplicationStatus


class StatusResult(_StatusResultOptional):
    version: str
    schemaVersion: int
    database: str
    uptimeSeconds: int
    connections: int
    requests: int
    transactions: int
    writes: int
    writerTime: WriterTime
    counts: StatusCounts


class ShippedWeekSku(TypedDict):
    skuCode: str
    productName: str
    units: int


class ShippedWeek(TypedDict):
    weekStart: str
    weekEnd: str
    totalUnits: int
    skus: list[ShippedWeekSku]


class WeeklyShippedResult(TypedDict):
    weeks: list[ShippedWeek]


class SkuInventoryLot(TypedDict):
    lotNumber: str
    receivedDate: str | None
    initialQty: int | None
    manualAdjustment: int
    adjustments: int
    shipped: int
    remaining: int | None
    status: Literal["active", "inactive"]


class SkuInventory(TypedDict):
    skuCode: str
    productName: str
    reorderPoint: int
    shippedWithoutLot: int
    adjustedWithoutLot: int
    remaining: int
    belowReorderPoint: bool
    lotsWithUnknownQuantity: int
    lots: list[SkuInventoryLot]


class LotInventoryResult(TypedDict):
    skus: list[SkuInventory]


class AdjustInventoryResult(TypedDict):
    entryId: int
    skuCode: str
    lotNumber: str | None
    quantity: int
    remaining: int | None


class CountInventoryResult(TypedDict):
    expected: int
    counted: int
    adjustment: int
    entryId: int | None


class LedgerEntry(TypedDict):
    date: str | None
    kind: Literal["receipt", "shipped", "adjustment", "legacy"]
    quantity: int
    reason: str | None
    note: str | None
    entryId: int | None
    balance: int | None


class InventoryLedgerResult(TypedDict):
    skuCode: str
    lotNumber: str | None
    opening: int | None
    entries: list[LedgerEntry]
    closing: int | None


class LotTraceOrder(TypedDict):
    orderNumber: str
    shipDate: str
    quantity: int


class LotTraceAllocation(TypedDict):
    orderNumber: str
    orderStatus: str
    quantity: int


class LotTraceResult(TypedDict):
    skuCode: str
    lotNumber: str
    receivedDate: str | None
    initialQty: int | None
    shipped: int
    remaining: int | None
    orders: list[LotTraceOrder]
    allocatedTo: list[LotTraceAllocation]


class UpsertBundleResult(TypedDict):
    bundleSku: str
    created: bool


class BundleComponent(TypedDict):
    skuCode: str
    quantity: int


class Bundle(TypedDict):
    bundleSku: str
    name: str | None
    components: list[BundleComponent]


class ListBundlesResult(TypedDict):
    bundles: list[Bundle]


class ImportedItem(TypedDict):
    skuCode: str
    lotNumber: str | None
    quantity: int
    unitPriceCents: int | None
    bundleSku: str | None


class ImportedBundle(TypedDict):
    bundleSku: str
    quantity: int
    unitPriceCents: int | None


class ImportOrderResult(TypedDict):
    orderNumber: str
    status: Literal["created", "updated", "unchanged"]
    orderStatus: Literal["pending", "uploaded", "shipped", "cancelled", "purged"]
    items: list[ImportedItem]
    bundles: list[ImportedBundle]


class AllocatedItem(TypedDict):
    sku: str
    skuCode: str
    lotNumber: str | None
    quantity: int


class AllocateOrderResult(TypedDict):
    orderNumber: str
    items: list[AllocatedItem]


class MarkUploadedResult(TypedDict):
    orderNumber: str
    orderStatus: Literal["uploaded"]


class RemoveShipmentResult(TypedDict):
    orderNumber: str
    status: Literal["removed", "unchanged"]
    shipDate: str | None
    removedUnits: int
    orderStatus: Literal["pending", "uploaded", "shipped", "cancelled"] | None


class CancelOrderResult(TypedDict):
    orderNumber: str
    orderStatus: Literal["cancelled"]


class InboxOrderItem(TypedDict):
    sku: str
    skuCode: str
    lotNumber: str | None
    quantity: int
    unitPriceCents: int | None
    bundleSku: str | None


class InboxOrderBundle(TypedDict):
    bundleSku: str
    quantity: int
    unitPriceCents: int | None


class InboxOrder(TypedDict):
    orderNumber: str
    orderDate: str
    orderStatus: Literal["pending", "uploaded", "shipped", "cancelled"]
    shipstationOrderId: str | None
    source: str | None
    items: list[InboxOrderItem]
    bundles: list[InboxOrderBundle]


class ListOrdersResult(TypedDict):
    orders: list[InboxOrder]
    nextCursor: str | None


class PurgeOrdersResult(TypedDict):
    count: int
    orderNumbers: list[str]
    applied: bool


class InboxCounts(TypedDict):
    pending: int
    uploaded: int
    shipped: int
    cancelled: int


class InboxSkuSummary(TypedDict):
    skuCode: str
    pendingUnits: int
    uploadedUnits: int
    allocatedUnits: int
    onHand: int
    available: int


class InboxSummaryResult(TypedDict):
    orders: InboxCounts
    skus: list[InboxSkuSummary]


class BackupResult(TypedDict):
    path: str
    bytes: int
    pages: int
    durationMs: int
    integrity: str


class AuthResult(TypedDict):
    authenticated: bool
    required: bool


#: The result type of every method (the tests check each against protocol/openrpc.json).
Workflow = Literal["ora-cleanup", "ora-daily-shipments", "ora-health-check", "ora-import-xml", "ora-manual-sync", "ora-reconcile",
                   "ora-status-sync", "ora-units-refresh", "ora-upload-orders", "ora-weekly-report"]


class StartRunResult(TypedDict):
    runId: int


class FinishRunResult(TypedDict):
    runId: int


class WorkflowRun(TypedDict):
    runId: int
    workflow: Workflow
    args: str | None
    dryRun: bool
    startedAt: str
    finishedAt: str | None
    exitStatus: int | None
    summary: str | None
    counts: dict[str, int] | None


class ListRunsResult(TypedDict):
    runs: list[WorkflowRun]
    nextCursor: str | None


class SetScheduleResult(TypedDict):
    workflow: Workflow
    everyMinutes: int


class Pause(TypedDict):
    reason: str
    since: str


class WorkflowStatus(TypedDict):
    workflow: Workflow
    state: Literal["ok", "attention", "failing", "running", "late", "paused", "never"]
    lastRun: WorkflowRun | None
    lastSuccessAt: str | None
    everyMinutes: int
    paused: bool
    pausedReason: str | None


class AutomationStatusResult(TypedDict):
    paused: Pause | None
    workflows: list[WorkflowStatus]


class PurgeRunsResult(TypedDict):
    count: int
    applied: bool


METHOD_RESULTS: dict[str, type] = {
    "parseSku": ParsedSku,
    "upsertSku": UpsertSkuResult,
    "upsertLot": UpsertLotResult,
    "listSkus": ListSkusResult,
    "listLots": ListLotsResult,
    "recordShipment": RecordShipmentResult,
    "removeShipment": RemoveShipmentResult,
    "reconcileDate": ReconcileDateResult,
    "shippedItems": ShippedItemsResult,
    "orderHistory": OrderHistoryResult,
    "validate": ValidateResult,
    "status": StatusResult,
    "weeklyShipped": WeeklyShippedResult,
    "lotInventory": LotInventoryResult,
    "adjustInventory": AdjustInventoryResult,
    "countInventory": CountInventoryResult,
    "inventoryLedger": InventoryLedgerResult,
    "lotTrace": LotTraceResult,
    "upsertBundle": UpsertBundleResult,
    "listBundles": ListBundlesResult,
    "importOrder": ImportOrderResult,
    "allocateOrder": AllocateOrderResult,
    "markUploaded": MarkUploadedResult,
    "cancelOrder": CancelOrderResult,
    "listOrders": ListOrdersResult,
    "purgeOrders": PurgeOrdersResult,
    "inboxSummary": InboxSummaryResult,
    "backup": BackupResult,
    "auth": AuthResult,
    "startRun": StartRunResult,
    "finishRun": FinishRunResult,
    "listRuns": ListRunsResult,
    "setSchedule": SetScheduleResult,
    "automationStatus": AutomationStatusResult,
    "pauseWorkflows": AutomationStatusResult,
    "resumeWorkflows": AutomationStatusResult,
    "purgeRuns": PurgeRunsResult,
}
