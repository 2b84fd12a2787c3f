// Small line charts drawn by hand as SVG: no library, no canvas, so that they stay sharp in a screenshot and need
// nothing but this file. Each call redraws the chart from scratch (a few hundred points: cheap at one tick a second).

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) {
    node.setAttribute(key, String(value));
  }
  if (parent) {
    parent.appendChild(node);
  }
  return node;
}

/** A "nice" upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten, at least the largest value. */
export function niceMax(value) {
  if (!(value > 0)) {
    return 1;
  }
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * power) {
      return step * power;
    }
  }
  return 10 * power;
}

/**
 * Splits points into runs without gaps: a node that stopped sending leaves a hole, not a straight line across it.
 * A point without a value (a second in which nothing was measured) is skipped; the line joins its neighbours when
 * they are no further apart than maxGapMs.
 *
 * @param points [[t, v], ...] in time order; v < 0 or null means "no value"
 * @param maxGapMs a longer gap between two values breaks the line
 */
export function runs(points, maxGapMs) {
  const out = [];
  let current = [];
  let lastT = null;
  for (const [t, v] of points) {
    if (v === null || v < 0) {
      continue;
    }
    if (lastT !== null && t - lastT > maxGapMs && current.length) {
      out.push(current);
      current = [];
    }
    current.push([t, v]);
    lastT = t;
  }
  if (current.length) {
    out.push(current);
  }
  return out;
}

/**
 * Draws a chart into an <svg>.
 *
 * @param svg the element; its size on the page is the chart's size
 * @param options {t0, t1: the time window (ms); series: [{points, color, width, area, dash}]; format: y label text;
 *     maxGapMs; minMax: the smallest y range}
 */
export function drawChart(svg, options) {
  const width = Math.max(120, svg.clientWidth || 300);
  const height = Math.max(60, svg.clientHeight || 110);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  while (svg.firstChild) {
    svg.removeChild(svg.firstChild);
  }
  const pad = {left: 4, right: 46, top: 8, bottom: 16};
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const {t0, t1} = options;
  let top = options.minMax || 1;
  for (const series of options.series) {
    for (const [t, v] of series.points) {
      if (t >= t0 && v > top) {
        top = v;
      }
    }
  }
  top = niceMax(top);
  const x = (t) => pad.left + ((t - t0) / Math.max(1, t1 - t0)) * w;
  const y = (v) => pad.top + h - (Math.min(v, top) / top) * h;

  for (let i = 0; i <= 2; i++) {
    const value = (top * i) / 2;
    const gy = y(value);
    el('line', {x1: pad.left, x2: pad.left + w, y1: gy, y2: gy, class: i === 0 ? 'axis' : 'grid'}, svg);
    const label = el('text', {x: pad.left + w + 6, y: gy + 4, class: 'tick'}, svg);
    label.textContent = options.format(value);
  }
  const minutes = Math.round((t1 - t0) / 60000);
  const left = el('text', {x: pad.left, y: height - 3, class: 'tick'}, svg);
  left.textContent = minutes >= 1 ? `-${minutes} min` : `-${Math.round((t1 - t0) / 1000)} s`;
  const right = el('text', {x: pad.left + w, y: height - 3, class: 'tick', 'text-anchor': 'end'}, svg);
  right.textContent = 'now';

  for (const series of options.series) {
    const visible = series.points.filter(([t]) => t >= t0 - 2000);
    for (const run of runs(visible, options.maxGapMs || 3500)) {
      const coords = run.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
      if (series.area && run.length > 1) {
        const first = x(run[0][0]).toFixed(1);
        const last = x(run[run.length - 1][0]).toFixed(1);
        const base = y(0).toFixed(1);
        el('polygon', {points: `${first},${base} ${coords.join(' ')} ${last},${base}`, fill: series.color,
          class: 'area'}, svg);
      }
      const attrs = {points: coords.join(' '), stroke: series.color, 'stroke-width': series.width || 1.6,
        fill: 'none', class: 'line'};
      if (series.dash) {
        attrs['stroke-dasharray'] = series.dash;
      }
      if (run.length === 1) {
        el('circle', {cx: x(run[0][0]), cy: y(run[0][1]), r: 1.8, fill: series.color}, svg);
      } else {
        el('polyline', attrs, svg);
      }
    }
  }
}
