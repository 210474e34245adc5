// Label placement for the report viewer: every text label of one render goes through here, so that
// no two labels overlap. Labels are placed in priority order (violations and the axis first,
// message labels last); one that would overlap a placed label is moved down a line or two (stacked),
// and when that does not free it either, it is left out (collapsed: its mark stays, with its tooltip).
// Widths come from a canvas measuring with the label's own computed font, so the boxes are the
// boxes the browser draws. Cost: O(labels) per render, with a row grid for the overlap tests.
var ZabsimLabels = (function () {
  'use strict';
  var ROW = 16;
  var ctx = document.createElement('canvas').getContext('2d');
  var fonts = new Map();

  /** The computed font of an SVG text of this class, measured once per class. */
  function fontOf(svg, cls) {
    var f = fonts.get(cls);
    if (f !== undefined) return f;
    var probe = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    probe.setAttribute('class', cls);
    probe.textContent = 'M';
    svg.appendChild(probe);
    var cs = getComputedStyle(probe);
    var size = parseFloat(cs.fontSize) || 10;
    f = { css: cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily, size: size };
    svg.removeChild(probe);
    fonts.set(cls, f);
    return f;
  }

  function Placer(svg) {
    this.svg = svg;
    this.items = [];
    this.placed = 0;
    this.collapsed = 0;
  }
  /**
   * Queues a label. `prio`: lower is placed first. `stack`: whether it may move down to make room
   * (false for labels whose position is their meaning, such as axis times).
   */
  Placer.prototype.add = function (group, attrs, text, prio, stack) {
    this.items.push({ group: group, attrs: attrs, text: text, prio: prio, stack: stack !== false, seq: this.items.length });
  };
  /** Places every queued label into its group; returns how many were collapsed. */
  Placer.prototype.flush = function (make) {
    var grid = new Map();
    var items = this.items.sort(function (a, b) {
      return a.prio - b.prio || a.attrs.y - b.attrs.y || a.seq - b.seq;
    });
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      var font = fontOf(this.svg, it.attrs.class);
      ctx.font = font.css;
      var w = ctx.measureText(it.text).width + 2;
      var x0 = it.attrs.x;
      var anchor = it.attrs['text-anchor'];
      if (anchor === 'middle') x0 -= w / 2;
      else if (anchor === 'end') x0 -= w;
      var up = font.size * 1.0 + 1;
      var down = font.size * 0.3 + 1;
      var line = up + down;
      var tries = it.stack ? [0, line, 2 * line, -line] : [0];
      var done = false;
      for (var k = 0; k < tries.length && !done; k++) {
        var y = it.attrs.y + tries[k];
        var box = [x0, y - up, x0 + w, y + down];
        if (!hits(grid, box)) {
          remember(grid, box);
          it.attrs.y = y;
          it.group.appendChild(make('text', it.attrs, it.text));
          done = true;
        }
      }
      if (done) this.placed++;
      else this.collapsed++;
    }
    this.items = [];
    return this.collapsed;
  };
  function rowsOf(box) {
    return [Math.floor(box[1] / ROW), Math.floor(box[3] / ROW)];
  }
  function hits(grid, box) {
    var r = rowsOf(box);
    for (var row = r[0]; row <= r[1]; row++) {
      var list = grid.get(row);
      if (list === undefined) continue;
      for (var j = 0; j < list.length; j++) {
        var b = list[j];
        if (box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]) return true;
      }
    }
    return false;
  }
  function remember(grid, box) {
    var r = rowsOf(box);
    for (var row = r[0]; row <= r[1]; row++) {
      var list = grid.get(row);
      if (list === undefined) grid.set(row, (list = []));
      list.push(box);
    }
  }
  return { Placer: Placer };
})();
