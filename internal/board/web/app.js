// The roadmap board. It draws the model the server computes (GET /api/roadmap, then every change over
// Server-Sent Events from /api/events); it decides nothing about readiness itself. Every piece of text from the
// cluster goes into the page as text (textContent, createTextNode), never as markup.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var model = null;
  var byId = {};
  var state = { ns: '', owner: '', track: '', since: '24h', sel: '' };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function setAttrs(e, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) e.setAttribute(k, String(attrs[k]));
    });
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function $(id) { return document.getElementById(id); }
  function ref(n) { return n.namespace ? n.namespace + '/' + n.name : n.name; }

  // keyed keeps the children of parent in step with items, one element per item: an item whose key and
  // signature are unchanged keeps its element (and with it focus, selection and the browser's layout work), so a
  // change of one initiative touches one row, one bar and one graph node, not thousands. parent holds nothing
  // else. It returns the cache to pass next time.
  function keyed(parent, cache, items, key, sig, build) {
    var next = new Map();
    items.forEach(function (it) {
      var k = key(it);
      while (next.has(k)) k += '\u0000';
      var s = sig(it);
      var old = cache.get(k);
      next.set(k, old && old.sig === s ? old : { sig: s, el: build(it) });
    });
    cache.forEach(function (v, k) { var n = next.get(k); if (!n || n.el !== v.el) v.el.remove(); });
    var cursor = parent.firstChild;
    next.forEach(function (v) {
      if (v.el === cursor) cursor = cursor.nextSibling;
      else parent.insertBefore(v.el, cursor);
    });
    return next;
  }
  // once redraws a section only when what it shows changed.
  var drawn = {};
  function once(name, sig, draw) {
    if (drawn[name] === sig) return;
    drawn[name] = sig;
    draw();
  }
  function filters() { return [state.ns, state.owner, state.track].join('\u0000'); }

  // --- the URL keeps the view: #ns=..&owner=..&track=..&since=..&sel=.. --------------------------------------
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    Object.keys(state).forEach(function (k) { if (p.has(k)) state[k] = p.get(k); });
    if (!p.has('since')) state.since = '24h';
  }
  function writeHash() {
    var p = new URLSearchParams();
    Object.keys(state).forEach(function (k) { if (state[k] && !(k === 'since' && state[k] === '24h')) p.set(k, state[k]); });
    var h = p.toString();
    history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
  }

  function visible(n) {
    if (n.kind !== 'Initiative') return true;
    if (state.ns && n.namespace !== state.ns) return false;
    if (state.owner && (n.owner || '(no owner)') !== state.owner) return false;
    if (state.track && n.track !== state.track) return false;
    return true;
  }

  // --- activation: click, Enter or Space on anything with data-id opens its details ----------------------------
  function activatable(e, id, label) {
    e.setAttribute('data-id', id);
    e.setAttribute('tabindex', '0');
    e.setAttribute('role', 'button');
    if (label) e.setAttribute('aria-label', label);
    return e;
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target.closest ? ev.target.closest('[data-id][role=button]') : null;
    if (t) { select(t.getAttribute('data-id')); }
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && state.sel) { select(''); return; }
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    var t = ev.target.closest ? ev.target.closest('[data-id][role=button]') : null;
    if (t) { ev.preventDefault(); select(t.getAttribute('data-id')); }
  });
  function select(id) {
    state.sel = id;
    writeHash();
    renderDetail(true);
  }

  // --- rendering -----------------------------------------------------------------------------------------------
  // render draws the model. Elements of what did not change stay on the page, so the keyboard focus and the
  // scroll positions survive a change arriving while someone navigates (and nothing here reads the layout back,
  // which would make the browser lay out thousands of elements in the middle of drawing). Should the focused
  // element be replaced, the focus moves to its replacement.
  function render() {
    if (!model) return;
    var active = document.activeElement;
    var focusId = active && active.getAttribute ? active.getAttribute('data-id') : null;
    var focusIn = focusId && active.closest ? active.closest('section, aside') : null;
    draw();
    if (focusId && !active.isConnected) {
      var again = (focusIn && focusIn.isConnected ? focusIn : document).querySelector('[data-id="' + CSS.escape(focusId) + '"][role=button]');
      if (again) again.focus({ preventScroll: true });
    }
  }

  function draw() {
    byId = {};
    model.nodes.forEach(function (n) { byId[n.id] = n; });
    $('generated').textContent = 'as of ' + model.generated;
    var lim = $('limited');
    var notes = [];
    if (model.limited) notes.push(model.limited);
    else if (model.namespace) notes.push('Showing the initiatives of namespace ' + model.namespace + ' only; capabilities and goals are complete.');
    lim.hidden = notes.length === 0;
    lim.textContent = notes.length ? '⚠ ' + notes.join(' ') : '';
    fillSelect($('f-ns'), model.namespaces, state.ns);
    fillSelect($('f-owner'), model.owners, state.owner);
    $('f-track').value = state.track;
    $('f-since').value = state.since;
    var counts = Object.keys(model.counts).sort().map(function (k) { return model.counts[k] + ' ' + k; });
    $('counts').textContent = counts.length ? 'Initiatives: ' + counts.join(', ') : 'No initiatives.';
    renderGoals();
    renderTimeline();
    renderGraph();
    renderChanges();
    renderUntraced();
    renderList();
    renderDetail(false);
  }

  // Untraced work: per namespace that opts in with roadmap.dev/workloads, the workloads no initiative explains
  // and those let past the gate with break glass.
  function renderUntraced() {
    var reports = (model.untraced || []).filter(function (r) { return !state.ns || r.namespace === state.ns; });
    var section = $('untraced-section');
    var box = $('untraced');
    clear(box);
    section.hidden = reports.length === 0 && !model.untracedNote;
    if (model.untracedNote) box.appendChild(el('p', { class: 'limited' }, model.untracedNote));
    reports.forEach(function (r) {
      box.appendChild(el('h3', null, r.namespace + ' (' + r.mode + ')'));
      var ul = el('ul', { class: 'untraced' });
      if (r.modeError) ul.appendChild(el('li', { class: 'broken' }, '⚠ ' + r.modeError));
      (r.untraced || []).forEach(function (w) {
        ul.appendChild(el('li', { class: 'waiting' }, '◷ untraced: ' + w.kind + ' ' + w.name + ' has no label roadmap.dev/initiative'));
      });
      (r.dangling || []).forEach(function (w) {
        ul.appendChild(el('li', { class: 'broken' }, '⚠ dangling: ' + w.kind + ' ' + w.name + ': ' + w.why));
      });
      (r.breakGlass || []).forEach(function (w) {
        ul.appendChild(el('li', { class: 'broken' }, '‼ break glass: ' + w.kind + ' ' + w.name + ': ' + w.breakGlass));
      });
      box.appendChild(ul);
    });
  }

  function fillSelect(s, values, current) {
    var keep = s.options[0];
    clear(s);
    s.appendChild(keep);
    values.forEach(function (v) { s.appendChild(el('option', { value: v }, v)); });
    s.value = current;
  }

  function status(n) {
    return el('span', { class: 'status h-' + n.health }, n.glyph + ' ' + n.status);
  }

  function renderGoals() {
    var goals = model.nodes.filter(function (n) { return n.kind === 'Goal'; });
    once('goals', JSON.stringify(goals), function () { drawGoals(goals); });
  }
  function drawGoals(goals) {
    var ul = $('goals');
    clear(ul);
    var names = {};
    goals.forEach(function (g) { names[g.name] = true; });
    function children(parent) {
      return goals.filter(function (g) { return parent ? g.parent === parent : !(g.parent && names[g.parent]); });
    }
    function add(list, g, depth) {
      if (depth > goals.length) return;
      var li = el('li', { class: 'goal' });
      var head = activatable(el('div', { class: 'goal-head' }), g.id, 'goal ' + g.name + ': ' + g.status);
      head.appendChild(el('span', { class: 'title' }, g.title || g.name));
      head.appendChild(status(g));
      var pct = g.progress || 0;
      var bar = el('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': 'progress of ' + g.name });
      var fill = el('div', { class: 'fill h-' + g.health });
      fill.style.width = Math.max(0, Math.min(100, pct)) + '%';
      bar.appendChild(fill);
      head.appendChild(bar);
      var c = g.counts || {};
      head.appendChild(el('span', { class: 'muted' }, pct + '% · ' + (c.total || 0) + ' initiatives: ' + (c.ready || 0) + ' ready, ' + (c.blocked || 0) + ' blocked, ' + (c.done || 0) + ' done' + (g.targetDate ? ' · due ' + g.targetDate : '')));
      li.appendChild(head);
      if (g.atRisk) li.appendChild(el('p', { class: 'risk' }, '⚠ At risk: ' + g.atRisk));
      var kids = children(g.name);
      if (kids.length) {
        var sub = el('ul', { class: 'goals' });
        kids.forEach(function (k) { add(sub, k, depth + 1); });
        li.appendChild(sub);
      }
      list.appendChild(li);
    }
    children('').forEach(function (g) { add(ul, g, 0); });
    if (!goals.length) ul.appendChild(el('li', { class: 'muted' }, 'No goals.'));
  }

  // The timeline and the graph are SVG drawings that stay on the page: their frames (size, ticks, lanes, today)
  // are redrawn when they change, their bars, nodes and edges are keyed.
  var timeline = null;
  function renderTimeline() {
    var tl = model.timeline;
    if (!timeline) {
      timeline = { svg: svg('svg', { role: 'group', class: 'timeline' }), bars: new Map() };
      timeline.frame = svg('g');
      timeline.barsG = svg('g');
      timeline.today = svg('g');
      timeline.svg.appendChild(timeline.frame);
      timeline.svg.appendChild(timeline.barsG);
      timeline.svg.appendChild(timeline.today);
      $('timeline').appendChild(timeline.svg);
    }
    var s = timeline.svg;
    once('timeline-frame', JSON.stringify([tl.width, tl.height, tl.start, tl.end, tl.ticks, tl.lanes]), function () {
      setAttrs(s, { width: tl.width, height: tl.height, viewBox: '0 0 ' + tl.width + ' ' + tl.height, 'aria-label': 'Timeline from ' + tl.start + ' to ' + tl.end });
      clear(timeline.frame);
      tl.ticks.forEach(function (t) {
        timeline.frame.appendChild(svg('line', { x1: t.x, x2: t.x, y1: 16, y2: tl.height, class: 'tick' }));
        timeline.frame.appendChild(svg('text', { x: t.x + 3, y: 13, class: 'tick-label' }, t.label));
      });
      tl.lanes.forEach(function (l, i) {
        timeline.frame.appendChild(svg('rect', { x: 0, y: l.y, width: tl.width, height: l.height, class: 'lane lane-' + (i % 2) }));
        timeline.frame.appendChild(svg('text', { x: 6, y: l.y + 14, class: 'lane-label' }, l.owner));
      });
    });
    once('timeline-today', JSON.stringify([tl.todayX, tl.height, model.today]), function () {
      clear(timeline.today);
      timeline.today.appendChild(svg('line', { x1: tl.todayX, x2: tl.todayX, y1: 0, y2: tl.height, class: 'today' }));
      timeline.today.appendChild(svg('text', { x: tl.todayX + 3, y: tl.height - 4, class: 'today-label' }, 'today ' + model.today));
    });
    var bars = tl.bars.filter(function (b) { var n = byId[b.node]; return !n || visible(n); });
    timeline.bars = keyed(timeline.barsG, timeline.bars, bars, function (b) { return b.node; }, function (b) {
      var n = byId[b.node] || {};
      return JSON.stringify([b, n.namespace, n.name]);
    }, bar);
    var unscheduled = tl.unscheduled && tl.unscheduled.length ? 'Unscheduled (no target date): ' + tl.unscheduled.join(', ') : '';
    if ($('unscheduled').textContent !== unscheduled) $('unscheduled').textContent = unscheduled;
  }

  function bar(b) {
    var n = byId[b.node] || {};
    var cls = ['bar', 'h-' + b.health, 'track-' + (b.track || 'none').toLowerCase(), 'phase-' + b.phase.toLowerCase()];
    if (b.critical) cls.push('critical');
    if (b.pastDue) cls.push('late');
    if (b.conflict) cls.push('conflict');
    var marks = (b.critical ? '★ ' : '') + (b.conflict ? '⚠ ' : '') + (b.pastDue ? '‼ ' : '');
    var g = activatable(svg('g', { class: cls.join(' ') }), b.node,
      'initiative ' + b.label + ': ' + b.phase + ', ' + b.start + ' to ' + b.end + (b.critical ? ', on the critical path' : '') +
      (b.conflict ? ', schedule conflict: ' + b.conflict : '') + (b.pastDue ? ', past its target date' : ''));
    if (b.milestone) {
      var x = b.x, y = b.y + 11;
      g.appendChild(svg('path', { d: 'M' + x + ' ' + (y - 7) + 'l7 7l-7 7l-7-7z', class: 'shape' }));
    } else {
      g.appendChild(svg('rect', { x: b.x, y: b.y + 3, width: b.w, height: 16, rx: b.track === 'Innovation' ? 8 : 1, class: 'shape' }));
    }
    g.appendChild(svg('text', { x: b.x + Math.max(b.w, 8) + 6, y: b.y + 15, class: 'bar-label' }, marks + b.glyph + ' ' + b.label + ' · ' + b.phase));
    g.appendChild(svg('title', null, (n.namespace ? n.namespace + '/' + n.name + ' · ' : '') + b.phase + ' · ' + b.start + ' → ' + b.end + (b.conflict ? ' · conflict: ' + b.conflict : '')));
    return g;
  }

  var graph = null;
  var NODE_W = 200, NODE_H = 32;
  function renderGraph() {
    var gv = model.graph;
    if (!graph) {
      graph = { svg: svg('svg', { role: 'group', 'aria-label': 'Dependency graph', class: 'graph' }), edges: new Map(), nodes: new Map() };
      var defs = svg('defs');
      var marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      marker.appendChild(svg('path', { d: 'M0 0L10 5L0 10z', class: 'arrow' }));
      defs.appendChild(marker);
      graph.edgesG = svg('g');
      graph.nodesG = svg('g');
      graph.svg.appendChild(defs);
      graph.svg.appendChild(graph.edgesG);
      graph.svg.appendChild(graph.nodesG);
      $('graph').appendChild(graph.svg);
    }
    setAttrs(graph.svg, { width: gv.width, height: gv.height, viewBox: '0 0 ' + gv.width + ' ' + gv.height });
    var edges = model.edges.filter(function (e) { return gv.places[e.from] && gv.places[e.to]; });
    graph.edges = keyed(graph.edgesG, graph.edges, edges, function (e) { return e.from + ' ' + e.label + ' ' + e.to; }, function (e) {
      return JSON.stringify([gv.places[e.from], gv.places[e.to], dimmed(e)]);
    }, edge);
    var nodes = model.nodes.filter(function (n) { return gv.places[n.id]; });
    graph.nodes = keyed(graph.nodesG, graph.nodes, nodes, function (n) { return n.id; }, function (n) {
      return JSON.stringify([n.title, n.name, n.namespace, n.status, n.health, n.glyph, n.message, gv.places[n.id], visible(n)]);
    }, graphNode);
  }

  function dimmed(e) {
    var na = byId[e.from], nb = byId[e.to];
    return !!((na && !visible(na)) || (nb && !visible(nb)));
  }

  function edge(e) {
    var gv = model.graph;
    var a = gv.places[e.from], b = gv.places[e.to];
    // Draw from the earlier column to the later one, the arrow pointing as the relation reads.
    var forward = a.x <= b.x;
    var l = forward ? a : b, r = forward ? b : a;
    var x1 = l.x + NODE_W, y1 = l.y + NODE_H / 2, x2 = r.x, y2 = r.y + NODE_H / 2;
    if (l.x === r.x) { x1 = l.x + NODE_W; x2 = r.x + NODE_W; }
    var mx = (x1 + x2) / 2 + (l.x === r.x ? 40 : 0);
    var attrs = { d: 'M' + x1 + ' ' + y1 + 'C' + mx + ' ' + y1 + ' ' + mx + ' ' + y2 + ' ' + x2 + ' ' + y2, class: 'edge' + (e.label === 'provides' || e.label === 'serves' ? ' dashed' : '') + (dimmed(e) ? ' dim' : '') };
    if (forward) attrs['marker-end'] = 'url(#arrow)'; else attrs['marker-start'] = 'url(#arrow)';
    var p = svg('path', attrs);
    p.appendChild(svg('title', null, e.from + ' ' + e.label + ' ' + e.to));
    return p;
  }

  var shapes = { Goal: '◆', Capability: '⬡', Initiative: '▭' };
  function graphNode(n) {
    var pos = model.graph.places[n.id];
    var g = activatable(svg('g', { class: 'node kind-' + n.kind.toLowerCase() + ' h-' + n.health + (visible(n) ? '' : ' dim') }), n.id,
      n.kind.toLowerCase() + ' ' + ref(n) + ': ' + n.status);
    g.appendChild(svg('rect', { x: pos.x, y: pos.y, width: NODE_W, height: NODE_H, rx: n.kind === 'Goal' ? 16 : n.kind === 'Capability' ? 2 : 6, class: 'shape' }));
    var name = n.title || n.name;
    if (name.length > 28) name = name.slice(0, 27) + '…';
    g.appendChild(svg('text', { x: pos.x + 6, y: pos.y + 13, class: 'node-name' }, shapes[n.kind] + ' ' + name));
    g.appendChild(svg('text', { x: pos.x + 6, y: pos.y + 27, class: 'node-status' }, n.glyph + ' ' + n.status));
    g.appendChild(svg('title', null, n.kind + ' ' + ref(n) + ': ' + n.status + (n.message ? ' — ' + n.message : '')));
    return g;
  }

  function renderChanges() {
    var related = model.changes.map(function (c) { return byId[c.node] || null; });
    once('changes', JSON.stringify([model.changes, related, model.generated, state.since, filters()]), drawChanges);
  }
  function drawChanges() {
    var box = $('changes');
    clear(box);
    var hours = parseInt(state.since, 10) || 24;
    var since = new Date(model.generated).getTime() - hours * 3600 * 1000;
    var items = model.changes.filter(function (c) {
      var n = byId[c.node];
      if (n && !visible(n)) return false;
      return !c.changed || new Date(c.changed).getTime() >= since;
    });
    if (!items.length) { box.appendChild(el('p', { class: 'muted' }, 'Nothing became Ready or Blocked, and nothing is past its target date.')); return; }
    var owners = [];
    var by = {};
    items.forEach(function (c) { if (!by[c.owner]) { by[c.owner] = []; owners.push(c.owner); } by[c.owner].push(c); });
    owners.forEach(function (o) {
      box.appendChild(el('h3', null, o));
      var ul = el('ul', { class: 'changes' });
      by[o].forEach(function (c) {
        var n = byId[c.node] || { id: c.node, name: c.node, status: '', glyph: '?', health: 'unknown', kind: '' };
        var li = el('li', { class: 'change' });
        li.appendChild(el('span', { class: 'what' }, c.what));
        var a = activatable(el('span', { class: 'link' }, n.kind.toLowerCase() + ' ' + ref(n)), n.id);
        li.appendChild(a);
        li.appendChild(status(n));
        var when = c.daysLate ? c.daysLate + (c.daysLate === 1 ? ' day' : ' days') + ' late' : (c.changed ? ago(c.changed) : '');
        if (when) li.appendChild(el('span', { class: 'muted' }, when));
        if (c.message) li.appendChild(el('span', { class: 'message' }, c.message));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    });
  }

  function ago(t) {
    var s = (new Date(model.generated).getTime() - new Date(t).getTime()) / 1000;
    if (s < 120) return Math.max(0, Math.round(s)) + 's ago';
    if (s < 7200) return Math.round(s / 60) + 'm ago';
    if (s < 172800) return Math.round(s / 3600) + 'h ago';
    return Math.round(s / 86400) + 'd ago';
  }

  var rows = new Map();
  function renderList() {
    var tb = document.querySelector('#initiatives tbody');
    var list = model.nodes.filter(function (n) { return n.kind === 'Initiative' && visible(n); });
    rows = keyed(tb, rows, list, function (n) { return n.id; }, function (n) {
      return JSON.stringify([n.title, n.status, n.health, n.glyph, n.track, n.owner, n.targetDate, n.priority, n.message]);
    }, row);
  }

  function row(n) {
    var tr = el('tr', { 'data-node': n.id, 'data-phase': n.status, class: 'h-' + n.health });
    var th = el('th', { scope: 'row' });
    th.appendChild(activatable(el('span', { class: 'link' }, ref(n)), n.id, 'initiative ' + ref(n) + ': ' + n.status));
    if (n.title) th.appendChild(el('div', { class: 'title' }, n.title));
    tr.appendChild(th);
    var td = el('td', { class: 'phase' });
    td.appendChild(status(n));
    tr.appendChild(td);
    tr.appendChild(el('td', null, n.track || ''));
    tr.appendChild(el('td', null, n.owner || '(no owner)'));
    tr.appendChild(el('td', null, n.targetDate || ''));
    tr.appendChild(el('td', null, n.priority || ''));
    tr.appendChild(el('td', { class: 'message' }, n.message || ''));
    return tr;
  }

  function renderDetail(focus) {
    var d = $('detail');
    clear(d);
    var n = state.sel && byId[state.sel];
    if (state.sel && !n && !model.complete) {
      // A link to something this board does not show: say whether it is hidden from this user or does not exist.
      var sel = state.sel;
      fetch('api/detail?id=' + encodeURIComponent(sel)).then(function (r) { return r.json(); }).then(function (detail) {
        if (state.sel !== sel || byId[sel] || !detail || !detail.missing) return;
        clear(d);
        d.hidden = false;
        d.appendChild(el('h2', null, sel));
        d.appendChild(el('p', { class: 'limited', 'data-missing': detail.missing }, detail.message));
      }, function () {});
    }
    if (!n) { d.hidden = true; return; }
    d.hidden = false;
    var close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close details' }, '×');
    close.addEventListener('click', function () { select(''); });
    d.appendChild(close);
    d.appendChild(el('h2', null, n.kind + ' ' + ref(n)));
    if (n.title) d.appendChild(el('p', { class: 'title' }, n.title));
    var dl = el('dl');
    function row(k, v) { if (v === undefined || v === null || v === '') return; dl.appendChild(el('dt', null, k)); var dd = el('dd'); if (v.nodeType) dd.appendChild(v); else dd.textContent = String(v); dl.appendChild(dd); }
    row('Status', status(n));
    row('Owner', n.owner || '(no owner)');
    row('Track', n.track);
    row('State', n.state);
    row('Lifecycle', n.lifecycle);
    row(n.kind === 'Capability' ? 'ETA' : 'Target date', n.targetDate);
    row('Priority', n.priority);
    row('Progress', n.progress !== undefined && n.progress !== null ? n.progress + '%' : '');
    row('At risk', n.atRisk);
    row('Summary', n.message);
    d.appendChild(dl);
    var box = el('div', { class: 'why-box' });
    var conds = el('div');
    d.appendChild(box);
    d.appendChild(conds);
    if (model.complete) {
      fillDetail(box, conds, n, { why: n.why, conditions: n.conditions });
    } else {
      // The live model leaves conditions and why chains out; ask for this node's (on selection and on each
      // change, never on a timer).
      if (n.hasWhy) box.appendChild(el('p', { class: 'muted' }, 'Explaining…'));
      var id = n.id;
      fetch('api/detail?id=' + encodeURIComponent(id)).then(function (r) { return r.json(); }).then(function (detail) {
        if (state.sel !== id || !box.isConnected) return;
        clear(box);
        fillDetail(box, conds, n, detail || {});
      }).catch(function () {
        if (box.isConnected) { clear(box); box.appendChild(el('p', { class: 'muted' }, 'Could not load the details.')); }
      });
    }
    var rel = model.edges.filter(function (e) { return e.from === n.id || e.to === n.id; });
    if (rel.length) {
      d.appendChild(el('h3', null, 'Related'));
      var ul2 = el('ul', { class: 'related' });
      rel.forEach(function (e) {
        var other = e.from === n.id ? e.to : e.from;
        var o = byId[other] || { id: other, name: other, kind: '', status: '', glyph: '?', health: 'unknown' };
        var li = el('li');
        var inverse = { requires: 'required by', 'depends on': 'needed by', provides: 'provided by', serves: 'served by', 'part of': 'contains' };
        li.appendChild(el('span', { class: 'muted' }, (e.from === n.id ? e.label : inverse[e.label] || e.label) + ' '));
        li.appendChild(activatable(el('span', { class: 'link' }, o.kind.toLowerCase() + ' ' + ref(o)), o.id));
        li.appendChild(status(o));
        ul2.appendChild(li);
      });
      d.appendChild(ul2);
    }
    if (focus) d.focus();
  }

  function fillDetail(box, conds, n, detail) {
    if (n.hasWhy) {
      if (detail.why) fillWhy(box, detail.why); else box.appendChild(el('p', { class: 'muted' }, 'No explanation available.'));
    }
    var cs = detail.conditions || [];
    if (!cs.length) return;
    conds.appendChild(el('h3', null, 'Conditions'));
    var t = el('table', { class: 'conditions' });
    var hr = el('tr');
    ['Type', 'Status', 'Reason', 'Message', 'Since'].forEach(function (h) { hr.appendChild(el('th', { scope: 'col' }, h)); });
    t.appendChild(hr);
    cs.forEach(function (c) {
      var tr = el('tr');
      [c.type, c.status, c.reason, c.message, c.lastTransitionTime].forEach(function (v) { tr.appendChild(el('td', null, v || '')); });
      t.appendChild(tr);
    });
    conds.appendChild(t);
  }

  function fillWhy(box, why) {
    box.appendChild(el('h3', null, 'Why it is not ready'));
    box.appendChild(whyTree(why.target));
    if (why.actions && why.actions.length) {
      box.appendChild(el('h3', null, 'Who must act'));
      var ul = el('ul', { class: 'actions' });
      why.actions.forEach(function (a) { ul.appendChild(el('li', null, a.owner + ': ' + a.subject + ' — ' + a.do)); });
      box.appendChild(ul);
    }
    if (why.note) box.appendChild(el('p', { class: 'limited' }, why.note));
  }

  function whyTree(node) {
    var ul = el('ul', { class: 'why' });
    (function add(list, n) {
      var li = el('li');
      var rel = n.relation ? n.relation + ' ' : '';
      var id = n.kind === 'Initiative' ? 'initiative/' + n.namespace + '/' + n.name : n.kind === 'Capability' ? 'capability/' + n.name : '';
      // An object the chain names but the snapshot lacks is either hidden from this user or really missing.
      var st = { NotVisible: 'not visible to you', NotFound: 'does not exist' }[n.status] || n.status;
      var label = rel + n.kind.toLowerCase() + ' ' + (n.namespace ? n.namespace + '/' : '') + n.name + ': ' + st + (n.reason && n.reason !== n.status ? ' (' + n.reason + ')' : '');
      if (id && byId[id]) li.appendChild(activatable(el('span', { class: 'link' }, label), id)); else li.appendChild(el('span', null, label));
      if (n.message) li.appendChild(el('div', { class: 'message' }, n.message));
      if (n.action) li.appendChild(el('div', { class: 'action' }, '→ ' + n.action.owner + ' must ' + n.action.do));
      if (n.repeated) li.appendChild(el('div', { class: 'muted' }, '(explained above)'));
      if (n.blockedBy && n.blockedBy.length) {
        var sub = el('ul', { class: 'why' });
        n.blockedBy.forEach(function (c) { add(sub, c); });
        li.appendChild(sub);
      }
      list.appendChild(li);
    })(ul, node);
    return ul;
  }

  // --- data: an exported snapshot carries it; the live board fetches it and then listens for changes ----------
  function setModel(m) {
    model = m;
    // The time each model takes to draw is on the page's performance timeline, for anyone measuring the board.
    var began = performance.now();
    render();
    performance.measure('board-render', { start: began });
    document.body.setAttribute('data-version', String((parseInt(document.body.getAttribute('data-version') || '0', 10)) + 1));
  }

  ['f-ns', 'f-owner', 'f-track', 'f-since'].forEach(function (id) {
    $(id).addEventListener('change', function (ev) {
      state[{ 'f-ns': 'ns', 'f-owner': 'owner', 'f-track': 'track', 'f-since': 'since' }[id]] = ev.target.value;
      writeHash();
      render();
    });
  });
  window.addEventListener('hashchange', function () { readHash(); render(); });
  readHash();

  var embedded = $('roadmap-data');
  var conn = $('conn');
  if (embedded) {
    conn.textContent = 'snapshot';
    conn.className = 'conn snapshot';
    setModel(JSON.parse(embedded.textContent));
    return;
  }
  // The event stream announces each version of the model; the page fetches the model when it is told of a
  // version newer than the one it has (a megabyte of JSON parses in milliseconds from a fetch, but takes the
  // better part of a second as an event-stream message). One fetch at a time: announcements during a fetch fold
  // into one more. Nothing is fetched unless the server announced a change: no polling.
  var have = null, announced = null, fetching = false;
  function fetchModel() {
    if (fetching || announced === null || (have !== null && announced <= have)) return;
    fetching = true;
    fetch('api/roadmap', { cache: 'no-store' }).then(function (r) {
      if (r.status === 401) signIn();
      if (!r.ok) throw new Error('HTTP ' + r.status);
      var version = Number(r.headers.get('X-Roadmap-Version'));
      return r.json().then(function (m) {
        have = version;
        setModel(m);
      });
    }).then(function () {
      fetching = false;
      fetchModel();
    }, function () {
      // The stream says when the server is back, and its next announcement fetches again.
      fetching = false;
    });
  }
  function connect() {
    var es = new EventSource('api/events');
    es.addEventListener('open', function () {
      // A restarted server counts its versions afresh: take whatever it announces first.
      have = null;
      conn.textContent = '● live';
      conn.className = 'conn live';
      document.body.setAttribute('data-connection', 'live');
    });
    es.addEventListener('roadmap', function (ev) {
      announced = JSON.parse(ev.data).version;
      fetchModel();
    });
    es.addEventListener('error', function () {
      // EventSource reconnects by itself; say so until it has.
      conn.textContent = '⚠ disconnected — reconnecting…';
      conn.className = 'conn disconnected';
      document.body.setAttribute('data-connection', 'disconnected');
      if (es.readyState !== EventSource.CLOSED) return;
      // A stream refused for good: a session that ended signs in again; anything else retries.
      fetch('api/roadmap', { method: 'HEAD', cache: 'no-store' }).then(function (r) {
        if (r.status === 401) signIn(); else setTimeout(connect, 2000);
      }, function () { setTimeout(connect, 2000); });
    });
  }
  function signIn() { window.location.assign('auth/login'); }
  // Who is signed in, when users sign in (the local board has no one to name).
  fetch('auth/me', { cache: 'no-store' }).then(function (r) { return r.status === 200 ? r.json() : null; }).then(function (me) {
    if (!me) return;
    $('who').textContent = 'Signed in as ' + me.name;
    $('signout').hidden = false;
  }, function () {});
  connect();
})();
