"""The dashboard's pages: Jinja templates with inline SVG charts. No script, no font, no file is
fetched from anywhere: every page works without JavaScript and without the network."""

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ORA · {{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{% if refresh %}<meta http-equiv="refresh" content="{{ refresh }}">{% endif %}
<style>
 body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
 nav{background:#234;padding:.6em 1em} nav a{color:#fff;margin-right:1.2em;text-decoration:none}
 main{padding:1em 1.5em} table{border-collapse:collapse;margin:.5em 0 1.5em} td,th{padding:3px 10px;border-bottom:1px solid #ddd}
 th{text-align:left;background:#eee} td.n,th.n{text-align:right} .bad{color:#b00;font-weight:bold} .warn{color:#a60} .ok{color:#060}
 .tiles{display:flex;gap:1em;flex-wrap:wrap} .tile{background:#fff;border:1px solid #ddd;padding:.8em 1.2em;min-width:10em}
 .tile b{display:block;font-size:1.8em} form{margin:.5em 0 1em}
</style></head>
<body><nav><a href="/">Today</a><a href="/shipped">Shipped</a><a href="/lots">Lots</a><a href="/weekly">Weekly</a><a href="/inbox">Inbox</a><a href="/ledger">Ledger</a><a href="/automation">Workflows</a></nav>
<main><h1>{{ title }}</h1>{{ body|safe }}</main></body></html>"""

TODAY = """
<div class="tiles">
 <div class="tile"><b id="units-today">{{ shipped.totalUnits }}</b>units shipped {{ date }}</div>
 <div class="tile"><b id="orders-today">{{ orders_today }}</b>orders shipped</div>
 <div class="tile"><b class="{{ 'ok' if health.ok else 'bad' }}" id="health">{{ 'healthy' if health.ok else 'NOT healthy' }}</b>{{ errors }} errors, {{ warnings }} warnings</div>
 <div class="tile"><b id="inbox-pending">{{ inbox.orders.pending }}</b>orders pending, {{ inbox.orders.uploaded }} uploaded</div>
</div>
<h2>Reorder alerts</h2>
{% if alerts %}<table><tr><th>SKU</th><th>product</th><th class="n">remaining</th><th class="n">reorder point</th></tr>
{% for s in alerts %}<tr class="bad"><td>{{ s.skuCode }}</td><td>{{ s.productName }}</td><td class="n">{{ s.remaining }}</td><td class="n">{{ s.reorderPoint }}</td></tr>{% endfor %}</table>
{% else %}<p class="ok">No SKU is below its reorder point.</p>{% endif %}
<h2>Checks that are not ok</h2>
{% set shown = health.checks|rejectattr('status', 'equalto', 'ok')|list %}
{% if shown %}<table><tr><th>check</th><th>status</th><th>message</th></tr>
{% for c in shown %}<tr><td>{{ c.name }}</td><td class="{{ 'bad' if c.status == 'error' else 'warn' }}">{{ c.status }}</td><td>{{ c.message }}</td></tr>{% endfor %}</table>
{% else %}<p class="ok">Every check is ok.</p>{% endif %}
"""

SHIPPED = """
<form><label>date <input type="date" name="date" value="{{ date }}"></label>
<label>SKU <input name="sku" value="{{ sku or '' }}" size="8"></label> <button>show</button></form>
<p id="totals"><b>{{ total_units }}</b> units in <b>{{ items|length }}</b> lines of <b>{{ orders }}</b> orders</p>
<table><tr><th>order</th><th>SKU as shipped</th><th>SKU</th><th>lot</th><th class="n">quantity</th></tr>
{% for i in items %}<tr><td>{{ i.orderNumber }}</td><td>{{ i.sku }}</td><td>{{ i.baseSku }}</td><td>{{ i.lotNumber or '' }}</td><td class="n">{{ i.quantity }}</td></tr>{% endfor %}
</table>"""

LOTS = """
{% for s in skus %}<h2>{{ s.skuCode }} {{ s.productName }} <span class="{{ 'bad' if s.belowReorderPoint else 'ok' }}">{{ s.remaining }} left{% if s.belowReorderPoint %} (below {{ s.reorderPoint }}){% endif %}</span></h2>
<table><tr><th>lot</th><th>received</th><th class="n">initial</th><th class="n">adjusted</th><th class="n">ledger</th><th class="n">shipped</th><th class="n">remaining</th></tr>
{% for l in s.lots %}<tr><td><a href="/ledger?sku={{ s.skuCode }}&amp;lot={{ l.lotNumber }}">{{ l.lotNumber }}</a></td><td>{{ l.receivedDate or '-' }}</td><td class="n">{{ l.initialQty if l.initialQty is not none else '-' }}</td>
<td class="n">{{ l.manualAdjustment }}</td><td class="n">{{ l.adjustments }}</td><td class="n">{{ l.shipped }}</td><td class="n">{{ l.remaining if l.remaining is not none else '-' }}</td></tr>{% endfor %}
</table>{% endfor %}"""

WEEKLY = """
<p>The last {{ weeks|length }} complete weeks, from {{ weeks[0].weekStart }}.</p>
{% for sku, bars in charts %}<h2>SKU {{ sku }}</h2>
<svg width="{{ 20 + 70 * bars|length }}" height="150" role="img" aria-label="units of {{ sku }} per week">
{% for b in bars %}<rect x="{{ 10 + loop.index0 * 70 }}" y="{{ 120 - b.h }}" width="50" height="{{ b.h }}" fill="#36c"><title>{{ b.week }}: {{ b.units }}</title></rect>
<text x="{{ 35 + loop.index0 * 70 }}" y="135" font-size="11" text-anchor="middle">{{ b.units }}</text>
<text x="{{ 35 + loop.index0 * 70 }}" y="148" font-size="9" text-anchor="middle">{{ b.week[5:] }}</text>{% endfor %}
</svg>{% endfor %}
<table><tr><th>week</th><th class="n">units</th></tr>{% for w in weeks %}<tr><td>{{ w.weekStart }}</td><td class="n">{{ w.totalUnits }}</td></tr>{% endfor %}</table>"""

INBOX = """
<p>{% for st in ['pending', 'uploaded', 'shipped', 'cancelled'] %}<a href="/inbox?status={{ st }}">{{ st }}</a>: <b id="count-{{ st }}">{{ counts[st] }}</b> &nbsp; {% endfor %}</p>
<table><tr><th>order</th><th>date</th><th>status</th><th>ShipStation id</th><th>lines</th></tr>
{% for o in orders %}<tr><td>{{ o.orderNumber }}</td><td>{{ o.orderDate }}</td><td>{{ o.orderStatus }}</td><td>{{ o.shipstationOrderId or '' }}</td>
<td>{% for i in o['items'] %}{{ i.sku }} × {{ i.quantity }}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>{% endfor %}
</table>"""

LEDGER = """
<form><label>SKU <select name="sku">{% for s in skus %}<option {{ 'selected' if s == sku }}>{{ s }}</option>{% endfor %}</select></label>
<label>lot <input name="lot" value="{{ lot or '' }}" size="8"></label> <button>show</button></form>
{% if ledger %}<p>opening balance <b>{{ ledger.opening if ledger.opening is not none else '-' }}</b>, closing <b id="closing">{{ ledger.closing if ledger.closing is not none else '-' }}</b></p>
<table><tr><th>date</th><th>kind</th><th>reason</th><th>note</th><th class="n">quantity</th><th class="n">balance</th></tr>
{% for e in ledger.entries %}<tr><td>{{ e.date or '-' }}</td><td>{{ e.kind }}</td><td>{{ e.reason or '' }}</td><td>{{ e.note or '' }}</td><td class="n">{{ e.quantity }}</td><td class="n">{{ e.balance if e.balance is not none else '-' }}</td></tr>{% endfor %}
</table>{% endif %}"""

UNAVAILABLE = """<p class="bad">ORA is not reachable at {{ address }}: {{ reason }}.</p>
<p>This page tries again by itself every 10 seconds and works again as soon as ORA is back.</p>"""

ERROR = """<p class="bad">{{ message }}</p>"""

AUTOMATION = """
{% if automation.paused %}<p class="bad">Every workflow is paused since {{ automation.paused.since }}: {{ automation.paused.reason }}</p>{% endif %}
<table><tr><th>workflow</th><th>state</th><th>last run</th><th>exit</th><th>summary</th><th>last success</th><th class="n">every (min)</th></tr>
{% for w in automation.workflows %}<tr id="wf-{{ w.workflow }}"><td>{{ w.workflow }}</td>
<td class="{{ 'ok' if w.state == 'ok' else ('warn' if w.state in ('attention', 'running', 'paused', 'never') else 'bad') }}">{{ w.state }}{% if w.paused %} ({{ w.pausedReason }}){% endif %}</td>
<td>{{ w.lastRun.startedAt if w.lastRun else '-' }}</td><td>{{ w.lastRun.exitStatus if w.lastRun and w.lastRun.exitStatus is not none else '' }}</td>
<td>{{ w.lastRun.summary if w.lastRun and w.lastRun.summary else '' }}</td><td>{{ w.lastSuccessAt or 'never' }}</td><td class="n">{{ w.everyMinutes }}</td></tr>{% endfor %}
</table>"""
