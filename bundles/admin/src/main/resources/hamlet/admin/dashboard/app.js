// The dashboard page: reads the node's server-sent events with fetch() (which, unlike EventSource, can send the
// bearer token), keeps the last five minutes of each node's samples, and redraws at every tick. Plain DOM: every
// text goes in through textContent, never as HTML.

import {drawChart} from './chart.js';

const EVENTS_PATH = '/api/dashboard/events';
const TOKEN_KEY = 'hamlet.admin.token';
const RETRY_MS = 2000;
const STALE_MS = 5000;
const LATENCY_RECENT_MS = 10000;
const NODE_COLORS = ['#4f9cf9', '#f5a524', '#2fc47a', '#e05fd0', '#36c5d6', '#f0506e', '#a78bfa', '#c9d45c'];
const GROUP_COLORS = ['#4f9cf9', '#2fc47a', '#f5a524', '#a78bfa', '#36c5d6', '#e05fd0', '#c9d45c', '#f0506e'];
const MAX_EVENTS = 200;

const state = {
  self: null,
  historyMs: 300000,
  history: new Map(), // node -> [{at, rate, p50, p99, heap, heapMax, cpu, backlog, actors, deadLetters}]
  events: [],
  lastSeq: 0,
  tick: null,
  lastTickAt: 0,
  colors: new Map(),
};

// ---------------------------------------------------------------------------------------------------- helpers

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function $(selector) {
  return document.querySelector(selector);
}

function colorOf(node) {
  if (!state.colors.has(node)) {
    state.colors.set(node, NODE_COLORS[state.colors.size % NODE_COLORS.length]);
  }
  return state.colors.get(node);
}

function dot(node) {
  const d = h('span', {class: 'dot'});
  d.style.setProperty('background', colorOf(node));
  return d;
}

function fmtRate(v) {
  if (v === undefined || v === null || v < 0) {
    return '–';
  }
  if (v >= 10000) {
    return `${(v / 1000).toFixed(1)}k`;
  }
  return v >= 10 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}

function fmtMs(v) {
  if (v === undefined || v === null || v < 0) {
    return '–';
  }
  if (v >= 1000) {
    return `${(v / 1000).toFixed(2)} s`;
  }
  return v >= 10 ? `${Math.round(v)} ms` : `${v.toFixed(v >= 1 ? 1 : 2)} ms`;
}

function fmtBytes(v) {
  if (!(v > 0)) {
    return '–';
  }
  const mib = v / (1024 * 1024);
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}

function fmtPct(v) {
  return v === undefined || v === null || v < 0 ? '–' : `${Math.round(v * 100)}%`;
}

function fmtAge(ms) {
  if (!(ms >= 0)) {
    return '–';
  }
  const s = Math.floor(ms / 1000);
  if (s < 60) {
    return `${s}s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m}m ${s % 60}s`;
  }
  const hours = Math.floor(m / 60);
  return hours < 48 ? `${hours}h ${m % 60}m` : `${Math.floor(hours / 24)}d`;
}

function fmtTime(ms) {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function replace(parent, children) {
  parent.replaceChildren(...children);
}

// ---------------------------------------------------------------------------------------------------- model

function addSample(node, sample) {
  let list = state.history.get(node);
  if (!list) {
    list = [];
    state.history.set(node, list);
  }
  if (list.length && sample.at <= list[list.length - 1].at) {
    return;
  }
  list.push(sample);
  const horizon = sample.at - state.historyMs - 5000;
  while (list.length && list[0].at < horizon) {
    list.shift();
  }
}

function addEvents(events) {
  for (const event of events) {
    if (event.seq > state.lastSeq) {
      state.events.push(event);
      state.lastSeq = event.seq;
    }
  }
  if (state.events.length > MAX_EVENTS) {
    state.events.splice(0, state.events.length - MAX_EVENTS);
  }
}

function onInit(data) {
  state.self = data.self;
  state.historyMs = (data.historySeconds || 300) * 1000;
  state.history = new Map();
  state.events = [];
  state.lastSeq = 0;
  for (const node of Object.keys(data.history || {}).sort()) {
    colorOf(node);
    for (const sample of data.history[node]) {
      addSample(node, sample);
    }
  }
  addEvents(data.events || []);
  onTick(data);
}

function onTick(data) {
  state.tick = data;
  state.lastTickAt = Date.now();
  for (const member of data.members || []) {
    colorOf(member.id);
  }
  for (const [node, sample] of Object.entries(data.latest || {})) {
    addSample(node, sample);
  }
  render();
}

// ---------------------------------------------------------------------------------------------------- views

function nodeIds() {
  const ids = new Set((state.tick?.members || []).map((m) => m.id));
  for (const node of state.history.keys()) {
    ids.add(node);
  }
  if (state.self) {
    ids.add(state.self);
  }
  return [...ids].sort();
}

function memberOf(id) {
  return (state.tick?.members || []).find((m) => m.id === id) || null;
}

function statusOf(id) {
  const member = memberOf(id);
  if (member) {
    return member.status;
  }
  return id === state.self ? 'alive' : 'unknown';
}

function latestOf(id) {
  const list = state.history.get(id);
  return list && list.length ? list[list.length - 1] : null;
}

/** The newest latency measured within the last few seconds: a quiet second measures nothing. */
function recentLatency(id, key) {
  const list = state.history.get(id) || [];
  const now = state.tick.at;
  for (let i = list.length - 1; i >= 0 && now - list[i].at < LATENCY_RECENT_MS; i--) {
    if (list[i][key] >= 0) {
      return list[i][key];
    }
  }
  return -1;
}

function renderHeader() {
  const tick = state.tick;
  $('#viewed-from').textContent = `viewed from ${tick.self} · ${fmtTime(tick.at)}`;
  const majority = $('#majority');
  majority.textContent = tick.majority ? 'majority' : 'minority';
  majority.className = `pill ${tick.majority ? 'maj-yes' : 'maj-no'}`;
  majority.title = tick.majorityDetail || '';
}

function loadBar(score) {
  const bar = h('span', {class: 'bar'});
  const fill = h('span', {class: score > 0.9 ? 'hot' : score > 0.6 ? 'warm' : ''});
  fill.style.setProperty('width', `${Math.min(100, Math.round(score * 100))}%`);
  bar.append(fill);
  return h('span', {class: 'load'}, bar, score.toFixed(2));
}

function renderMembers() {
  const now = state.tick.at;
  const rows = [];
  const counts = {};
  for (const id of nodeIds()) {
    const member = memberOf(id);
    const status = statusOf(id);
    counts[status] = (counts[status] || 0) + 1;
    const sample = latestOf(id);
    const fresh = sample && now - sample.at < STALE_MS && (status !== 'dead' && status !== 'left');
    const cpu = sample && sample.cpu >= 0 ? sample.cpu : member ? member.cpu : -1;
    const nameCell = h('td', {}, h('span', {class: 'node-id'}, dot(id), id,
      id === state.self ? h('span', {class: 'self-tag', text: 'this node'}) : null));
    rows.push(h('tr', {'data-node': id, 'data-state': status},
      nameCell,
      h('td', {}, h('span', {class: `pill state-${status}`, 'data-role': 'state', text: status})),
      h('td', {class: 'muted', text: member ? fmtAge(now - member.since) : '–'}),
      h('td', {class: 'num'}, member ? loadBar(member.score) : '–'),
      h('td', {class: 'num', text: fmtPct(cpu)}),
      h('td', {class: 'num', text: sample ? `${fmtBytes(sample.heap)} / ${fmtBytes(sample.heapMax)}` : '–'}),
      h('td', {class: 'num', text: sample ? sample.backlog.toLocaleString('en-US') : member ? member.backlog : '–'}),
      h('td', {class: 'num', text: fresh ? fmtRate(sample.rate) : '–'}),
      h('td', {class: 'num', text: fresh ? fmtMs(recentLatency(id, 'p50')) : '–'}),
      h('td', {class: 'num', text: fresh ? fmtMs(recentLatency(id, 'p99')) : '–'}),
      h('td', {class: 'num', text: sample ? sample.actors.toLocaleString('en-US') : '–'})));
  }
  replace($('#members tbody'), rows);
  $('#member-summary').textContent = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(' · ');
}

function chartWindow() {
  const t1 = state.tick.at;
  let first = t1;
  for (const list of state.history.values()) {
    if (list.length && list[0].at < first) {
      first = list[0].at;
    }
  }
  // At least a minute, at most the history kept: a page opened a few seconds after the start is not all empty.
  const span = Math.min(state.historyMs, Math.max(60000, t1 - first));
  return {t0: t1 - span, t1};
}

function nodeCard(id) {
  let card = document.querySelector(`.node-card[data-node="${CSS.escape(id)}"]`);
  if (!card) {
    card = h('section', {class: 'card node-card', 'data-node': id},
      h('div', {class: 'node-head'},
        h('h3', {class: 'node-id'}, dot(id), id),
        h('span', {class: 'pill', 'data-role': 'state'})),
      h('div', {class: 'figures'}),
      h('div', {class: 'chart-title'}, h('span', {text: 'throughput, msgs/s'})),
      svgChart('rate'),
      h('div', {class: 'chart-title'}, h('span', {text: 'message latency, enqueued to handled'}),
        h('span', {class: 'legend'},
          legend('p99', false, colorOf(id)), legend('p50', true, colorOf(id)))),
      svgChart('latency'));
  }
  return card;
}

function legend(label, dashed, color) {
  const swatch = h('i', {class: dashed ? 'dash' : ''});
  if (dashed) {
    swatch.style.setProperty('border-color', color);
  } else {
    swatch.style.setProperty('background', color);
  }
  return h('span', {}, swatch, label);
}

function svgChart(role) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('data-chart', role);
  svg.setAttribute('role', 'img');
  return svg;
}

function renderNodes() {
  const container = $('#nodes');
  const ids = nodeIds();
  const cards = ids.map(nodeCard);
  replace(container, cards);
  const span = chartWindow();
  for (const id of ids) {
    const card = container.querySelector(`.node-card[data-node="${CSS.escape(id)}"]`);
    const status = statusOf(id);
    card.setAttribute('data-state', status);
    const pill = card.querySelector('[data-role="state"]');
    pill.className = `pill state-${status}`;
    pill.textContent = status;
    const samples = state.history.get(id) || [];
    card.setAttribute('data-samples', samples.length);
    const latest = samples.length ? samples[samples.length - 1] : null;
    const fresh = latest && state.tick.at - latest.at < STALE_MS && status !== 'dead' && status !== 'left';
    replace(card.querySelector('.figures'), latest ? [
      h('span', {}, h('b', {text: fresh ? fmtRate(latest.rate) : '–'}), ' msgs/s'),
      h('span', {}, 'p99 ', h('b', {text: fresh ? fmtMs(recentLatency(id, 'p99')) : '–'})),
      h('span', {}, 'heap ', h('b', {text: fmtBytes(latest.heap)})),
      h('span', {}, h('b', {text: latest.actors}), ' actors'),
    ] : [h('span', {class: 'no-data', text: 'no samples from this node yet'})]);
    const color = colorOf(id);
    drawChart(card.querySelector('svg[data-chart="rate"]'), {
      ...span,
      series: [{points: samples.map((s) => [s.at, s.rate]), color, area: true, width: 1.8}],
      format: fmtRate,
      minMax: 1,
    });
    drawChart(card.querySelector('svg[data-chart="latency"]'), {
      ...span,
      series: [
        {points: samples.map((s) => [s.at, s.p99]), color, width: 1.8},
        {points: samples.map((s) => [s.at, s.p50]), color, width: 1.2, dash: '3 3'},
      ],
      format: (v) => fmtMs(v),
      minMax: 0.1,
      maxGapMs: LATENCY_RECENT_MS,
    });
  }
}

function renderActorsPerNode() {
  const groups = state.tick.groups || {};
  const allGroups = [...new Set(Object.values(groups).flatMap((g) => Object.keys(g)))].sort();
  const groupColor = (g) => GROUP_COLORS[allGroups.indexOf(g) % GROUP_COLORS.length];
  const ids = nodeIds();
  let max = 1;
  const totals = {};
  for (const id of ids) {
    const named = Object.values(groups[id] || {}).reduce((a, b) => a + b, 0);
    totals[id] = named;
    max = Math.max(max, named);
  }
  const rows = ids.map((id) => {
    const bar = h('div', {class: 'apn-bar'});
    for (const g of allGroups) {
      const n = (groups[id] || {})[g] || 0;
      if (n > 0) {
        const seg = h('span', {title: `${g || 'no group'}: ${n}`});
        seg.style.setProperty('width', `${(n / max) * 100}%`);
        seg.style.setProperty('background', groupColor(g));
        bar.append(seg);
      }
    }
    const latest = latestOf(id);
    const local = latest ? ` (${latest.actors} local)` : '';
    return h('div', {class: 'apn-row', 'data-node': id},
      h('span', {class: 'node-id'}, dot(id), id),
      bar,
      h('span', {class: 'apn-count', title: `named actors in the directory${local}`, text: totals[id]}));
  });
  const legendItems = allGroups.map((g) => {
    const swatch = h('i');
    swatch.style.setProperty('background', groupColor(g));
    return h('span', {}, swatch, g || 'no group');
  });
  const counts = h('table', {class: 'table compact apn-table'},
    h('thead', {}, h('tr', {}, h('th', {text: 'Node'}), h('th', {class: 'num', text: 'Local actors'}),
      h('th', {class: 'num', text: 'Named'}), h('th', {class: 'num', text: 'Backlog'}),
      h('th', {class: 'num', text: 'Dead letters'}))),
    h('tbody', {}, ...ids.map((id) => {
      const latest = latestOf(id);
      const number = (v) => (latest ? Number(v).toLocaleString('en-US') : '–');
      return h('tr', {'data-node': id},
        h('td', {}, h('span', {class: 'node-id'}, dot(id), id)),
        h('td', {class: 'num', text: number(latest?.actors)}),
        h('td', {class: 'num', text: totals[id]}),
        h('td', {class: 'num', text: number(latest?.backlog)}),
        h('td', {class: 'num', text: number(latest?.deadLetters)}));
    })));
  replace($('#actors-per-node'), [h('div', {class: 'apn'}, ...rows), h('div', {class: 'apn-legend'}, ...legendItems),
    counts]);
}

function renderClusterActors() {
  const actors = state.tick.clusterActors || [];
  const now = state.tick.at;
  const rows = actors.map((a) => {
    const change = a.lastChange
      ? `${a.lastChange}${a.tookMs >= 0 ? ` ${fmtMs(a.tookMs)}` : ''} · ${fmtAge(now - a.changedAt)} ago`
      : '–';
    const stateClass = a.state === 'active' ? 'state-alive' : a.state === 'moving' ? 'state-joining'
      : 'state-suspect';
    return h('tr', {'data-actor': a.name, 'data-state': a.state, 'data-owner': a.owner || ''},
      h('td', {text: a.name}),
      h('td', {}, a.owner ? h('span', {class: 'node-id'}, dot(a.owner), a.owner) : h('span', {class: 'muted',
        text: 'none'})),
      h('td', {class: 'num', text: a.epoch}),
      h('td', {}, h('span', {class: `pill ${stateClass}`, text: a.state})),
      h('td', {class: 'muted', text: a.replica || '–'}),
      h('td', {class: a.lastChange === 'takeover' ? '' : 'muted', text: change}));
  });
  replace($('#cluster-actors tbody'), rows.length ? rows
    : [h('tr', {}, h('td', {class: 'muted', colspan: 6, text: 'no cluster actors'}))]);
  const count = state.tick.clusterActorCount || 0;
  $('#cluster-actor-count').textContent = count > actors.length ? `${actors.length} of ${count}` : `${count}`;
}

function renderEvents() {
  const items = state.events.slice(-60).reverse().map((e) => h('li', {'data-kind': e.kind},
    h('time', {text: fmtTime(e.at)}),
    h('span', {class: `pill kind kind-${e.kind}`, text: e.kind}),
    h('span', {class: 'text', text: e.text})));
  replace($('#events'), items.length ? items
    : [h('li', {class: 'empty', text: 'nothing yet: members joining, suspected, dead or left, and takeovers show here'})]);
}

function renderDeadLetters() {
  const letters = state.tick.deadLetters || [];
  const items = letters.map((d) => h('li', {},
    h('time', {text: fmtTime(d.at)}),
    h('span', {class: 'pill kind kind-dl', text: d.reason.toLowerCase().replaceAll('_', ' ')}),
    h('span', {class: 'text'}, h('span', {class: 'node-id'}, dot(d.node), d.node), ' → ', h('code', {text: d.to}),
      d.detail ? h('span', {class: 'muted', text: ` · ${d.detail}`}) : null)));
  replace($('#dead-letters'), items.length ? items : [h('li', {class: 'empty', text: 'no dead letters'})]);
  let total = 0;
  for (const id of nodeIds()) {
    const latest = latestOf(id);
    total += latest ? latest.deadLetters : 0;
  }
  $('#dead-letter-total').textContent = `${total.toLocaleString('en-US')} in all`;
}

function renderCounters() {
  const c = state.tick.counters || {};
  $('#counters').textContent = `samples in ${c.samplesIn ?? 0} · sent ${c.samplesSent ?? 0}`
    + ` · malformed ${c.samplesMalformed ?? 0} · pages connected ${c.clients ?? 0}`;
}

function render() {
  if (!state.tick) {
    return;
  }
  renderHeader();
  renderMembers();
  renderNodes();
  renderActorsPerNode();
  renderClusterActors();
  renderEvents();
  renderDeadLetters();
  renderCounters();
}

// ---------------------------------------------------------------------------------------------------- connection

function setConnection(kind, text) {
  const pill = $('#connection');
  pill.className = `pill conn-${kind}`;
  pill.textContent = text;
  pill.setAttribute('data-state', kind);
}

function dispatch(frame) {
  let event = 'message';
  const data = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) {
      event = line.slice(6).trim();
    } else if (line.startsWith('data:')) {
      data.push(line.slice(5).replace(/^ /, ''));
    }
  }
  if (!data.length) {
    return;
  }
  const payload = JSON.parse(data.join('\n'));
  if (event === 'init') {
    onInit(payload);
  } else if (event === 'tick') {
    onTick(payload);
  } else if (event === 'events') {
    addEvents(payload);
    render();
  }
}

function askForToken(message) {
  $('#token-panel').hidden = false;
  $('#token-error').textContent = message || '';
  setConnection('down', 'token needed');
  $('#token-input').focus();
}

async function connect() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = {Accept: 'text/event-stream'};
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(EVENTS_PATH, {headers, cache: 'no-store'});
  } catch (e) {
    retry('node unreachable');
    return;
  }
  if (response.status === 401) {
    if (token) {
      sessionStorage.removeItem(TOKEN_KEY);
    }
    askForToken(token ? 'that token was refused' : '');
    return;
  }
  if (!response.ok || !response.body) {
    retry(`HTTP ${response.status}`);
    return;
  }
  $('#token-panel').hidden = true;
  setConnection('live', 'live');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, {stream: true});
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        dispatch(frame);
      }
    }
  } catch (e) {
    // the node went away mid-stream: reconnect below
  }
  retry('stream ended');
}

function retry(why) {
  setConnection('down', `disconnected (${why}); retrying`);
  setTimeout(connect, RETRY_MS);
}

function watchStaleness() {
  setInterval(() => {
    if (state.lastTickAt && Date.now() - state.lastTickAt > STALE_MS && $('#connection').dataset.state === 'live') {
      setConnection('wait', 'no update for a while');
    } else if (state.lastTickAt && Date.now() - state.lastTickAt <= STALE_MS
      && $('#connection').dataset.state === 'wait') {
      setConnection('live', 'live');
    }
  }, 1000);
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('#token-input').value.trim();
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
    $('#token-input').value = '';
    connect();
  }
});
window.addEventListener('resize', render);
watchStaleness();
connect();
