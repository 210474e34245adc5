// zabsim report viewer. Reads the model from the JSON data element #zabsim-data and
// draws only the visible time window of the space-time diagram, so a 50,000-event trace stays
// responsive. All trace text reaches the DOM through textContent or setAttribute, never innerHTML.
// A studio page calls it again (window.__zabsimViewer) with the whole model once a long run that
// it painted early has been simulated to its end, on a fresh copy of the viewer's section, with
// the cursor and the scroll position to keep (`start`).
(window.__zabsimViewer = function (given, start) {
  'use strict';
  var started = performance.now();
  // A studio page computes the model in the page (window.__zabsimModel); a report embeds it.
  var D = given || window.__zabsimModel || JSON.parse(document.getElementById('zabsim-data').textContent);
  // False once a later call has replaced this one: its handlers on the window then do nothing.
  var alive = true;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var S = D.strings;
  var lanes = D.lanes;
  var M = D.m;
  var E = D.e;
  var nM = M.f.length;
  var nE = E.n.length;
  var laneOf = new Map();
  lanes.forEach(function (l, i) {
    laneOf.set(l.id, i);
  });
  var GUTTER = 84;
  var TOP = 24;
  var OVERSCAN = 300;
  var MAX_ELEMENTS = 7000;
  var LABEL_MSGS = 160;
  var LABEL_EVENTS = 140;

  var FAMILY = {
    NOTIFICATION: 'election',
    VOTE: 'election',
    FOLLOWERINFO: 'sync',
    OBSERVERINFO: 'sync',
    LEADERINFO: 'sync',
    ACKEPOCH: 'sync',
    NEWLEADER: 'sync',
    UPTODATE: 'sync',
    DIFF: 'sync',
    TRUNC: 'sync',
    SNAP: 'sync',
    PROPOSAL: 'broadcast',
    ACK: 'broadcast',
    COMMIT: 'broadcast',
    INFORM: 'broadcast',
    REQUEST: 'broadcast',
    COMMITANDACTIVATE: 'broadcast',
    INFORMANDACTIVATE: 'broadcast',
    PING: 'heartbeat',
  };
  function family(type) {
    if (FAMILY[type] !== undefined) return FAMILY[type];
    if (type.indexOf('CLIENT') === 0 || type === 'APP_OP') return 'client';
    return 'other';
  }
  var typeFam = D.types.map(family);
  var isHb = typeFam.map(function (f) {
    return f === 'heartbeat';
  });
  var DEFAULT_CATS = {
    note: true,
    role: true,
    propose: true,
    commit: true,
    sync: true,
    truncate: true,
    anomaly: true,
    fault: true,
    invoke: true,
    complete: true,
    assertion: true,
    observe: true,
  };
  var catName = D.cats;

  var ui = {
    laneOn: lanes.map(function () {
      return true;
    }),
    typeOn: D.types.map(function (_, i) {
      return !isHb[i];
    }),
    hb: 'collapsed',
    catOn: catName.map(function (c) {
      return DEFAULT_CATS[c] === true;
    }),
    axis: 'elastic',
    zoom: 1,
    slice: false,
    vi: 0,
    // The studio starts at the beginning, to be played; a report opens at the violation or the end.
    moment: start ? start.moment : window.__zabsimStudio ? 0 : D.violations.length > 0 ? D.violations[0].at : D.tEnd,
    sel: null,
  };

  // ---- DOM helpers: text only ever goes through textContent / setAttribute ----
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, String(attrs[k]));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function sv(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, String(attrs[k]));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function secs(t) {
    return (t / 1e6).toFixed(3) + 's';
  }
  function secsFine(t) {
    return (t / 1e6).toFixed(6) + 's';
  }
  function zxid(z) {
    return z < 0 ? '-' : Math.floor(z / 4294967296) + ':' + (z % 4294967296);
  }
  function lbl(id) {
    var i = laneOf.get(id);
    return i === undefined ? 'n' + id : lanes[i].label;
  }
  function clip(text, n) {
    return text.length > n ? text.slice(0, n - 1) + '\u2026' : text;
  }
  function upper(arr, x) {
    var lo = 0,
      hi = arr.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (arr[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  function lower(arr, x) {
    var lo = 0,
      hi = arr.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (arr[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // The latest end (delivery or drop) among messages 0..i: monotone, so the first message that can
  // reach into a window is found by binary search.
  var prefixEnd = new Float64Array(nM);
  (function () {
    var m = -Infinity;
    for (var i = 0; i < nM; i++) {
      var end = M.r[i] > M.s[i] ? M.r[i] : M.s[i];
      if (end > m) m = end;
      prefixEnd[i] = m;
    }
  })();

  var scroller = document.getElementById('scroller');
  var spacer = document.getElementById('spacer');
  var svg = document.getElementById('diagram');
  var head = document.getElementById('lane-head');
  var tooltip = document.getElementById('tooltip');

  // ---- visibility ----
  function frontier() {
    return ui.slice && D.violations.length > 0 ? D.violations[ui.vi].frontier : null;
  }
  /** 0 hidden, 1 arrow, 2 collapsed heartbeat tick on the sender. */
  function msgMode(i, fr) {
    var a = laneOf.get(M.f[i]),
      b = laneOf.get(M.to[i]);
    if (!ui.laneOn[a] || !ui.laneOn[b]) return 0;
    var ty = M.ty[i];
    var mode = 1;
    if (isHb[ty]) {
      if (ui.hb === 'hidden') return 0;
      if (ui.hb === 'collapsed') mode = 2;
    } else if (!ui.typeOn[ty]) return 0;
    if (fr !== null) {
      if (M.k[i] === 0) {
        if (M.r[i] > fr[b]) return 0;
      } else if (M.s[i] > fr[a]) return 0;
    }
    return mode;
  }
  function evVisible(j, fr) {
    var l = laneOf.get(E.n[j]);
    if (!ui.laneOn[l] || !ui.catOn[E.c[j]]) return false;
    return fr === null || E.t[j] <= fr[l];
  }

  // ---- layout: lane x positions, and the time axis (elastic or linear) ----
  var laneX = [];
  var laneW = 120;
  var width = 800;
  function layout() {
    var shown = [];
    lanes.forEach(function (_, i) {
      if (ui.laneOn[i]) shown.push(i);
    });
    var avail = Math.max(300, scroller.clientWidth - GUTTER - 16 - NARR_W);
    laneW = Math.max(84, Math.floor(avail / Math.max(1, shown.length)));
    laneX = lanes.map(function () {
      return -1;
    });
    shown.forEach(function (i, k) {
      laneX[i] = GUTTER + k * laneW + Math.floor(laneW / 2);
    });
    width = GUTTER + shown.length * laneW + 16;
    head.replaceChildren();
    shown.forEach(function (i) {
      var lane = lanes[i];
      var d = el('div', { class: 'lh ' + lane.kind, 'data-lane': i });
      d.style.left = laneX[i] - Math.floor(laneW / 2) + 'px';
      d.style.width = laneW + 'px';
      d.appendChild(el('b', null, lane.label));
      if (lane.kind === 'observer') d.appendChild(document.createTextNode(' (observer)'));
      if (lane.kind === 'client') d.appendChild(document.createTextNode(' (client)'));
      d.appendChild(el('span', { class: 'st' }, ''));
      head.appendChild(d);
    });
  }

  var keyT = new Float64Array([0, 1]);
  var keyY = new Float64Array([TOP, TOP + 1]);
  var gapAt = [];
  var totalH = 600;
  function buildAxis() {
    var fr = frontier();
    var z = ui.zoom;
    if (ui.axis === 'linear') {
      var px = 0.002 * z;
      keyT = new Float64Array([0, Math.max(1, D.tEnd)]);
      keyY = new Float64Array([TOP, TOP + Math.max(1, D.tEnd) * px]);
      gapAt = [];
    } else {
      var ts = [];
      ts.push(0, D.tEnd);
      for (var i = 0; i < nM; i++) {
        var mode = msgMode(i, fr);
        if (mode === 0) continue;
        ts.push(M.s[i]);
        if (mode === 1) ts.push(M.r[i]);
      }
      for (var j = 0; j < nE; j++) if (evVisible(j, fr)) ts.push(E.t[j]);
      D.roles.forEach(function (bands, l) {
        if (ui.laneOn[l])
          bands.forEach(function (b) {
            ts.push(b[0]);
          });
      });
      D.down.forEach(function (bands, l) {
        if (ui.laneOn[l])
          bands.forEach(function (b) {
            ts.push(b[0], b[1]);
          });
      });
      D.net.forEach(function (b) {
        ts.push(b[0], b[1]);
      });
      D.violations.forEach(function (v) {
        ts.push(v.at);
      });
      D.narration.forEach(function (n) {
        ts.push(n.t);
      });
      var all = Float64Array.from(ts).sort();
      var uniq = [];
      for (var k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) uniq.push(all[k]);
      var minStep = 13 * z,
        maxStep = 64 * z,
        pxPerUs = 0.02 * z;
      keyT = Float64Array.from(uniq);
      keyY = new Float64Array(uniq.length);
      gapAt = [];
      var y = TOP;
      for (var q = 0; q < uniq.length; q++) {
        if (q > 0) {
          var dt = uniq[q] - uniq[q - 1];
          var dy = dt * pxPerUs;
          if (dy > maxStep) {
            dy = maxStep;
            gapAt.push(q);
          }
          if (dy < minStep) dy = minStep;
          y += dy;
        }
        keyY[q] = y;
      }
    }
    totalH = keyY[keyY.length - 1] + 80;
    reserveNarration();
    spacer.style.height = totalH + 'px';
    spacer.style.width = width + NARR_W + 'px';
  }
  function yOf(t) {
    var n = keyT.length;
    var i = upper(keyT, t) - 1;
    if (i < 0) return keyY[0];
    if (i >= n - 1) return keyY[n - 1];
    var t0 = keyT[i],
      t1 = keyT[i + 1];
    return keyY[i] + ((t - t0) / (t1 - t0)) * (keyY[i + 1] - keyY[i]);
  }
  function tOf(y) {
    var n = keyY.length;
    var i = upper(keyY, y) - 1;
    if (i < 0) return keyT[0];
    if (i >= n - 1) return keyT[n - 1];
    var y0 = keyY[i],
      y1 = keyY[i + 1];
    return keyT[i] + ((y - y0) / (y1 - y0)) * (keyT[i + 1] - keyT[i]);
  }

  // ---- narration: each narrated step in a column beside the diagram, level with its moment ----
  // The elastic axis makes room for each box before the next narrated moment, so boxes never
  // overlap and each stays beside the events it tells about; on the linear axis they stack.
  var NARR_W = D.narration.length > 0 ? 290 : 0;
  var narrLayer = document.getElementById('narr-layer');
  var narrBoxes = D.narration.map(function (n, k) {
    var d = el('div', { class: 'narr', 'data-t': n.t, 'data-narr': k });
    d.appendChild(el('b', null, n.label));
    d.appendChild(el('span', { class: 'when' }, secs(n.t)));
    d.appendChild(el('p', null, n.text));
    narrLayer.appendChild(d);
    return d;
  });
  var narrH = [];
  var narrTop = [];
  function measureNarration() {
    narrBoxes.forEach(function (d) {
      d.style.width = NARR_W - 24 + 'px';
    });
    narrH = narrBoxes.map(function (d) {
      return d.offsetHeight;
    });
  }
  function reserveNarration() {
    if (narrBoxes.length === 0) return;
    if (ui.axis !== 'linear') {
      var need = new Map();
      D.narration.forEach(function (n, k) {
        var q = lower(keyT, n.t);
        need.set(q, (need.get(q) || 0) + narrH[k] + 6);
      });
      var shift = 0,
        floorY = -Infinity;
      for (var q = 0; q < keyY.length; q++) {
        keyY[q] += shift;
        var h = need.get(q);
        if (h === undefined) continue;
        if (keyY[q] - 7 < floorY) {
          shift += floorY - (keyY[q] - 7);
          keyY[q] = floorY + 7;
        }
        floorY = keyY[q] - 7 + h;
      }
    }
    var bottom = -Infinity;
    narrBoxes.forEach(function (d, k) {
      var top = Math.max(yOf(D.narration[k].t) - 7, bottom);
      narrTop[k] = top;
      d.style.top = top + 'px';
      d.style.left = width + 12 + 'px';
      bottom = top + narrH[k] + 6;
    });
    totalH = Math.max(keyY[keyY.length - 1] + 80, bottom + 40);
  }
  narrLayer.addEventListener('click', function (ev) {
    var box = ev.target.closest('[data-narr]');
    if (box) setMoment(Number(box.getAttribute('data-t')), false);
  });

  // ---- state at a moment ----
  function stateAt(l, t) {
    var s = D.state[l];
    var i = upper(s.t, t) - 1;
    if (i < 0) return null;
    return {
      up: s.up[i],
      role: S[s.role[i]],
      phase: S[s.phase[i]],
      epoch: s.epoch[i],
      leader: s.leader[i],
      cz: s.cz[i],
      ci: s.ci[i],
      lz: s.lz[i],
      li: s.li[i],
    };
  }

  // ---- drawing ----
  var defs = sv('defs', {});
  (function () {
    ['election', 'sync', 'broadcast', 'client', 'heartbeat', 'other'].forEach(function (f) {
      var m = sv('marker', { id: 'arrow-' + f, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      m.appendChild(sv('path', { d: 'M0 0L10 5L0 10z', class: 'fam-' + f, style: 'fill: context-stroke; stroke: none' }));
      defs.appendChild(m);
    });
    var h1 = sv('pattern', { id: 'hatch-down', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
    h1.appendChild(sv('rect', { width: 6, height: 6, fill: '#d9d9d9' }));
    h1.appendChild(sv('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#6b6b6b', 'stroke-width': 2.5 }));
    defs.appendChild(h1);
    var h2 = sv('pattern', { id: 'hatch-pause', width: 6, height: 6, patternUnits: 'userSpaceOnUse' });
    h2.appendChild(sv('rect', { width: 6, height: 6, fill: '#eee' }));
    h2.appendChild(sv('circle', { cx: 3, cy: 3, r: 1.2, fill: '#888' }));
    defs.appendChild(h2);
  })();

  var stats = { arrows: 0, drops: 0, events: 0, ticks: 0, violations: 0, dense: false, renders: 0 };
  var view = { t0: 0, t1: 0 };

  function render() {
    var fr = frontier();
    var top = scroller.scrollTop;
    var hgt = scroller.clientHeight;
    var y0 = Math.max(0, top - OVERSCAN);
    var y1 = top + hgt + OVERSCAN;
    var t0 = tOf(y0),
      t1 = tOf(y1);
    view.t0 = tOf(top);
    view.t1 = tOf(top + hgt);
    svg.setAttribute('width', String(width + NARR_W));
    svg.setAttribute('height', String(y1 - y0));
    svg.setAttribute('viewBox', '0 ' + y0 + ' ' + (width + NARR_W) + ' ' + (y1 - y0));
    svg.style.top = y0 + 'px';
    var gBack = sv('g', {}),
      gAxis = sv('g', {}),
      gMsg = sv('g', {}),
      gEv = sv('g', {}),
      gTop = sv('g', {});
    var P = new ZabsimLabels.Placer(svg);
    var count = 0;
    stats = { arrows: 0, drops: 0, events: 0, ticks: 0, violations: 0, dense: false, renders: stats.renders + 1 };

    // network disturbances: full-width shaded bands
    D.net.forEach(function (b) {
      if (b[1] < t0 || b[0] > t1) return;
      var ya = yOf(b[0]),
        yb = yOf(b[1]);
      gBack.appendChild(sv('rect', { x: GUTTER - 6, y: ya, width: width - GUTTER, height: Math.max(2, yb - ya), class: 'net' }));
      gBack.appendChild(sv('line', { x1: GUTTER - 6, y1: ya, x2: width - 10, y2: ya, class: 'net-edge' }));
      P.add(gBack, { x: width - 14, y: ya + 12, 'text-anchor': 'end', class: 'net-label' }, '\u26a1 ' + clip(S[b[2]], 90), 2);
    });
    // lanes, role bands, crash intervals
    lanes.forEach(function (lane, l) {
      var x = laneX[l];
      if (x < 0) return;
      gBack.appendChild(sv('line', { x1: x, y1: y0, x2: x, y2: y1, class: 'lane-line ' + lane.kind, 'data-lane': l }));
      D.roles[l].forEach(function (b) {
        if (b[1] < t0 || b[0] > t1) return;
        var ya = yOf(b[0]),
          yb = yOf(b[1]);
        var role = S[b[2]];
        var cls = role === 'LEADING' || role === 'FOLLOWING' || role === 'OBSERVING' || role === 'LOOKING' ? role : 'other';
        gBack.appendChild(sv('rect', { x: x - 6, y: ya, width: 12, height: Math.max(1, yb - ya), class: 'band band-' + cls }));
        if (ya >= y0 - 20) {
          var text =
            role +
            (b[4] >= 0 ? ' e' + b[4] : '') +
            (role === 'FOLLOWING' || role === 'OBSERVING' ? ' \u2192' + lbl(b[5]) : '') +
            (S[b[3]] && S[b[3]] !== 'BROADCAST' && role !== 'LOOKING' ? ' ' + S[b[3]].toLowerCase() : '');
          P.add(gBack, { x: x + 9, y: ya + 10, class: 'band-label ' + cls }, text, 3);
        }
      });
      D.down[l].forEach(function (b) {
        if (b[1] < t0 || b[0] > t1) return;
        var ya = yOf(b[0]),
          yb = yOf(b[1]);
        gBack.appendChild(sv('rect', { x: x - 9, y: ya, width: 18, height: Math.max(2, yb - ya), class: 'down down-' + b[2] }));
        P.add(gBack, { x: x + 12, y: ya + 12, class: 'down-label' }, b[2] === 0 ? 'CRASHED' : 'PAUSED', 2);
      });
    });

    // time axis: a label every ~70px, and the compressed gaps marked
    var lastY = -1e9;
    var ia = Math.max(0, upper(keyT, t0) - 1),
      ib = Math.min(keyT.length - 1, upper(keyT, t1));
    if (ui.axis === 'linear') {
      var stepUs = Math.pow(10, Math.ceil(Math.log10(Math.max(1, 70 / (0.002 * ui.zoom)))));
      for (var tt = Math.floor(t0 / stepUs) * stepUs; tt <= t1; tt += stepUs) {
        var yy = yOf(tt);
        gAxis.appendChild(sv('line', { x1: GUTTER - 8, y1: yy, x2: width, y2: yy, class: 'axis-tick' }));
        P.add(gAxis, { x: 4, y: yy + 4, class: 'axis-label' }, secs(tt), 0, false);
      }
    } else {
      var gapSet = new Set(gapAt);
      for (var q = ia; q <= ib; q++) {
        var ky = keyY[q];
        if (gapSet.has(q) && q > 0) {
          var mid = (keyY[q - 1] + ky) / 2;
          P.add(gAxis, { x: 6, y: mid + 3, class: 'axis-gap' }, '\u2248 +' + ((keyT[q] - keyT[q - 1]) / 1e6).toFixed(3) + 's', 1, false);
        }
        if (ky - lastY >= 70) {
          gAxis.appendChild(sv('line', { x1: GUTTER - 8, y1: ky, x2: width, y2: ky, class: 'axis-tick' }));
          P.add(gAxis, { x: 2, y: ky + 4, class: 'axis-label' }, secsFine(keyT[q]), 0, false);
          lastY = ky;
        }
      }
    }

    // messages
    var lo = lower(prefixEnd, t0);
    var hi = upper(M.s, t1);
    var visible = [];
    for (var i = lo; i < hi; i++) {
      var end = M.r[i] > M.s[i] ? M.r[i] : M.s[i];
      if (end < t0) continue;
      var mode = msgMode(i, fr);
      if (mode !== 0) visible.push(i * 4 + mode);
    }
    var labelMsgs = visible.length <= LABEL_MSGS;
    var hbSeen = new Set();
    for (var v = 0; v < visible.length && count < MAX_ELEMENTS; v++) {
      var idx = visible[v] >> 2,
        md = visible[v] & 3;
      var xa = laneX[laneOf.get(M.f[idx])],
        xb = laneX[laneOf.get(M.to[idx])];
      var fam = typeFam[M.ty[idx]];
      var ys = yOf(M.s[idx]);
      if (md === 2) {
        var key = M.f[idx] + ':' + M.s[idx];
        if (hbSeen.has(key)) continue;
        hbSeen.add(key);
        var dir = xb > xa ? 1 : -1;
        gMsg.appendChild(sv('line', { x1: xa, y1: ys, x2: xa + dir * 10, y2: ys + 3, class: 'hb-tick', 'data-m': idx }));
        stats.ticks++;
        count++;
        continue;
      }
      if (M.k[idx] === 0) {
        var yr = yOf(M.r[idx]);
        gMsg.appendChild(
          sv('line', {
            x1: xa,
            y1: ys,
            x2: xb,
            y2: yr,
            class: 'msg fam-' + fam + (ui.sel && ui.sel.m === idx ? ' hl' : ''),
            'marker-end': 'url(#arrow-' + fam + ')',
            'data-m': idx,
          }),
        );
        stats.arrows++;
        if (labelMsgs)
          P.add(
            gMsg,
            { x: xa + (xb - xa) * 0.5, y: ys + (yr - ys) * 0.5 - 3, 'text-anchor': 'middle', class: 'msg-label', 'data-m': idx },
            clip(S[M.lb[idx]], 26),
            6,
          );
      } else {
        // dropped: dashed towards the receiver, ending in an × where it was lost
        var yd = Math.max(yOf(M.r[idx]), ys + 8);
        var xd = xa + (xb - xa) * 0.45;
        gMsg.appendChild(
          sv('line', { x1: xa, y1: ys, x2: xd, y2: yd, class: 'msg dropped fam-' + fam + (ui.sel && ui.sel.m === idx ? ' hl' : ''), 'data-m': idx }),
        );
        gMsg.appendChild(sv('path', { d: 'M' + (xd - 4) + ' ' + (yd - 4) + 'l8 8m0 -8l-8 8', class: 'cross', 'data-m': idx }));
        stats.drops++;
        if (labelMsgs) P.add(gMsg, { x: xd, y: yd - 6, 'text-anchor': 'middle', class: 'msg-label', 'data-m': idx }, clip(S[M.lb[idx]], 26) + ' \u2717', 6);
      }
      count++;
    }

    // local events
    var ea = lower(E.t, t0),
      eb = upper(E.t, t1);
    var evs = [];
    for (var j = ea; j < eb; j++) if (evVisible(j, fr)) evs.push(j);
    var labelEvents = evs.length <= LABEL_EVENTS;
    var stack = new Map();
    for (var w = 0; w < evs.length && count < MAX_ELEMENTS; w++) {
      var e = evs[w];
      var l = laneOf.get(E.n[e]);
      var sk = l + ':' + E.t[e];
      var nth = stack.get(sk) || 0;
      stack.set(sk, nth + 1);
      var cx = laneX[l] + nth * 7,
        cy = yOf(E.t[e]);
      var cat = catName[E.c[e]];
      var text = S[E.lb[e]];
      var shape;
      if (cat === 'propose' || cat === 'sync' || cat === 'truncate')
        shape = sv('rect', {
          x: cx - 3.5,
          y: cy - 3.5,
          width: 7,
          height: 7,
          transform: 'rotate(45 ' + cx + ' ' + cy + ')',
          class: 'ev ev-' + cat,
          'data-e': e,
        });
      else if (cat === 'fault' || cat === 'anomaly' || cat === 'assertion')
        shape = sv('path', { d: 'M' + (cx - 5) + ' ' + (cy - 5) + 'l10 10m0 -10l-10 10', class: 'cross', 'data-e': e });
      else if (cat === 'invoke') shape = sv('rect', { x: cx - 3.5, y: cy - 3.5, width: 7, height: 7, class: 'ev ev-invoke', 'data-e': e });
      else if (cat === 'complete')
        shape = sv('rect', {
          x: cx - 3.5,
          y: cy - 3.5,
          width: 7,
          height: 7,
          class: 'ev ev-complete' + (text.indexOf('ok ') === 0 ? '' : ' notok'),
          'data-e': e,
        });
      else {
        var known = cat === 'note' || cat === 'commit' || cat === 'logged' || cat === 'role';
        shape = sv('circle', { cx: cx, cy: cy, r: cat === 'note' ? 3 : 3.5, class: 'ev ev-' + (known ? cat : 'other'), 'data-e': e });
      }
      gEv.appendChild(shape);
      stats.events++;
      count++;
      if (labelEvents) P.add(gEv, { x: cx + 8, y: cy + 3.5, class: 'ev-label', 'data-e': e }, clip(text, Math.max(12, Math.floor(laneW / 6.2) - 2)), 5);
    }

    // causal slice: the future of every lane fades out
    if (fr !== null) {
      lanes.forEach(function (_, l2) {
        var x = laneX[l2];
        if (x < 0) return;
        var from = fr[l2] < 0 ? y0 : Math.max(y0, yOf(fr[l2]) + 2);
        if (from < y1) gTop.appendChild(sv('rect', { x: x - laneW / 2 + 1, y: from, width: laneW - 2, height: y1 - from, class: 'future' }));
      });
    }
    // narration: a dotted line from the moment across the lanes to its box beside the diagram
    D.narration.forEach(function (n, k) {
      if (n.t < t0 || n.t > t1 || narrTop[k] === undefined) return;
      var ny = yOf(n.t);
      gBack.appendChild(
        sv('polyline', { points: GUTTER - 6 + ',' + ny + ' ' + (width - 4) + ',' + ny + ' ' + (width + 8) + ',' + (narrTop[k] + 9), class: 'narr-line' }),
      );
    });
    // violations: a star on the node's lane, a dashed line across all lanes, and the checker's name
    D.violations.forEach(function (vi, k) {
      if (vi.at < t0 || vi.at > t1) return;
      var l3 = laneOf.get(vi.node);
      var vx = l3 === undefined || laneX[l3] < 0 ? GUTTER + 12 : laneX[l3];
      var vy = yOf(vi.at);
      gTop.appendChild(sv('line', { x1: GUTTER - 6, y1: vy, x2: width - 10, y2: vy, class: 'violation-line' }));
      gTop.appendChild(sv('path', { d: star(vx, vy, 10), class: 'violation-mark', 'data-v': k }));
      P.add(gTop, { x: vx + 14, y: vy - 6, class: 'violation-label', 'data-v': k }, '\u26a0 ' + vi.checker, 0);
      stats.violations++;
    });
    // the chosen moment
    if (ui.moment >= t0 && ui.moment <= t1) {
      var my = yOf(ui.moment);
      gTop.appendChild(sv('line', { x1: GUTTER - 8, y1: my, x2: width - 10, y2: my, class: 'cursor' }));
      P.add(gTop, { x: GUTTER - 6, y: my - 3, class: 'cursor-label' }, 'moment ' + secsFine(ui.moment), 1);
    }
    if (count >= MAX_ELEMENTS) {
      stats.dense = true;
      P.add(gTop, { x: GUTTER + 10, y: top + 18, class: 'dense' }, 'Too dense to draw everything here: zoom in, or filter message types and events.', 0, false);
    }
    stats.collapsedLabels = P.flush(sv);
    stats.labels = P.placed;
    svg.replaceChildren(defs, gBack, gAxis, gMsg, gEv, gTop);
    updateHead();
    updateNotes(fr);
    window.__zabsim = { rendered: true, stats: stats, renderMs: window.__zabsim ? window.__zabsim.renderMs : 0, view: { t0: view.t0, t1: view.t1 } };
  }
  function star(x, y, r) {
    var d = '';
    for (var i = 0; i < 10; i++) {
      var a = (Math.PI / 5) * i - Math.PI / 2;
      var rr = i % 2 === 0 ? r : r * 0.45;
      d += (i === 0 ? 'M' : 'L') + (x + rr * Math.cos(a)).toFixed(1) + ' ' + (y + rr * Math.sin(a)).toFixed(1);
    }
    return d + 'Z';
  }

  function updateHead() {
    head.style.transform = 'translateX(' + -scroller.scrollLeft + 'px)';
    var t = view.t0;
    head.querySelectorAll('.lh').forEach(function (d) {
      var l = Number(d.getAttribute('data-lane'));
      var st = d.querySelector('.st');
      if (lanes[l].kind === 'client') {
        st.textContent = '';
        return;
      }
      var s = stateAt(l, t);
      st.textContent = s === null ? '' : s.up === 0 ? 'down' : s.role + (s.epoch >= 0 ? ' e' + s.epoch : '');
    });
  }

  var notesList = document.getElementById('notes');
  var noteCat = catName.indexOf('note');
  function updateNotes(fr) {
    var a = lower(E.t, view.t0),
      b = upper(E.t, view.t1);
    var items = [];
    for (var j = a; j < b && items.length < 150; j++) {
      if (E.c[j] !== noteCat) continue;
      var l = laneOf.get(E.n[j]);
      if (!ui.laneOn[l]) continue;
      if (fr !== null && E.t[j] > fr[l]) continue;
      var li = el('li', { 'data-t': E.t[j], 'data-e': j });
      li.appendChild(el('span', { class: 'when' }, secs(E.t[j])));
      li.appendChild(el('span', { class: 'who' }, lanes[l].label));
      li.appendChild(document.createTextNode(S[E.lb[j]]));
      items.push(li);
    }
    if (items.length === 0) items.push(el('li', { class: 'muted' }, 'No notes in the visible window.'));
    notesList.replaceChildren.apply(notesList, items);
  }

  // ---- state table ----
  var table = document.getElementById('state-table');
  var momentLabel = document.getElementById('moment-label');
  function updateState() {
    momentLabel.textContent = secsFine(ui.moment);
    var rows = [];
    var hr = el('tr');
    ['node', 'role', 'phase', 'epoch', 'committed', 'logged'].forEach(function (h) {
      hr.appendChild(el('th', null, h));
    });
    rows.push(hr);
    lanes.forEach(function (lane, l) {
      if (lane.kind === 'client') return;
      var s = stateAt(l, ui.moment);
      var tr = el('tr', { class: s === null ? '' : s.up === 0 ? 'down' : s.role });
      var cells =
        s === null
          ? [lane.label, '-', '-', '-', '-', '-']
          : [
              lane.label,
              s.up === 0 ? 'DOWN' : s.role + (s.leader >= 0 && s.role !== 'LEADING' ? ' \u2192' + lbl(s.leader) : ''),
              s.up === 0 ? '' : s.phase.toLowerCase(),
              s.epoch < 0 ? '-' : String(s.epoch),
              s.ci < 0 ? '-' : zxid(s.cz) + ' #' + s.ci,
              s.li < 0 ? '-' : zxid(s.lz) + ' #' + s.li,
            ];
      cells.forEach(function (c, k) {
        tr.appendChild(el('td', k >= 3 ? { class: 'num' } : null, c));
      });
      rows.push(tr);
    });
    table.replaceChildren.apply(table, rows);
    if (range) {
      range.value = String(Math.round(ui.moment));
      num.value = (ui.moment / 1e6).toFixed(6);
    }
  }

  // ---- controls (built with createElement; labels via textContent) ----
  var controls = document.getElementById('controls');
  function fieldset(title) {
    var f = el('fieldset');
    f.appendChild(el('legend', null, title));
    controls.appendChild(f);
    return f;
  }
  function checkbox(parent, text, checked, count, onChange, attrs) {
    var label = el('label');
    var box = el('input', Object.assign({ type: 'checkbox' }, attrs || {}));
    box.checked = checked;
    box.addEventListener('change', function () {
      onChange(box.checked);
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(' ' + text));
    if (count !== undefined) label.appendChild(el('span', { class: 'count' }, ' ' + count));
    parent.appendChild(label);
    return box;
  }
  function rebuild() {
    layout();
    measureNarration();
    buildAxis();
    render();
  }
  var fLanes = fieldset('Lanes');
  lanes.forEach(function (lane, l) {
    checkbox(
      fLanes,
      lane.label,
      true,
      undefined,
      function (on) {
        ui.laneOn[l] = on;
        rebuild();
      },
      { 'data-filter': 'lane', 'data-lane': l },
    );
  });
  var fTypes = fieldset('Messages');
  var typeOrder = D.types
    .map(function (_, i) {
      return i;
    })
    .filter(function (i) {
      return !isHb[i];
    })
    .sort(function (a, b) {
      return D.typeCounts[b] - D.typeCounts[a] || (D.types[a] < D.types[b] ? -1 : 1);
    });
  var typeBoxes = [];
  typeOrder.forEach(function (i) {
    typeBoxes[i] = checkbox(
      fTypes,
      D.types[i],
      true,
      D.typeCounts[i],
      function (on) {
        ui.typeOn[i] = on;
        rebuild();
      },
      { 'data-filter': 'type', 'data-type': D.types[i] },
    );
  });
  var allBtn = el('button', { type: 'button' }, 'all');
  var noneBtn = el('button', { type: 'button' }, 'none');
  allBtn.addEventListener('click', function () {
    typeOrder.forEach(function (i) {
      ui.typeOn[i] = true;
      typeBoxes[i].checked = true;
    });
    rebuild();
  });
  noneBtn.addEventListener('click', function () {
    typeOrder.forEach(function (i) {
      ui.typeOn[i] = false;
      typeBoxes[i].checked = false;
    });
    rebuild();
  });
  fTypes.appendChild(allBtn);
  fTypes.appendChild(noneBtn);
  var fHb = fieldset('Heartbeats (PING)');
  var hbSel = el('select', { 'data-filter': 'heartbeats' });
  [
    ['hidden', 'hidden'],
    ['collapsed', 'collapsed: one tick per round'],
    ['shown', 'every arrow'],
  ].forEach(function (o) {
    hbSel.appendChild(el('option', { value: o[0] }, o[1]));
  });
  var hbCount = 0;
  D.types.forEach(function (_, i) {
    if (isHb[i]) hbCount += D.typeCounts[i];
  });
  hbSel.value = ui.hb;
  hbSel.addEventListener('change', function () {
    ui.hb = hbSel.value;
    rebuild();
  });
  fHb.appendChild(hbSel);
  fHb.appendChild(el('span', { class: 'count' }, ' ' + hbCount));
  var fCats = fieldset('Events');
  catName.forEach(function (c, i) {
    if (D.catCounts[i] > 0)
      checkbox(
        fCats,
        c,
        ui.catOn[i],
        D.catCounts[i],
        function (on) {
          ui.catOn[i] = on;
          rebuild();
        },
        { 'data-filter': 'cat', 'data-cat': c },
      );
  });
  var fView = fieldset('Time axis');
  var axisSel = el('select', { 'data-filter': 'axis' });
  [
    ['elastic', 'elastic (gaps compressed)'],
    ['linear', 'linear virtual time'],
  ].forEach(function (o) {
    axisSel.appendChild(el('option', { value: o[0] }, o[1]));
  });
  axisSel.addEventListener('change', function () {
    var t = view.t0;
    ui.axis = axisSel.value;
    rebuild();
    scrollToTime(t, false);
  });
  fView.appendChild(axisSel);
  fView.appendChild(document.createTextNode(' zoom '));
  var zoom = el('input', { type: 'range', min: -3, max: 3, step: 0.25, value: 0, 'data-filter': 'zoom' });
  zoom.addEventListener('input', function () {
    var t = view.t0;
    ui.zoom = Math.pow(2, Number(zoom.value));
    buildAxis();
    scrollToTime(t, false);
    render();
  });
  fView.appendChild(zoom);
  var fSlice = fieldset('Causal slice');
  if (D.violations.length > 0) {
    var sliceBox = checkbox(
      fSlice,
      'only the causal past of',
      false,
      undefined,
      function (on) {
        ui.slice = on;
        rebuild();
        scrollToTime(D.violations[ui.vi].at, true);
      },
      { 'data-filter': 'slice' },
    );
    var vSel = el('select', { 'data-filter': 'violation' });
    D.violations.forEach(function (v, k) {
      vSel.appendChild(el('option', { value: k }, v.checker + ' @ ' + secs(v.at) + ' (' + lbl(v.node) + ')'));
    });
    vSel.addEventListener('change', function () {
      ui.vi = Number(vSel.value);
      if (ui.slice) rebuild();
      scrollToTime(D.violations[ui.vi].at, true);
    });
    fSlice.appendChild(vSel);
    var go = el('button', { type: 'button' }, 'go to violation');
    go.addEventListener('click', function () {
      scrollToTime(D.violations[ui.vi].at, true);
    });
    fSlice.appendChild(go);
    window.__zabsimSlice = function (on) {
      sliceBox.checked = on;
      ui.slice = on;
      rebuild();
      scrollToTime(D.violations[ui.vi].at, true);
    };
  } else {
    fSlice.appendChild(el('span', { class: 'muted' }, 'no violation in this run'));
  }

  var mc = document.getElementById('moment-controls');
  var range = el('input', { type: 'range', min: 0, max: Math.max(1, D.tEnd), step: 1, value: 0, 'aria-label': 'moment' });
  var num = el('input', { type: 'number', min: 0, step: 0.001, 'aria-label': 'moment in seconds' });
  range.addEventListener('input', function () {
    setMoment(Number(range.value), true);
  });
  num.addEventListener('change', function () {
    var v = Number(num.value);
    if (Number.isFinite(v)) setMoment(Math.round(v * 1e6), true);
  });
  mc.appendChild(range);
  mc.appendChild(num);
  mc.appendChild(document.createTextNode('s'));

  // ---- time travel: play/pause, step one event either way, jump to the violation ----
  // Every moment something happens (a local event, a send, a delivery or a drop), sorted once, on
  // first use. Playing steps through them and pauses on reaching a violation.
  var evTimes = null;
  function eventTimes() {
    if (evTimes === null) {
      var all = new Float64Array(nE + 2 * nM);
      all.set(E.t, 0);
      all.set(M.s, nE);
      all.set(M.r, nE + nM);
      all.sort();
      var n = 0;
      for (var i = 0; i < all.length; i++) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
      evTimes = all.subarray(0, n);
    }
    return evTimes;
  }
  function stepBy(dir) {
    var T = eventTimes();
    var i = dir > 0 ? upper(T, ui.moment) : lower(T, ui.moment) - 1;
    if (i < 0 || i >= T.length) return false;
    var from = ui.moment;
    var to = T[i];
    var hit = D.violations.find(function (v) {
      return v.at > from && v.at <= to;
    });
    setMoment(hit ? hit.at : to, true);
    return !hit;
  }
  var tt = el('div', { class: 'timetravel' });
  var playBtn = el('button', { type: 'button', 'data-tt': 'play' }, '\u25b6 play');
  var backBtn = el('button', { type: 'button', 'data-tt': 'back' }, '\u25c0 step');
  var stepBtn = el('button', { type: 'button', 'data-tt': 'step' }, 'step \u25b6');
  var startBtn = el('button', { type: 'button', 'data-tt': 'start' }, '|\u25c0 start');
  var violBtn = el('button', { type: 'button', 'data-tt': 'violation' }, '\u26a0 violation');
  violBtn.disabled = D.violations.length === 0;
  var playing = null;
  function pause() {
    if (playing !== null) clearInterval(playing);
    playing = null;
    playBtn.textContent = '\u25b6 play';
  }
  playBtn.addEventListener('click', function () {
    if (playing !== null) return pause();
    playBtn.textContent = '\u275a\u275a pause';
    playing = setInterval(function () {
      if (!stepBy(1)) pause();
    }, 160);
  });
  stepBtn.addEventListener('click', function () {
    pause();
    stepBy(1);
  });
  backBtn.addEventListener('click', function () {
    pause();
    stepBy(-1);
  });
  startBtn.addEventListener('click', function () {
    pause();
    setMoment(0, true);
  });
  violBtn.addEventListener('click', function () {
    pause();
    if (D.violations.length > 0) setMoment(D.violations[ui.vi].at, true);
  });
  [startBtn, backBtn, playBtn, stepBtn, violBtn].forEach(function (b) {
    tt.appendChild(b);
  });
  // Step to the next change of one server's state (role, phase, epoch, logged or committed zxid).
  var whoSel = el('select', { 'data-tt': 'server', 'aria-label': 'server' });
  lanes.forEach(function (lane, l) {
    if (lane.kind !== 'client') whoSel.appendChild(el('option', { value: l }, lane.label));
  });
  var changeBtn = el('button', { type: 'button', 'data-tt': 'next-change' }, 'next change of');
  changeBtn.addEventListener('click', function () {
    pause();
    var rows = D.state[Number(whoSel.value)];
    if (!rows) return;
    var i = upper(rows.t, ui.moment);
    if (i < rows.t.length) setMoment(rows.t[i], true);
  });
  tt.appendChild(changeBtn);
  tt.appendChild(whoSel);
  mc.appendChild(tt);

  // ---- messages in flight at the moment, per link ----
  var flightList = document.getElementById('inflight');
  function updateInFlight() {
    if (!flightList) return;
    var t = ui.moment;
    var links = new Map();
    var total = 0;
    for (var i = lower(prefixEnd, t), hi = upper(M.s, t); i < hi; i++) {
      if (!(M.s[i] <= t && M.r[i] > t)) continue;
      var key = lbl(M.f[i]) + ' \u2192 ' + lbl(M.to[i]);
      var list = links.get(key);
      if (list === undefined) links.set(key, (list = []));
      list.push(S[M.lb[i]].split(' ')[0] + (M.k[i] === 0 ? '' : ' \u2717'));
      total++;
    }
    var items = [];
    links.forEach(function (list, key) {
      var li = el('li', { 'data-link': key });
      li.appendChild(el('b', null, key));
      li.appendChild(document.createTextNode(' ' + list.length + ': ' + clip(list.join(', '), 120)));
      items.push(li);
    });
    if (items.length === 0) items.push(el('li', { class: 'muted' }, 'nothing in flight'));
    flightList.replaceChildren.apply(flightList, items);
    flightList.setAttribute('data-total', String(total));
  }

  function setMoment(t, scroll) {
    ui.moment = Math.max(0, Math.min(D.tEnd, t));
    updateState();
    updateInFlight();
    // The studio's own panels follow the cursor too.
    if (window.__zabsimMomentHook) window.__zabsimMomentHook(ui.moment);
    if (scroll) scrollToTime(ui.moment, true);
    else schedule();
  }
  function scrollToTime(t, center) {
    var y = yOf(t);
    scroller.scrollTop = Math.max(0, center ? y - scroller.clientHeight / 2 : y);
    schedule();
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      if (alive) render();
    });
  }
  scroller.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', function () {
    if (alive) rebuild();
  });

  // ---- details: tooltip on hover, selection on click ----
  function describe(target) {
    var m = target.getAttribute('data-m'),
      e = target.getAttribute('data-e'),
      v = target.getAttribute('data-v');
    if (m !== null) {
      var i = Number(m);
      var head1 = S[M.lb[i]] + '\n' + lbl(M.f[i]) + ' \u2192 ' + lbl(M.to[i]) + '\n';
      if (M.k[i] === 0)
        return {
          t: M.r[i],
          text: head1 + 'sent ' + secsFine(M.s[i]) + ', delivered ' + secsFine(M.r[i]) + ' (' + ((M.r[i] - M.s[i]) / 1000).toFixed(3) + ' ms)',
        };
      return { t: M.s[i], text: head1 + 'sent ' + secsFine(M.s[i]) + ', DROPPED at ' + secsFine(M.r[i]) + (M.why[i] >= 0 ? ' (' + S[M.why[i]] + ')' : '') };
    }
    if (e !== null) {
      var j = Number(e);
      return { t: E.t[j], text: lbl(E.n[j]) + ' ' + catName[E.c[j]] + ' at ' + secsFine(E.t[j]) + '\n' + S[E.lb[j]] };
    }
    if (v !== null) {
      var vi = D.violations[Number(v)];
      return { t: vi.at, text: 'VIOLATION ' + vi.checker + ' at ' + secsFine(vi.at) + ' on ' + lbl(vi.node) + '\n' + vi.message };
    }
    return null;
  }
  var wrap = scroller.parentNode;
  svg.addEventListener('mousemove', function (ev) {
    var d = describe(ev.target);
    if (d === null) {
      tooltip.hidden = true;
      return;
    }
    tooltip.textContent = d.text;
    tooltip.hidden = false;
    var box = wrap.getBoundingClientRect();
    var x = ev.clientX - box.left + 14,
      y = ev.clientY - box.top + 14;
    if (x > box.width - 300) x = Math.max(0, x - 330);
    tooltip.style.left = x + 'px';
    tooltip.style.top = y + 'px';
  });
  svg.addEventListener('mouseleave', function () {
    tooltip.hidden = true;
  });
  var selected = document.getElementById('selected');
  svg.addEventListener('click', function (ev) {
    var d = describe(ev.target);
    var box = svg.getBoundingClientRect();
    var vb = svg.viewBox.baseVal;
    var t = d === null ? tOf(vb.y + (ev.clientY - box.top)) : d.t;
    if (d !== null) {
      selected.textContent = d.text;
      selected.classList.remove('muted');
      var m = ev.target.getAttribute('data-m');
      ui.sel = m === null ? null : { m: Number(m) };
    }
    setMoment(Math.round(t), false);
  });
  notesList.addEventListener('click', function (ev) {
    var li = ev.target.closest('li[data-t]');
    if (li) {
      setMoment(Number(li.getAttribute('data-t')), false);
      selected.textContent = li.textContent;
      selected.classList.remove('muted');
    }
  });
  document.querySelectorAll('button.jump').forEach(function (b) {
    b.addEventListener('click', function () {
      var v = b.getAttribute('data-v');
      if (v !== null && D.violations.length > 0) {
        ui.vi = Number(v);
        var s = document.querySelector('select[data-filter=violation]');
        if (s) s.value = v;
        if (ui.slice) rebuild();
      }
      setMoment(Number(b.getAttribute('data-t')), true);
      document.getElementById('viewer').scrollIntoView();
    });
  });

  // For tests: where a moment is drawn (the y of virtual time t, in diagram pixels).
  window.__zabsimY = yOf;

  // ---- first paint ----
  layout();
  measureNarration();
  buildAxis();
  updateState();
  updateInFlight();
  if (start) scroller.scrollTop = start.scrollTop;
  else if (D.violations.length > 0) scrollToTime(D.violations[0].at, true);
  render();
  window.__zabsim.renderMs = performance.now() - started;
  // A studio page draws its own panels now, with the viewer's cursor.
  if (window.__zabsimViewerReady)
    window.__zabsimViewerReady({
      setMoment: function (t) {
        pause();
        setMoment(t, true);
      },
      moment: function () {
        return ui.moment;
      },
      scrollTop: function () {
        return scroller.scrollTop;
      },
      dispose: function () {
        alive = false;
        pause();
      },
    });
  document.documentElement.setAttribute('data-rendered', '1');
})(null, null);
