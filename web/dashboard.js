// SPDX-License-Identifier: GPL-2.0-only
// jalur's dashboard: polls api/dashboard once a second and draws it. The
// agent keeps 15 minutes of throughput at 1 s; the first answer brings all
// of it, later ones only the ticks and events after the last one held
// (?after=&events_after=). Everything the network can name (a rogue
// server's fields, event text) is set as text, never as markup.
'use strict';

const HISTORY = 900; // ticks, one a second: the agent's ring
const EVENTS = 200; // shown, newest first
const SVG = 'http://www.w3.org/2000/svg';
const CHART = { w: 600, h: 170, left: 2, right: 2, top: 20, bottom: 22 }; // the axis labels sit above their lines

// what the page holds: throughput ticks (unix: their times in seconds; wans: rates aligned with them)
const held = { after: 0, eventsAfter: 0, unix: [], wans: new Map(), lastOk: 0 };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

// 12345678 bytes/s -> "98.8 Mbit/s"
function bitRate(bytesPerSecond) {
  if (bytesPerSecond === null || bytesPerSecond === undefined) return '–';
  let v = bytesPerSecond * 8;
  for (const unit of ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s']) {
    if (unit === 'bit/s' && v < 1000) return `${Math.round(v)} bit/s`;
    if (v < 1000 || unit === 'Gbit/s') return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${unit}`;
    v /= 1000;
  }
  return '–';
}

function bytes(n) {
  let v = n;
  for (const unit of ['B', 'KiB', 'MiB', 'GiB', 'TiB']) {
    if (v < 1024 || unit === 'TiB') return `${unit === 'B' ? v : v.toFixed(1)} ${unit}`;
    v /= 1024;
  }
  return '–';
}

function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 172800) return `${Math.floor(s / 3600)} h ${Math.floor(s / 60) % 60} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor(s / 3600) % 24} h`;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// A labelled figure of a <dl>, made on first use, then only its text changes.
function setFigure(dl, key, label, text) {
  let dd = dl.querySelector(`dd[data-key="${key}"]`);
  if (!dd) {
    const div = el('div');
    div.append(el('dt'));
    dd = el('dd');
    dd.dataset.key = key;
    div.append(dd);
    dl.append(div);
  }
  const dt = dd.previousElementSibling;
  if (dt.textContent !== label) dt.textContent = label;
  if (dd.textContent !== text) dd.textContent = text;
}

// ---- the throughput history the page holds, merged from each answer ----

function mergeThroughput(t) {
  if (t.last_seq < held.after) { // the agent restarted: start over
    held.after = 0;
    held.unix = [];
    held.wans.clear();
    return false;
  }
  const n = t.at_ms.length;
  const before = held.unix.length;
  held.unix.push(...t.at_ms.map((ms) => ms / 1000));
  for (const name of [...held.wans.keys()]) if (!(name in t.wans)) held.wans.delete(name);
  for (const [name, r] of Object.entries(t.wans)) {
    let h = held.wans.get(name);
    if (!h) {
      h = { rx: new Array(before).fill(null), tx: new Array(before).fill(null) };
      held.wans.set(name, h);
    }
    h.rx.push(...r.rx_bytes_per_second);
    h.tx.push(...r.tx_bytes_per_second);
  }
  const extra = held.unix.length - HISTORY;
  if (extra > 0) {
    held.unix.splice(0, extra);
    for (const h of held.wans.values()) { h.rx.splice(0, extra); h.tx.splice(0, extra); }
  }
  if (n) held.after = t.last_seq;
  return true;
}

function niceMax(v) {
  if (!(v > 0)) return 1000; // bit/s: an idle line still gets a scale
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function path(values, unix, x, y) {
  let d = '';
  let pen = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${x(unix[i]).toFixed(1)},${y(v * 8).toFixed(1)}`;
    pen = true;
  }
  return d;
}

function drawChart(chart, name) {
  const h = held.wans.get(name);
  const unix = held.unix;
  const end = unix.length ? unix[unix.length - 1] : Date.now() / 1000;
  const start = end - HISTORY;
  let max = 0;
  if (h) for (const v of h.rx.concat(h.tx)) if (v !== null && v * 8 > max) max = v * 8;
  max = niceMax(max);
  const { w, h: height, left, right, top, bottom } = CHART;
  const x = (t) => left + ((t - start) / HISTORY) * (w - left - right);
  const y = (v) => top + (1 - v / max) * (height - top - bottom);
  const grid = chart.querySelector('.axes');
  grid.replaceChildren();
  for (const f of [0, 0.5, 1]) {
    grid.append(svg('line', { class: 'grid', x1: left, x2: w - right, y1: y(max * f), y2: y(max * f) }));
    const label = svg('text', { x: left + 2, y: y(max * f) - 4 });
    label.textContent = bitRate((max * f) / 8);
    grid.append(label);
  }
  for (const m of [15, 10, 5, 0]) {
    const label = svg('text', { x: x(end - m * 60), y: height - 6, 'text-anchor': m === 15 ? 'start' : m === 0 ? 'end' : 'middle' });
    label.textContent = m ? `−${m} min` : 'now';
    grid.append(label);
  }
  chart.querySelector('path.rx').setAttribute('d', h ? path(h.rx, unix, x, y) : '');
  chart.querySelector('path.tx').setAttribute('d', h ? path(h.tx, unix, x, y) : '');
}

// ---- WAN cards ----

function card(name) {
  const wans = document.getElementById('wans');
  let c = wans.querySelector(`.card[data-wan="${CSS.escape(name)}"]`);
  if (c) return c;
  c = el('article', 'card');
  c.dataset.wan = name;
  const title = el('h3');
  title.append(el('span', 'name', name), el('span', 'badge state'), el('span', 'badge admin'), el('span', 'iface'));
  c.append(title, el('p', 'cause'), el('dl', 'figures'));
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${CHART.w} ${CHART.h}`, role: 'img' });
  chart.setAttribute('aria-label', `throughput of ${name}, last 15 minutes`);
  chart.append(svg('g', { class: 'axes' }), svg('path', { class: 'rx' }), svg('path', { class: 'tx' }));
  const legend = el('p', 'legend');
  legend.append(el('span', 'rx', 'download'), ' (into the WAN) and ', el('span', 'tx', 'upload'),
    ' (out of it), bits per second, last 15 minutes at 1 s');
  c.append(chart, legend);
  wans.append(c);
  return c;
}

function drawWans(d) {
  const seen = new Set();
  for (const w of d.wans) {
    seen.add(w.name);
    const c = card(w.name);
    c.dataset.state = w.state;
    const badge = c.querySelector('.badge.state');
    badge.textContent = w.state;
    badge.className = `badge state ${w.state}`;
    const admin = c.querySelector('.badge.admin');
    admin.textContent = w.admin && w.admin !== 'enabled' ? `admin: ${w.admin}` : '';
    admin.hidden = !admin.textContent;
    c.querySelector('.iface').textContent = w.interface;
    c.querySelector('.cause').textContent = w.state !== 'up' && w.cause ? `cause: ${w.cause}` : '';
    const dl = c.querySelector('.figures');
    const h = held.wans.get(w.name);
    const last = (a) => (a && a.length ? a[a.length - 1] : null);
    setFigure(dl, 'since', `${w.state} since`,
      w.since_ms === null ? '–' : `${clock(w.since_ms)} (${duration((d.now_ms - w.since_ms) / 1000)})`);
    setFigure(dl, 'rx', 'download now', bitRate(last(h && h.rx)));
    setFigure(dl, 'tx', 'upload now', bitRate(last(h && h.tx)));
    setFigure(dl, 'rtt', 'RTT (mean)', w.rtt_ms === null ? '–' : `${w.rtt_ms.toFixed(1)} ms`);
    setFigure(dl, 'loss', 'loss', w.loss_percent === null ? '–' : `${w.loss_percent.toFixed(0)} %`);
    setFigure(dl, 'flows', 'flows', w.flows === null ? '–' : count(w.flows, 'flow', 'flows'));
    setFigure(dl, 'tier', 'tier', `${w.tier}`);
    setFigure(dl, 'weight', 'weight', `${w.weight}`);
    setFigure(dl, 'datapath', 'data path state', w.datapath_state);
    setFigure(dl, 'total', 'total down / up', `${bytes(w.rx_bytes)} / ${bytes(w.tx_bytes)}`);
    drawChart(c.querySelector('.chart'), w.name);
  }
  for (const c of document.querySelectorAll('#wans .card')) if (!seen.has(c.dataset.wan)) c.remove();
}

// ---- events, rogue servers, flows, alerts ----

function drawEvents(e) {
  const list = document.getElementById('events');
  if (e.last_seq < held.eventsAfter) { // the agent restarted
    held.eventsAfter = 0;
    list.replaceChildren();
    return false;
  }
  for (const ev of e.items) {
    const li = el('li');
    li.dataset.kind = ev.kind;
    li.dataset.wan = ev.wan;
    const t = el('time', null, clock(Date.parse(ev.at)));
    t.dateTime = ev.at;
    li.append(t, el('span', 'kind', ev.wan ? `${ev.kind} · ${ev.wan}` : ev.kind), el('span', 'text', ev.text));
    list.prepend(li);
    held.eventsAfter = ev.seq;
  }
  while (list.children.length > EVENTS) list.lastChild.remove();
  return true;
}

function drawRogue(d) {
  const r = d.rogue_dhcp;
  document.getElementById('rogue-summary').textContent =
    `${r.inspected} server messages inspected, ${r.events} reported, ${r.suppressed} suppressed by the rate limit, ` +
    `${r.dropped} dropped by the guard`;
  const servers = (d.sections.rogue_dhcp_servers && d.sections.rogue_dhcp_servers.servers) || [];
  const body = document.querySelector('#rogue tbody');
  body.replaceChildren();
  if (!servers.length) {
    const td = el('td', null, 'none seen');
    td.colSpan = 7;
    const tr = el('tr');
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const s of servers) {
    const tr = el('tr');
    tr.dataset.mac = s.server_mac;
    for (const v of [s.server_mac, s.server_ip || '–', s.port || '–', s.last_message || '–', `${s.events}`,
      s.first_seen, s.last_seen]) tr.append(el('td', null, v));
    body.append(tr);
  }
}

function drawFlows(d) {
  const dl = document.getElementById('flows');
  const f = d.flows;
  setFigure(dl, 'active', 'flows pinned (all WANs)', f.active === null ? '–' : count(f.active, 'flow', 'flows'));
  setFigure(dl, 'capacity', 'flow table size', count(f.capacity, 'flow', 'flows'));
  setFigure(dl, 'counted', 'counted at', f.counted_at ? clock(Date.parse(f.counted_at)) : '–');
}

function drawAlerts(d) {
  const dl = document.getElementById('alerts');
  const n = d.sections.notify;
  if (!n) {
    setFigure(dl, 'none', 'alerts', 'not configured (no notify section)');
    return;
  }
  dl.querySelector('dd[data-key="none"]')?.parentElement.remove();
  setFigure(dl, 'queued', 'alerts waiting', count(n.queued, 'alert', 'alerts'));
  setFigure(dl, 'oldest', 'oldest waiting for', n.queued ? duration(n.oldest_age_seconds) : '–');
  setFigure(dl, 'last', 'last sent', n.last_success_unix ? clock(n.last_success_unix * 1000) : 'none since start');
  setFigure(dl, 'sent', 'sent / failed', `${n.sent} / ${n.failed}`);
}

function drawHeader(d) {
  const a = d.agent;
  document.getElementById('agent').textContent = a
    ? `agent ${a.version} · ${a.config} · started ${new Date(a.started_at).toLocaleString()}`
    : 'data path only: the agent is not running';
}

function setLink(ok, text) {
  const p = document.getElementById('link');
  p.textContent = text;
  p.classList.toggle('stale', !ok);
}

async function poll() {
  try {
    const r = await fetch(`api/dashboard?after=${held.after}&events_after=${held.eventsAfter}`, { cache: 'no-store' });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const d = await r.json();
    const throughputFresh = mergeThroughput(d.throughput);
    const eventsFresh = drawEvents(d.events);
    drawHeader(d);
    drawWans(d);
    drawRogue(d);
    drawFlows(d);
    drawAlerts(d);
    held.lastOk = Date.now();
    setLink(true, `updated ${clock(d.now_ms)}`);
    setTimeout(poll, throughputFresh && eventsFresh ? 1000 : 0); // after a restart: everything again, at once
  } catch (err) {
    setLink(false, held.lastOk ? `no answer since ${clock(held.lastOk)} (${err.message})`
      : `no answer (${err.message})`);
    setTimeout(poll, 1000);
  }
}

poll();
