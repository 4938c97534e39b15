"""ShipStation's v1 API, as the workflows use it: HTTP Basic from the environment, every page, the
rate limit respected, transient failures retried.

- Credentials come from $SHIPSTATION_API_KEY and $SHIPSTATION_API_SECRET, never the command line.
- Every page is read (`page`, `pageSize` up to 500; answers carry `page`, `pages`, `total`), in
  a stable order (`sortBy=CreateDate`), an item seen on two pages counted once (by its id).
- Rate limit: when X-Rate-Limit-Remaining reaches 0, or a 429 comes, wait X-Rate-Limit-Reset
  seconds and go on.
- 5xx and connection errors are retried with backoff (urllib3's Retry); other 4xx never are.
  POST /orders/createorders is retried too: each order carries its orderKey, so ShipStation
  updates rather than duplicates an order it already has.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from typing import Any, cast
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .types import CreateOrdersAnswer, Order, Shipment

DEFAULT_URL = "https://ssapi.shipstation.com"
log = logging.getLogger("ora.shipstation")


class ShipStationConfigError(Exception):
    """ShipStation cannot be used as configured: a missing variable, a URL that is not https://,
    credentials ShipStation refuses (exit status 2)."""


class MissingCredentials(ShipStationConfigError):
    """A variable the ShipStation client needs is not set (exit status 2)."""


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class ShipStationUnavailable(Exception):
    """ShipStation could not be reached, or kept failing, after the retries (exit status 3)."""


class ShipStationError(Exception):
    """ShipStation refused a request (a 4xx other than 429): not retried."""

    def __init__(self, status: int, body: str, url: str) -> None:
        super().__init__(f"ShipStation answered {status} for {url}: {body[:300]}")
        self.status = status
        self.body = body


class ShipStation:
    def __init__(self, base_url: str | None = None, key: str | None = None, secret: str | None = None,
                 timeout: float = 30.0, retries: int = 4, page_size: int = 500, max_rate_limit_waits: int = 20,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = (base_url or os.environ.get("SHIPSTATION_URL") or DEFAULT_URL).rstrip("/")
        url = urlparse(self.base_url)
        try:
            url.port  # out of range raises ValueError
        except ValueError:
            raise ShipStationConfigError(f"the ShipStation URL has no valid port: {self.base_url!r}") from None
        if not (url.scheme == "https" or (url.scheme == "http" and url.hostname in LOOPBACK)) or not url.hostname:
            # The credentials travel in every request's Authorization header.
            raise ShipStationConfigError(f"the ShipStation URL must be https:// (plain http:// only to a loopback address, for tests), got {self.base_url!r}")
        key = key if key is not None else os.environ.get("SHIPSTATION_API_KEY")
        secret = secret if secret is not None else os.environ.get("SHIPSTATION_API_SECRET")
        missing = [name for name, value in (("SHIPSTATION_API_KEY", key), ("SHIPSTATION_API_SECRET", secret)) if not value]
        if missing:
            raise MissingCredentials(f"set {' and '.join(missing)} in the environment (ShipStation's API key and secret)")
        self.timeout = timeout
        self.page_size = page_size
        self.max_rate_limit_waits = max_rate_limit_waits
        self.sleep = sleep
        #: Requests sent (each retry of urllib3 aside), for the commands' summaries.
        self.requests_made = 0
        #: Seconds spent waiting for the rate limit.
        self.rate_limit_waited = 0.0
        self.session = requests.Session()
        self.session.auth = (cast(str, key), cast(str, secret))
        self.session.headers["Accept"] = "application/json"
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=0.5,
                      status_forcelist=(500, 502, 503, 504), allowed_methods=None, raise_on_status=False,
                      respect_retry_after_header=False)
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def request(self, method: str, path: str, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        url = self.base_url + path
        self.requests_made += 1
        waits = 0
        while True:
            try:
                response = self.session.request(method, url, params=params, json=body, timeout=self.timeout)
            except requests.RequestException as e:
                raise ShipStationUnavailable(f"cannot reach ShipStation at {self.base_url}: {e}") from e
            reset = _seconds(response.headers.get("X-Rate-Limit-Reset"))
            if response.status_code == 429:
                waits += 1
                if waits > self.max_rate_limit_waits:
                    raise ShipStationUnavailable(f"ShipStation kept answering 429 for {url}")
                log.info("rate limited (429): waiting %s s", reset)
                self._wait(reset)
                continue
            if response.status_code >= 500:
                raise ShipStationUnavailable(f"ShipStation answered {response.status_code} for {url} after retries")
            if response.status_code in (401, 403):
                raise ShipStationConfigError(f"ShipStation refused the credentials ({response.status_code} for {url}): "
                                             "check SHIPSTATION_API_KEY and SHIPSTATION_API_SECRET")
            if response.status_code >= 400:
                raise ShipStationError(response.status_code, response.text, url)
            if response.headers.get("X-Rate-Limit-Remaining") == "0":
                log.info("rate limit reached: waiting %s s before the next request", reset)
                self._wait(reset)
            try:
                return response.json()
            except ValueError as e:
                raise ShipStationUnavailable(f"ShipStation answered {url} with something that is not JSON") from e

    def get_all(self, path: str, params: dict[str, Any], key: str, id_key: str) -> list[Any]:
        """Every page of a paged GET: the items under `key`, read in a stable order (oldest created
        first), an item seen on two pages (the set changed between them) counted once by `id_key`."""
        items: list[Any] = []
        seen: set[Any] = set()
        page = 1
        while True:
            answer = self.request("GET", path, dict(params, page=page, pageSize=self.page_size, sortBy="CreateDate", sortDir="ASC"))
            for item in answer.get(key) or []:
                ident = item.get(id_key)
                if ident is not None:
                    if ident in seen:
                        continue
                    seen.add(ident)
                items.append(item)
            pages = answer.get("pages") or 1
            if pages > 1:
                log.info("%s: page %d of %d read (%d %s so far)", path, page, pages, len(items), key)
            if page >= pages:
                return items
            page += 1

    def shipments(self, **params: Any) -> list[Shipment]:
        """GET /shipments with their items, every page."""
        return self.get_all("/shipments", dict(params, includeShipmentItems="true"), "shipments", "shipmentId")

    def orders(self, **params: Any) -> list[Order]:
        """GET /orders, every page."""
        return self.get_all("/orders", params, "orders", "orderId")

    def _wait(self, seconds: float) -> None:
        self.rate_limit_waited += seconds
        self.sleep(seconds)

    def create_orders(self, orders: Sequence[dict[str, Any]]) -> CreateOrdersAnswer:
        """POST /orders/createorders (at most 100 orders): ShipStation's results, one per order."""
        if len(orders) > 100:
            raise ValueError("createorders takes at most 100 orders")
        return cast(CreateOrdersAnswer, self.request("POST", "/orders/createorders", body=list(orders)))


def _seconds(text: str | None) -> float:
    """X-Rate-Limit-Reset's seconds; 1 when it is missing or not a number."""
    try:
        return max(0.0, float(text)) if text is not None else 1.0
    except ValueError:
        return 1.0
