// nslab's live lab page. State comes from the server's live feed (a WebSocket, one picture a second and one after
// every change); actions go through the JSON API under /api/ with the session token of the page's URL. Stable hooks
// for tests and scripts: data-lab, data-node, data-link ("NODE:IF NODE:IF", ends in file order), data-state and
// data-action.
'use strict';

const token = new URLSearchParams(location.search).get('token') || '';
const state = { labs: [], current: null, selection: { nodes: [], link: null }, structure: '', activity: {} };
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};

const cy = cytoscape({
  container: $('#graph'),
  wheelSensitivity: 0.3,
  style: [
    { selector: 'node', style: { 'label': 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4,
        'background-color': '#3b82f6', 'width': 26, 'height': 26, 'border-width': 2, 'border-color': '#1e3a8a' } },
    { selector: 'node[kind = "bridge"], node[kind = "ovs-bridge"]', style: { 'shape': 'round-rectangle', 'background-color': '#64748b', 'border-color': '#334155', 'width': 34, 'height': 20 } },
    { selector: 'node[state = "gone"]', style: { 'background-color': '#ef4444', 'border-color': '#7f1d1d' } },
    { selector: 'node[state = "unhealthy"]', style: { 'background-color': '#f59e0b', 'border-color': '#78350f' } },
    { selector: 'node[?group]', style: {} },
    { selector: '$node > node', style: { 'label': 'data(label)', 'text-valign': 'top', 'background-color': '#eef2ff', 'border-color': '#c7d2fe', 'shape': 'round-rectangle' } },
    { selector: 'edge', style: { 'width': 2, 'line-color': '#94a3b8', 'curve-style': 'bezier', 'label': 'data(label)', 'font-size': 9,
        'color': '#334155', 'text-background-color': '#fff', 'text-background-opacity': 0.8,
        'source-label': 'data(ifa)', 'target-label': 'data(ifb)', 'source-text-offset': 22, 'target-text-offset': 22 } },
    { selector: 'edge[state = "down"]', style: { 'line-color': '#f97316', 'line-style': 'dashed' } },
    { selector: 'edge[state = "cut"]', style: { 'line-color': '#dc2626', 'line-style': 'dashed', 'width': 3 } },
    { selector: 'edge[state = "impaired"]', style: { 'line-color': '#eab308', 'width': 3 } },
    { selector: ':selected', style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  ],
});
cy.on('tap', 'node', ev => { if (!ev.target.isParent()) select({ node: ev.target.data('name'), add: ev.originalEvent.ctrlKey || ev.originalEvent.shiftKey }); });
cy.on('tap', 'edge', ev => select({ link: ev.target.data('link') }));

function currentLab() { return state.labs.find(l => l.name === state.current) || null; }

function rate(bps) {
  if (bps === null || bps === undefined) return '';
  if (bps >= 1e9) return (bps / 1e9).toFixed(2) + ' Gbit/s';
  if (bps >= 1e6) return (bps / 1e6).toFixed(2) + ' Mbit/s';
  if (bps >= 1e3) return (bps / 1e3).toFixed(1) + ' kbit/s';
  return Math.round(bps) + ' bit/s';
}

function nodeState(n) {
  if (!n.present) return 'gone';
  if (n.health && n.health !== 'healthy' && n.health !== 'running') return 'unhealthy';
  if ((n.services || []).some(s => s.state !== 'running')) return 'unhealthy';
  return 'up';
}

// ---- the live feed -----------------------------------------------------------------------------------------

function connect(delay = 500) {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live?token=${encodeURIComponent(token)}`);
  ws.onopen = () => { $('#feed').dataset.state = 'live'; $('#feed').textContent = 'live'; delay = 500; };
  ws.onmessage = ev => {
    const m = JSON.parse(ev.data);
    if (m.type === 'labs') { state.labs = m.labs; state.activity = m.activity || {}; render(); }
  };
  ws.onclose = ev => {
    const f = $('#feed');
    f.dataset.state = 'lost';
    f.textContent = ev.code === 1008 || ev.code === 1006 && !token ? 'refused: open the URL nslab ui printed (it carries the token)' : 'connection lost; trying again…';
    setTimeout(() => connect(Math.min(delay * 2, 8000)), delay);
  };
}

// ---- drawing ---------------------------------------------------------------------------------------------------

function render() {
  if (!state.labs.some(l => l.name === state.current)) state.current = state.labs.length ? state.labs[0].name : null;
  renderTabs();
  const lab = currentLab();
  $('#empty').hidden = !!lab;
  renderGraph(lab);
  renderLists();
  renderSummary(lab);
  renderSelection();
}

function renderTabs() {
  const tabs = $('#tabs');
  tabs.replaceChildren(...state.labs.map(l => el('button', {
    'data-tab': l.name, class: l.name === state.current ? 'current' : '',
    onclick: () => { state.current = l.name; state.selection = { nodes: [], link: null }; state.structure = ''; render(); },
  }, l.name)));
}

function renderGraph(lab) {
  if (!lab) { cy.elements().remove(); state.structure = ''; return; }
  const structure = lab.name + '|' + lab.nodes.map(n => n.name + '/' + (n.group || '')).join(',') + '|' + lab.links.map(l => l.id).join(',');
  if (structure !== state.structure) {
    state.structure = structure;
    const groups = [...new Set(lab.nodes.map(n => n.group).filter(g => g))];
    const els = groups.map(g => ({ data: { id: 'g:' + g, label: g } }));
    for (const n of lab.nodes) els.push({ data: { id: 'n:' + n.name, name: n.name, label: n.name, kind: n.kind, parent: n.group ? 'g:' + n.group : undefined } });
    for (const l of lab.links) els.push({ data: { id: 'l:' + l.id, link: l.id, source: 'n:' + l.a.node, target: 'n:' + l.b.node, ifa: l.a.iface, ifb: l.b.iface, label: '' } });
    cy.elements().remove();
    cy.add(els);
    // groups: only the nodes are placed (tier by tier); the group boxes follow their nodes
    (groups.length ? cy.nodes(':childless') : cy).layout(layoutOf(lab, groups)).run();
    cy.fit(undefined, 30);
    // when the drawing of this structure was done, since the page began loading (bench/ui reads it)
    window.nslabDrawn = { lab: lab.name, nodes: lab.nodes.length, ms: performance.now() };
  }
  cy.batch(() => {
    for (const n of lab.nodes) cy.getElementById('n:' + n.name).data('state', nodeState(n));
    for (const l of lab.links) {
      const e = cy.getElementById('l:' + l.id);
      const bps = (l.a.tx_bps || 0) + (l.b.tx_bps || 0);
      e.data('state', l.state);
      e.data('label', l.state === 'cut' ? 'cut' : bps >= 1000 ? rate(bps) : '');
    }
  });
}

/**
 * How a lab is laid out: containerlab's groups as tiers (a row of the grid per group, in the order the file names them
 * first, ungrouped nodes last); otherwise cose, or concentric by degree for a large lab.
 */
function layoutOf(lab, groups) {
  if (groups.length > 0) {
    const tier = n => (n.group ? groups.indexOf(n.group) : groups.length);
    const placed = new Map(), next = new Map();
    for (const n of lab.nodes) {
      const row = tier(n), col = next.get(row) || 0;
      next.set(row, col + 1);
      placed.set('n:' + n.name, { row, col });
    }
    return { name: 'grid', animate: false, avoidOverlap: true, avoidOverlapPadding: 40, condense: false, rows: groups.length + 1,
             position: node => placed.get(node.id()) || { row: groups.length, col: 0 } };
  }
  if (lab.nodes.length > 120) return { name: 'concentric', concentric: n => n.degree(), levelWidth: () => 2, animate: false };
  return { name: 'cose', animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 90, randomize: false };
}

function renderSummary(lab) {
  const s = $('#summary');
  if (!lab) { s.replaceChildren(); return; }
  const health = lab.healthy === null ? 'checking…' : lab.healthy ? 'healthy' : 'not healthy';
  const parts = [el('h3', {}, 'lab ', lab.name), el('div', { class: 'muted' }, lab.file || '')];
  parts.push(el('div', { 'data-lab-health': lab.healthy === null ? 'unknown' : lab.healthy ? 'healthy' : 'unhealthy' },
    `${lab.nodes.length} nodes, ${lab.links.length} links, ${lab.objects} objects — ${health}`));
  if (lab.pending > 0) parts.push(el('div', { 'data-progress': 'up' }, `coming up: ${lab.pending} objects still to make`));
  if (state.activity[lab.name]) parts.push(el('div', { 'data-progress': state.activity[lab.name] }, `${state.activity[lab.name]} running…`));
  for (const p of lab.problems) parts.push(el('div', { class: 'error' }, p));
  const f = lab.faults;
  for (const [end, words] of Object.entries(f.impairments)) parts.push(el('div', {}, `impaired ${end}: ${words}`));
  for (const c of f.cuts) parts.push(el('div', {}, `cut cable ${c}`));
  if (f.partition.length) parts.push(el('div', { 'data-partition': f.partition.map(g => g.join(',')).join(' | ') }, 'partition: ' + f.partition.map(g => g.join(',')).join(' | ')));
  s.replaceChildren(...parts);
}

// The tables are built once per lab structure and updated in place every second, so that a row being clicked (by a
// person or a test) is never replaced under the pointer.
const tables = new Map();

function renderLists() {
  const lists = $('#lists');
  const sel = state.selection;
  for (const name of [...tables.keys()]) if (!state.labs.some(l => l.name === name)) { tables.get(name).section.remove(); tables.delete(name); }
  for (const lab of state.labs) {
    const key = lab.nodes.map(n => n.name).join(',') + '|' + lab.links.map(l => l.id).join(',');
    let t = tables.get(lab.name);
    if (!t || t.key !== key) {
      if (t) t.section.remove();
      t = buildTables(lab, key);
      tables.set(lab.name, t);
      lists.append(t.section);
    }
    t.section.hidden = lab.name !== state.current;
    for (const n of lab.nodes) {
      const r = t.nodes.get(n.name);
      r.tr.dataset.state = nodeState(n);
      r.tr.className = lab.name === state.current && sel.nodes.includes(n.name) ? 'selected' : '';
      r.state.textContent = nodeState(n) + (n.health ? ` (${n.health})` : '');
      r.services.textContent = (n.services || []).map(s => `${s.name}: ${s.state}`).join(', ');
    }
    for (const l of lab.links) {
      const r = t.links.get(l.id);
      const bps = (l.a.tx_bps || 0) + (l.b.tx_bps || 0);
      Object.assign(r.tr.dataset, { state: l.state, bytes: l.a.tx_bytes + l.b.tx_bytes, bps: Math.round(bps), packets: l.a.tx_packets + l.b.tx_packets });
      r.tr.className = lab.name === state.current && sel.link === l.id ? 'selected' : '';
      r.state.textContent = l.state;
      r.state.title = l.impairments.join('; ');
      r.traffic.textContent = `→ ${rate(l.a.tx_bps)} ← ${rate(l.b.tx_bps)} · ${l.a.tx_packets + l.b.tx_packets} packets`;
      r.drops.textContent = String(l.a.rx_dropped + l.a.tx_dropped + l.b.rx_dropped + l.b.tx_dropped);
    }
  }
}

function buildTables(lab, key) {
  const nodes = new Map(), links = new Map();
  const nodeTable = el('table', {}, el('tr', {}, el('th', {}, 'node'), el('th', {}, 'kind'), el('th', {}, 'state'), el('th', {}, 'services')));
  for (const n of lab.nodes) {
    const r = { state: el('td', { class: 'state' }), services: el('td') };
    r.tr = el('tr', { 'data-node': n.name, onclick: ev => { state.current = lab.name; select({ node: n.name, add: ev.ctrlKey || ev.shiftKey }); } },
      el('td', {}, n.name), el('td', {}, n.image ? `${n.kind} (${n.image})` : n.kind), r.state, r.services);
    nodes.set(n.name, r);
    nodeTable.append(r.tr);
  }
  const linkTable = el('table', {}, el('tr', {}, el('th', {}, 'link'), el('th', {}, 'state'), el('th', {}, 'traffic'), el('th', {}, 'drops')));
  for (const l of lab.links) {
    const r = { state: el('td', { class: 'state' }), traffic: el('td'), drops: el('td') };
    r.tr = el('tr', { 'data-link': l.id, onclick: () => { state.current = lab.name; select({ link: l.id }); } },
      el('td', {}, `${l.a.end} — ${l.b.end}`), r.state, r.traffic, r.drops);
    links.set(l.id, r);
    linkTable.append(r.tr);
  }
  const section = el('section', { 'data-lab': lab.name }, el('h3', {}, 'nodes'), nodeTable, el('h3', {}, 'links'), linkTable);
  return { key, section, nodes, links };
}

// ---- selection and actions -------------------------------------------------------------------------------------

function select({ node, link, add }) {
  const s = state.selection;
  if (link) { state.selection = { nodes: [], link }; }
  else if (node) {
    const nodes = add ? (s.nodes.includes(node) ? s.nodes.filter(x => x !== node) : [...s.nodes, node]) : [node];
    state.selection = { nodes, link: null };
  }
  render();
}

function renderSelection() {
  const s = state.selection;
  const lab = currentLab();
  if (lab && s.link && !lab.links.some(l => l.id === s.link)) s.link = null;
  if (lab) s.nodes = s.nodes.filter(n => lab.nodes.some(x => x.name === n));
  $('#selected').textContent = s.link ? `link ${s.link}` : s.nodes.length ? `node${s.nodes.length > 1 ? 's' : ''} ${s.nodes.join(', ')}` : 'nothing (click a node or a link)';
  $('#selected').dataset.selection = s.link || s.nodes.join(',');
  const endSel = $('#impair-form select[name=end]');
  const ends = s.link ? s.link.split(' ') : [];
  if (endSel.dataset.for !== s.link) {
    endSel.replaceChildren(...ends.map(e => el('option', { value: e }, e)));
    endSel.dataset.for = s.link || '';
  }
  cy.elements().unselect();
  if (s.link) cy.getElementById('l:' + s.link).select();
  for (const n of s.nodes) cy.getElementById('n:' + n).select();
}

function say(text, error = false) {
  const m = $('#message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

async function api(path, body) {
  const r = await fetch('/api/' + path, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Authorization': 'token ' + token },
    body: JSON.stringify(body || {}),
  });
  const answer = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(answer.error || r.statusText);
  return answer;
}

async function act(action) {
  const lab = currentLab();
  if (!lab) return say('no lab', true);
  const s = state.selection;
  const labPath = 'labs/' + encodeURIComponent(lab.name) + '/';
  try {
    switch (action) {
      case 'cut': case 'mend':
        if (!s.link) return say(`${action}: select a link first`, true);
        await api(labPath + action, { end: s.link.split(' ')[0] });
        return say(`${action === 'cut' ? 'cut' : 'mended'} ${s.link}`);
      case 'impair': {
        if (!s.link) return say('impair: select a link first', true);
        const f = $('#impair-form');
        const body = { end: f.end.value };
        for (const k of ['rate', 'delay', 'loss']) if (f[k].value.trim()) body[k] = f[k].value.trim();
        await api(labPath + 'impair', body);
        return say(`impaired ${body.end}`);
      }
      case 'unimpair':
        if (!s.link) return say('clear: select a link first', true);
        await api(labPath + 'impair', { end: $('#impair-form').end.value, clear: true });
        return say('impairment cleared');
      case 'partition':
        if (!s.nodes.length) return say('partition: select the nodes of one side (ctrl-click for several)', true);
        await api(labPath + 'partition', { groups: [s.nodes] });
        return say(`partitioned ${s.nodes.join(',')} from the rest`);
      case 'heal':
        await api(labPath + 'heal', {});
        return say('healed');
      case 'verify': {
        say('verifying…');
        $('#verify').replaceChildren(el('div', { 'data-progress': 'verify' }, 'verifying: pinging every address…'));
        const report = await api(labPath + 'verify', {});
        renderVerify(report);
        return say(report.verdict);
      }
      case 'terminal':
        if (s.nodes.length !== 1) return say('terminal: select one node', true);
        return openTerminal(lab.name, s.nodes[0]);
    }
  } catch (e) {
    say(e.message, true);
  }
}

document.querySelectorAll('#controls button[data-action]').forEach(b => b.addEventListener('click', ev => { ev.preventDefault(); act(b.dataset.action); }));
$('#impair-form').addEventListener('submit', ev => { ev.preventDefault(); act('impair'); });

function renderVerify(r) {
  const cells = new Map();
  for (const p of r.pairs) {
    const k = p.from + '\n' + p.to;
    const c = cells.get(k) || { replies: 0, total: 0, bad: false, why: [] };
    c.total++;
    if (p.measured) c.replies++;
    if (p.predicted !== null && p.outcome !== 'unmeasured' && p.measured !== p.predicted) { c.bad = true; }
    c.why.push(`${p.address}: ${p.outcome}${p.predicted === null ? '' : p.predicted ? ', predicted to answer' : ', predicted not to answer'}${p.reason ? ' (' + p.reason + ')' : ''}`);
    cells.set(k, c);
  }
  const head = el('tr', {}, el('th', {}, ''), ...r.nodes.map(n => el('th', {}, n)));
  const rows = r.nodes.map(from => el('tr', {}, el('th', {}, from), ...r.nodes.map(to => {
    const c = cells.get(from + '\n' + to);
    if (!c) return el('td', {}, from === to ? '·' : '');
    const mark = c.bad ? '!' : c.replies === c.total ? '+' : c.replies === 0 ? '.' : '~';
    return el('td', { class: c.bad ? 'bad' : mark === '+' ? 'ok' : '', title: c.why.join('\n'), 'data-pair': from + ' ' + to }, mark);
  })));
  const out = [el('h3', {}, 'verify'), el('div', { 'data-verdict': r.ok ? 'ok' : 'failed' }, r.verdict),
    el('table', { class: 'matrix' }, head, ...rows),
    el('div', { class: 'muted' }, '+ every address answers, . none, ~ some, ! differs from the prediction (hover for reasons)')];
  for (const p of r.pairs.filter(p => p.predicted !== null && p.outcome !== 'unmeasured' && p.measured !== p.predicted)) {
    out.push(el('div', { class: 'error' }, `${p.from} → ${p.to} ${p.address}: ${p.outcome}, predicted ${p.predicted ? 'to answer' : 'not to answer'}${p.reason ? ': ' + p.reason : ''}`));
  }
  for (const x of r.expectations) out.push(el('div', { class: x.holds ? '' : 'error' }, `line ${x.line}: ${x.holds ? 'holds' : 'does not hold'}${x.why ? ' — ' + x.why : ''}`));
  for (const c of r.changes) out.push(el('div', { class: 'muted' }, 'changed: ' + c));
  $('#verify').replaceChildren(...out);
}

/** The drawing follows its box when a terminal opens or closes, or the window changes. */
function refit() { cy.resize(); cy.fit(undefined, 30); }
window.addEventListener('resize', refit);

// ---- terminals -----------------------------------------------------------------------------------------------

function openTerminal(lab, node) {
  const box = el('div', { class: 'terminal', 'data-terminal': node, 'data-lab': lab });
  const close = el('button', {}, 'close');
  box.append(el('div', { class: 'bar' }, `${lab} / ${node}`, close), el('div', { class: 'screen' }));
  $('#terminals').replaceChildren(box);
  document.documentElement.style.setProperty('--term', '300px');
  refit();
  const term = new Terminal({ rendererType: 'dom', fontSize: 13, rows: 16, cols: 120, convertEol: false });
  term.open($('.screen', box));
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/terminal`
    + `?token=${encodeURIComponent(token)}&cols=${term.cols}&rows=${term.rows}`;
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const enc = new TextEncoder();
  ws.onmessage = ev => term.write(typeof ev.data === 'string' ? ev.data : new Uint8Array(ev.data));
  ws.onclose = () => { box.dataset.state = 'closed'; term.write('\r\n[the terminal has ended]\r\n'); };
  ws.onopen = () => { box.dataset.state = 'open'; term.focus(); };
  term.onData(d => { if (ws.readyState === WebSocket.OPEN) ws.send(enc.encode(d)); });
  term.onResize(({ cols, rows }) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ cols, rows })); });
  close.addEventListener('click', () => {
    ws.close();
    term.dispose();
    $('#terminals').replaceChildren();
    document.documentElement.style.setProperty('--term', '0px');
    refit();
  });
}

connect();
