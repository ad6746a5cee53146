// sitrep serve page: map, timeline, filters, event panel.
// Article text, titles, names and notes are untrusted: they only ever reach the page through
// textContent / createTextNode, never innerHTML; links are made only for http(s) URLs.
'use strict';

(function () {
  const TYPES = {
    battles: 'Battles',
    explosions_remote_violence: 'Explosions / remote violence',
    violence_against_civilians: 'Violence against civilians',
    protests: 'Protests',
    riots: 'Riots',
    strategic_developments: 'Strategic developments',
  };
  // Okabe–Ito palette (the same values as style.css).
  const COLOURS = {
    battles: '#E69F00',
    explosions_remote_violence: '#D55E00',
    violence_against_civilians: '#CC79A7',
    protests: '#0072B2',
    riots: '#009E73',
    strategic_developments: '#56B4E9',
  };
  const POINT_PRECISIONS = new Set(['point', 'district', 'city']);
  const FILTER_FIELDS = ['type', 'country', 'actor', 'text', 'fatalities', 'from', 'to', 'contested'];
  const MAX_LISTED = 400;
  const DAY_MS = 86400000;

  const $ = (id) => document.getElementById(id);
  const state = {
    events: [],        // summaries matching the server-side filters
    brush: null,       // [startDay, endDay] as 'YYYY-MM-DD', client-side
    open: null,        // id of the event in the panel
    days: [],          // timeline days
  };
  let map = null;
  let clusters = null;
  let areaLayer = null;
  let countryLayer = null;
  let countryShapes = null;
  let lastFocus = null;

  // ---------- small DOM helpers (text only) ----------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else e.setAttribute(k, String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function safeHttpUrl(u) {
    if (typeof u !== 'string') return null;
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (_) { return null; }
  }
  function label(s) { return s ? String(s).replace(/_/g, ' ') : ''; }
  function showNotice(msg) { const n = $('notice'); n.textContent = msg; n.hidden = !msg; }

  // ---------- URL <-> filters ----------
  function readForm() {
    const f = {};
    for (const k of FILTER_FIELDS) {
      const input = $('f-' + k);
      if (!input) continue;
      const v = input.type === 'checkbox' ? (input.checked ? 'yes' : '') : input.value.trim();
      if (v) f[k] = v;
    }
    return f;
  }
  function writeForm(f) {
    for (const k of FILTER_FIELDS) {
      const input = $('f-' + k);
      if (!input) continue;
      if (input.type === 'checkbox') input.checked = f[k] === 'yes';
      else input.value = f[k] || '';
    }
  }
  function pageParams() {
    const p = new URLSearchParams();
    const f = readForm();
    for (const k of FILTER_FIELDS) if (f[k]) p.set(k, f[k]);
    if (state.brush) p.set('brush', state.brush[0] + '..' + state.brush[1]);
    if (state.open) p.set('event', state.open);
    return p;
  }
  function syncUrl() {
    const q = pageParams().toString();
    const url = q ? '/?' + q : '/';
    history.replaceState(null, '', url);
    $('share').setAttribute('href', url);
    updateDownloads();
  }
  function apiFilterParams() {
    const p = new URLSearchParams();
    const f = readForm();
    for (const k of FILTER_FIELDS) if (f[k]) p.set(k, f[k]);
    return p;
  }
  function updateDownloads() {
    const p = apiFilterParams();
    if (state.brush) {
      // The brushed days narrow whatever From/To already allow.
      const from = p.get('from'), to = p.get('to');
      p.set('from', from && from > state.brush[0] ? from : state.brush[0]);
      p.set('to', to && to < state.brush[1] ? to : state.brush[1]);
    }
    p.set('limit', '10000');
    for (const [id, fmt] of [['dl-csv', 'csv'], ['dl-geojson', 'geojson']]) {
      p.set('format', fmt);
      $(id).setAttribute('href', '/api/events?' + p.toString());
    }
  }

  // ---------- data ----------
  async function getJson(url) {
    const res = await fetch(url, { headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await res.json(); } catch (_) { body = null; }
    if (!res.ok) {
      const e = body && body.error;
      const msg = e ? e.message + (e.hint ? ' — ' + e.hint : '') : 'HTTP ' + res.status;
      throw new Error(msg);
    }
    return body;
  }

  async function loadEvents() {
    const p = apiFilterParams();
    p.set('view', 'summary');
    p.set('limit', '10000');
    const all = [];
    let cursor = null;
    $('filter-error').hidden = true;
    try {
      do {
        if (cursor) p.set('cursor', cursor);
        const page = await getJson('/api/events?' + p.toString());
        all.push(...page.events);
        cursor = page.next_cursor;
      } while (cursor && all.length < 200000);
    } catch (err) {
      $('filter-error').textContent = 'The filter could not be applied: ' + err.message;
      $('filter-error').hidden = false;
    }
    state.events = all;
    buildTimeline();
    render();
  }

  async function loadCoverage() {
    try {
      const [cov, stats] = await Promise.all([getJson('/api/coverage'), getJson('/api/stats')]);
      const s = stats.stats;
      $('coverage').textContent = s.events + ' events from ' + s.documents + ' documents. ' + cov.note;
      if (!stats.map_assets_installed) {
        showNotice('The map libraries were not installed when this sitrep was built: run scripts/setup-web.sh, then rebuild. Events are listed below.');
      }
    } catch (err) {
      $('coverage').textContent = 'Coverage unknown: ' + err.message;
    }
  }

  // ---------- selection ----------
  function inBrush(e) {
    if (!state.brush) return true;
    const start = e.date_start, end = e.date_end || e.date_start;
    if (!start) return false;
    return start <= state.brush[1] && end >= state.brush[0];
  }
  function selected() { return state.events.filter(inBrush); }
  function isPoint(e) { return e.lat !== null && e.lon !== null && POINT_PRECISIONS.has(e.precision); }
  function isRegion(e) { return e.lat !== null && e.lon !== null && e.precision === 'region'; }

  function eventLine(e) {
    const parts = [e.date_start || 'undated', TYPES[e.event_type] || label(e.event_type)];
    const place = [e.place, e.admin1, e.country].filter(Boolean).join(', ');
    if (place) parts.push(place + (e.precision ? ' (' + e.precision + ')' : ''));
    if (e.fatalities) parts.push(e.fatalities + ' killed');
    if (e.contested) parts.push('contested');
    return parts.join(' · ');
  }

  function listItem(e) {
    const b = el('button', { type: 'button', 'data-event-id': e.id },
      el('span', { class: 'swatch t-' + e.event_type, 'aria-hidden': 'true' }), ' ', eventLine(e));
    b.addEventListener('click', () => openEvent(e.id, b));
    return el('li', null, b);
  }

  function render() {
    const sel = selected();
    $('count').textContent = String(sel.length);
    const list = $('events-list'), areas = $('area-list');
    clear(list); clear(areas);
    let listed = 0;
    for (const e of sel) {
      if (isPoint(e)) {
        if (listed < MAX_LISTED) list.appendChild(listItem(e));
        listed += 1;
      } else {
        areas.appendChild(listItem(e));
      }
    }
    if (listed > MAX_LISTED) list.appendChild(el('li', { text: '… and ' + (listed - MAX_LISTED) + ' more: narrow the filters or the days.' }));
    drawMap(sel);
    drawBars();
    syncUrl();
  }

  // ---------- map ----------
  function initMap() {
    if (!window.L) return;
    map = L.map('map', { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5 }).setView([20, 20], 2);
    map.attributionControl.setPrefix(false);
    // Country shapes get a pane of their own under the markers' (overlayPane, z-index 400), so a
    // shape loaded after the markers can never cover them.
    map.createPane('countries');
    map.getPane('countries').style.zIndex = '350';
    map.attributionControl.addAttribution('Natural Earth · Leaflet');
    clusters = L.markerClusterGroup
      ? L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true, chunkedLoading: true })
      : L.layerGroup();
    areaLayer = L.layerGroup();
    map.addLayer(areaLayer);
    map.addLayer(clusters);
    drawLegend();
  }

  async function loadCountries() {
    if (!window.L || !window.topojson) return;
    try {
      const topo = await getJson('/vendor/countries-110m.json');
      countryShapes = topojson.feature(topo, topo.objects.countries);
      countryLayer = L.geoJSON(countryShapes, {
        style: () => ({ color: '#8a8a84', weight: 0.6, fillColor: '#f4f3ee', fillOpacity: 1 }),
        interactive: true,
        pane: 'countries',
      }).addTo(map);
      drawMap(selected());
    } catch (err) {
      showNotice('Country shapes could not be loaded: ' + err.message);
    }
  }

  function radius(f) { return 5 + Math.min(18, 2.2 * Math.sqrt(f || 0)); }

  function markMarker(layer, e, kind) {
    layer.on('add', () => {
      const node = layer.getElement && layer.getElement();
      if (!node) return;
      node.setAttribute('data-event-id', e.id);
      node.setAttribute('data-kind', kind);
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
      node.setAttribute('aria-label', eventLine(e));
      node.classList.add('event-marker');
      node.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); openEvent(e.id, node); }
      });
    });
    layer.on('click', () => openEvent(e.id, layer.getElement && layer.getElement()));
    layer.bindTooltip(eventLine(e));
  }

  function drawMap(sel) {
    if (!map) return;
    clusters.clearLayers();
    areaLayer.clearLayers();
    const markers = [];
    const perCountry = new Map();
    const bounds = [];
    for (const e of sel) {
      const colour = COLOURS[e.event_type] || '#777';
      if (isPoint(e)) {
        const m = L.circleMarker([e.lat, e.lon], {
          radius: radius(e.fatalities), color: '#1b1b1b', weight: 1, fillColor: colour, fillOpacity: 0.9,
        });
        markMarker(m, e, 'point');
        markers.push(m);
        bounds.push([e.lat, e.lon]);
      } else if (isRegion(e)) {
        // A region is an area: a dashed circle about a region's size, never a pin.
        const c = L.circle([e.lat, e.lon], { radius: 120000, color: colour, weight: 2, dashArray: '5 4', fillColor: colour, fillOpacity: 0.15 });
        markMarker(c, e, 'region');
        areaLayer.addLayer(c);
        bounds.push([e.lat, e.lon]);
      } else if (e.country_numeric) {
        perCountry.set(e.country_numeric, (perCountry.get(e.country_numeric) || 0) + 1);
      }
    }
    if (clusters.addLayers) clusters.addLayers(markers); else markers.forEach((m) => clusters.addLayer(m));
    if (countryLayer) {
      countryLayer.eachLayer((layer) => {
        const id = Number(layer.feature.id);
        const n = perCountry.get(id) || 0;
        layer.setStyle(n ? { fillColor: '#9a9a9a', fillOpacity: 0.55 } : { fillColor: '#f4f3ee', fillOpacity: 1 });
        layer.unbindTooltip();
        if (n) layer.bindTooltip(n + ' country-level event' + (n > 1 ? 's' : '') + ' (listed below the map)');
      });
    }
    if (bounds.length && !state.fitted) {
      state.fitted = true;
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 7 });
    }
  }

  function drawLegend() {
    const lg = $('legend');
    clear(lg);
    for (const [k, name] of Object.entries(TYPES)) {
      lg.appendChild(el('span', { class: 'item' }, el('span', { class: 'swatch t-' + k, 'aria-hidden': 'true' }), name));
    }
    lg.appendChild(el('span', { class: 'item' }, el('span', { class: 'swatch area', 'aria-hidden': 'true' }), 'dashed: region-level'));
    lg.appendChild(el('span', { class: 'item', text: 'grey country: country-level events · size: killed' }));
  }

  // ---------- timeline ----------
  function dayIndex(d) { return Math.round((Date.parse(d + 'T00:00:00Z') - Date.parse(state.days[0] + 'T00:00:00Z')) / DAY_MS); }
  function dayAt(i) { return new Date(Date.parse(state.days[0] + 'T00:00:00Z') + i * DAY_MS).toISOString().slice(0, 10); }

  function buildTimeline() {
    const dated = state.events.filter((e) => e.date_start).map((e) => e.date_start).sort();
    state.days = [];
    state.counts = [];
    if (!dated.length) return;
    const first = dated[0], last = dated[dated.length - 1];
    const n = Math.round((Date.parse(last) - Date.parse(first)) / DAY_MS) + 1;
    state.days = [first];
    for (let i = 1; i < n; i++) state.days.push(dayAt(i));
    state.counts = new Array(n).fill(0);
    for (const d of dated) state.counts[dayIndex(d)] += 1;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  function drawBars() {
    const t = $('timeline');
    clear(t);
    const w = t.clientWidth || 800, h = 90, pad = 14;
    t.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    t.setAttribute('aria-valuemin', '0');
    t.setAttribute('aria-valuemax', String(Math.max(0, state.days.length - 1)));
    const n = state.days.length;
    if (!n) { $('brush-label').textContent = 'No dated events.'; return; }
    const max = Math.max(...state.counts);
    const bw = w / n;
    for (let i = 0; i < n; i++) {
      if (!state.counts[i]) continue;
      const bh = Math.max(2, (h - pad - 4) * state.counts[i] / max);
      const d = state.days[i];
      const out = state.brush && (d < state.brush[0] || d > state.brush[1]);
      const r = svg('rect', { x: i * bw + bw * 0.1, y: h - pad - bh, width: Math.max(1, bw * 0.8), height: bh, class: out ? 'bar out' : 'bar', 'data-day': d });
      const title = svg('title');
      title.textContent = d + ': ' + state.counts[i] + ' events';
      r.appendChild(title);
      t.appendChild(r);
    }
    const a0 = svg('text', { x: 2, y: h - 2, class: 'axis' }); a0.textContent = state.days[0]; t.appendChild(a0);
    const a1 = svg('text', { x: w - 2, y: h - 2, class: 'axis', 'text-anchor': 'end' }); a1.textContent = state.days[n - 1]; t.appendChild(a1);
    if (state.brush) {
      const i0 = Math.max(0, dayIndex(state.brush[0])), i1 = Math.min(n - 1, dayIndex(state.brush[1]));
      t.appendChild(svg('rect', { x: i0 * bw, y: 0, width: Math.max(2, (i1 - i0 + 1) * bw), height: h - pad, class: 'brush' }));
      const text = 'Showing ' + state.brush[0] + ' to ' + state.brush[1] + ' (' + selected().length + ' events). Esc or a click clears it.';
      $('brush-label').textContent = text;
      t.setAttribute('aria-valuenow', String(i0));
      t.setAttribute('aria-valuetext', state.brush[0] + ' to ' + state.brush[1]);
    } else {
      $('brush-label').textContent = 'Showing all ' + n + ' days.';
      t.setAttribute('aria-valuenow', '0');
      t.setAttribute('aria-valuetext', 'all days');
    }
  }

  function setBrush(b) {
    state.brush = b;
    render();
  }

  function initBrush() {
    const t = $('timeline');
    let start = null;
    let moved = false;
    const idxAt = (ev) => {
      const r = t.getBoundingClientRect();
      const n = state.days.length;
      return Math.max(0, Math.min(n - 1, Math.floor((ev.clientX - r.left) / r.width * n)));
    };
    t.addEventListener('pointerdown', (ev) => {
      if (!state.days.length) return;
      start = idxAt(ev);
      moved = false;
      t.setPointerCapture(ev.pointerId);
    });
    t.addEventListener('pointermove', (ev) => {
      if (start === null) return;
      const i = idxAt(ev);
      if (i !== start) moved = true;
      state.brush = [dayAt(Math.min(start, i)), dayAt(Math.max(start, i))];
      drawBars();
    });
    t.addEventListener('pointerup', (ev) => {
      if (start === null) return;
      const i = idxAt(ev);
      // A click without a drag clears the selection.
      setBrush(i === start && !moved ? null : [dayAt(Math.min(start, i)), dayAt(Math.max(start, i))]);
      start = null;
    });
    t.addEventListener('keydown', (ev) => {
      const n = state.days.length;
      if (!n) return;
      let [i0, i1] = state.brush ? [dayIndex(state.brush[0]), dayIndex(state.brush[1])] : [n - 1, n - 1];
      if (ev.key === 'Escape') { setBrush(null); ev.preventDefault(); return; }
      if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
      ev.preventDefault();
      const step = ev.key === 'ArrowLeft' ? -1 : 1;
      if (!state.brush) { setBrush([dayAt(i0), dayAt(i1)]); return; }
      if (ev.shiftKey) i1 = Math.max(i0, Math.min(n - 1, i1 + step));
      else if (i0 + step >= 0 && i1 + step < n) { i0 += step; i1 += step; }
      setBrush([dayAt(i0), dayAt(i1)]);
    });
    window.addEventListener('resize', drawBars);
  }

  // ---------- the event panel ----------
  function dd(dl, term, ...value) {
    dl.appendChild(el('dt', { text: term }));
    dl.appendChild(el('dd', null, ...value));
  }
  function count(c) {
    if (!c) return 'not reported';
    const parts = [];
    if (c.low !== null && c.low !== undefined && c.high !== null && c.high !== undefined && c.low !== c.high) parts.push(c.low + '–' + c.high);
    if (c.best !== null && c.best !== undefined) parts.push((parts.length ? 'best ' : '') + c.best);
    else if (c.low !== null && c.low !== undefined) parts.push('at least ' + c.low);
    let s = parts.join(', ') || 'unknown';
    if (c.text) s += ' (“' + c.text + '”)';
    return s;
  }
  function actor(a) { return a ? a.name + (a.kind ? ' (' + label(a.kind) + ')' : '') : null; }

  // The article with its evidence spans as <mark>s and removed ranges struck through; offsets
  // are the API's UTF-16 twins, so JavaScript's string indexing lands on the same characters.
  function articleNode(doc, evidence) {
    const text = doc.text;
    const spans = evidence
      .filter((s) => s.start_utf16 !== null && s.end_utf16 !== null && s.end_utf16 > s.start_utf16)
      .map((s) => ({ a: s.start_utf16, b: s.end_utf16, start: s.start, end: s.end }))
      .sort((x, y) => x.a - y.a);
    const merged = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s.a <= last.b) {
        if (s.b > last.b) { last.b = s.b; last.end = s.end; }
      } else merged.push({ ...s });
    }
    const removed = (doc.removed || []).map((r) => [r.start_utf16, r.end_utf16]).filter((r) => r[0] !== null && r[1] !== null);
    const box = el('div', { class: 'article', tabindex: '0', 'aria-label': 'Article text; evidence highlighted' });
    const plain = (a, b) => {
      // Plain text between evidence spans, with removed (boilerplate) parts marked.
      let pos = a;
      const cuts = removed.filter((r) => r[1] > a && r[0] < b).sort((x, y) => x[0] - y[0]);
      for (const [ra, rb] of cuts) {
        const s = Math.max(a, ra), e = Math.min(b, rb);
        if (s > pos) box.appendChild(document.createTextNode(text.slice(pos, s)));
        if (e > s) box.appendChild(el('span', { class: 'removed', title: 'boilerplate, not read', text: text.slice(s, e) }));
        pos = Math.max(pos, e);
      }
      if (b > pos) box.appendChild(document.createTextNode(text.slice(pos, b)));
    };
    let pos = 0;
    for (const s of merged) {
      plain(pos, s.a);
      box.appendChild(el('mark', { class: 'evidence', 'data-start': s.start, 'data-end': s.end, text: text.slice(s.a, s.b) }));
      pos = s.b;
    }
    plain(pos, text.length);
    return box;
  }

  async function showArticle(src, holder, button) {
    if (button) button.disabled = true;
    try {
      const doc = await getJson('/api/documents/' + encodeURIComponent(src.document));
      clear(holder);
      holder.appendChild(articleNode(doc, src.evidence || []));
      if (button) button.remove();
    } catch (err) {
      holder.textContent = 'The article could not be loaded: ' + err.message;
      if (button) button.disabled = false;
    }
  }

  function sourceNode(src, i) {
    const box = el('section', { class: 'source', 'data-document': src.document });
    const outlet = src.outlet || 'unknown outlet';
    box.appendChild(el('h3', null, 'Source ' + (i + 1) + ': ' + outlet + (src.published ? ', ' + src.published : '')));
    if (src.title) box.appendChild(el('p', { class: 'title' }, el('strong', { text: src.title })));
    const dl = el('dl');
    const href = safeHttpUrl(src.url);
    if (href) dd(dl, 'Link', el('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank', text: href }));
    else if (src.url) dd(dl, 'Link', String(src.url) + ' (not an http link; not linked)');
    dd(dl, 'Counted', src.independent ? 'independent report' : 'syndicated copy (counted once)');
    if (src.reason) dd(dl, 'Joined because', src.reason);
    dd(dl, 'Killed, per this source', count(src.fatalities));
    box.appendChild(dl);
    if (src.claims && src.claims.length) {
      box.appendChild(el('p', { text: 'Claims:' }));
      const ul = el('ul', { class: 'claims' });
      for (const c of src.claims) {
        ul.appendChild(el('li', null, el('strong', { text: c.source || 'the outlet' }),
          el('span', { class: 'stance ' + (c.stance || ''), text: c.stance || '' }), ' ',
          el('q', { text: c.text || '' })));
      }
      box.appendChild(ul);
    }
    const holder = el('div', { class: 'article-holder' });
    box.appendChild(holder);
    if (src.document !== null && src.document !== undefined) {
      if (i < 3) showArticle(src, holder, null);
      else {
        const b = el('button', { type: 'button', text: 'Show the article with the evidence' });
        b.addEventListener('click', () => showArticle(src, holder, b));
        box.appendChild(b);
      }
    }
    return box;
  }

  async function openEvent(id, from) {
    lastFocus = from || document.activeElement;
    state.open = id;
    syncUrl();
    const panel = $('panel'), body = $('panel-body');
    panel.hidden = false;
    $('panel-title').textContent = 'Loading ' + id + '…';
    clear(body);
    let detail;
    try {
      detail = await getJson('/api/events/' + encodeURIComponent(id));
    } catch (err) {
      $('panel-title').textContent = id;
      body.textContent = 'This event could not be loaded: ' + err.message;
      return;
    }
    if (state.open !== id) return;
    const e = detail.event;
    $('panel-title').textContent = (TYPES[e.event_type] || label(e.event_type)) + ': ' + label(e.sub_event_type);
    const dl = el('dl');
    dd(dl, 'Event', e.id + (e.version ? ' (version ' + e.version + ')' : ''));
    const d = e.date || {};
    dd(dl, 'Date', (d.start || 'unknown') + (d.end && d.end !== d.start ? ' to ' + d.end : '') + ' (precision: ' + (d.precision || 'unknown') + ')' + (d.text ? ' — “' + d.text + '”' : ''));
    const l = e.location;
    if (l) dd(dl, 'Place', [l.name, l.place && l.place !== l.name ? l.place : null, l.admin1, l.country].filter(Boolean).join(', ') + ' (precision: ' + (l.precision || 'unknown') + ')');
    else dd(dl, 'Place', 'not known');
    dd(dl, 'Actor 1', actor(e.actor1) || 'not named');
    if (e.actor2) dd(dl, 'Actor 2', actor(e.actor2));
    dd(dl, 'Killed (merged)', count(e.fatalities));
    if (e.contested) dd(dl, 'Contested', el('span', { class: 'contested', text: 'yes: sources deny, dispute or disagree on figures' }));
    if (typeof e.confidence === 'number') dd(dl, 'Confidence', e.confidence.toFixed(2));
    if (e.notes) dd(dl, 'Notes', e.notes);
    dd(dl, 'Sources', String(detail.sources.length));
    body.appendChild(dl);
    detail.sources.forEach((s, i) => body.appendChild(sourceNode(s, i)));
    panel.focus();
  }

  function closePanel() {
    $('panel').hidden = true;
    state.open = null;
    syncUrl();
    if (lastFocus && document.body.contains(lastFocus)) lastFocus.focus();
  }

  // ---------- start ----------
  function fromUrl() {
    const p = new URLSearchParams(location.search);
    const f = {};
    for (const k of FILTER_FIELDS) if (p.get(k)) f[k] = p.get(k);
    writeForm(f);
    const b = p.get('brush');
    const m = b && /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(b);
    state.brush = m ? [m[1], m[2]] : null;
    return p.get('event');
  }

  async function start() {
    if (!window.L) showNotice('The map libraries were not installed when this sitrep was built: run scripts/setup-web.sh, then rebuild. Events are listed below.');
    const openId = fromUrl();
    initMap();
    initBrush();
    $('filters').addEventListener('submit', (ev) => { ev.preventDefault(); state.brush = null; state.fitted = false; loadEvents(); });
    $('reset').addEventListener('click', () => { writeForm({}); state.brush = null; state.fitted = false; loadEvents(); });
    $('panel-close').addEventListener('click', closePanel);
    document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && !$('panel').hidden && ev.target.id !== 'timeline') closePanel(); });
    loadCoverage();
    const countries = loadCountries();
    await loadEvents();
    await countries;
    if (openId) openEvent(openId, null);
    document.body.setAttribute('data-ready', 'true');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
