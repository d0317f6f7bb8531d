// Inline SVG charts. Each is drawn for the width it is given (so that its text stays legible on a
// phone) and scales with its container through its viewBox. Each has an accessible name (role
// "img", <title> and <desc>); the figures themselves are also in a table beside the chart.

import { formatCompact } from "./format.js";
import { svg } from "./dom.js";

// Okabe-Ito: told apart with the common colour-vision deficiencies.
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9"];

const CHAR_WIDTH = 7; // of the 12px value labels, for placing them inside or beside a bar

function niceStep(max, count) {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normal = raw / magnitude;
  const factor = normal <= 1 ? 1 : normal <= 2 ? 2 : normal <= 2.5 ? 2.5 : normal <= 5 ? 5 : 10;
  return factor * magnitude;
}

function linearTicks(max, count) {
  if (!(max > 0)) {
    return [0, 1];
  }
  const step = niceStep(max, count);
  const ticks = [0];
  while (ticks.at(-1) < max) {
    ticks.push(ticks.length * step);
  }
  return ticks;
}

// 1, 2, 5 × 10^k from the largest at or below `min` to the smallest at or above `max`.
function logTicks(min, max) {
  const ticks = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    for (const factor of [1, 2, 5]) {
      ticks.push(factor * 10 ** power);
    }
  }
  const low = ticks.filter((tick) => tick <= min).at(-1) ?? ticks[0];
  const high = ticks.find((tick) => tick >= max) ?? ticks.at(-1);
  return ticks.filter((tick) => tick >= low && tick <= high);
}

function heading(id, title, description) {
  return [svg("title", { id: `${id}-title` }, title), svg("desc", { id: `${id}-desc` }, description)];
}

function frame(id, width, height, title, description) {
  return svg(
    "svg",
    {
      id,
      class: "chart",
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
      preserveAspectRatio: "xMinYMin meet",
    },
    heading(id, title, description),
  );
}

// Horizontal bars, one per item: { key, label, value (a number, for drawing), text (shown) }.
export function barChart({ id, title, description, axisTitle, unit, items, width }) {
  const labelWidth = Math.min(110, Math.round(width * 0.27));
  const right = 24;
  const top = 8;
  const row = 34;
  const barHeight = 22;
  const plotWidth = width - labelWidth - right;
  const plotBottom = top + items.length * row;
  const height = plotBottom + 52;
  const chart = frame(id, width, height, title, description);

  const max = Math.max(0, ...items.map((item) => item.value ?? 0));
  const ticks = linearTicks(max, width < 480 ? 3 : 5);
  const scaleMax = ticks.at(-1);
  const x = (value) => labelWidth + (value / scaleMax) * plotWidth;

  const axis = svg("g", { class: "axis", "aria-hidden": "true" });
  ticks.forEach((tick, index) => {
    const last = index === ticks.length - 1;
    axis.append(
      svg("line", { class: "grid", x1: x(tick), x2: x(tick), y1: top, y2: plotBottom }),
      svg("text", { class: "tick", x: x(tick), y: plotBottom + 16,
        "text-anchor": last ? "end" : "middle" }, formatCompact(tick)),
    );
  });
  axis.append(
    svg("line", { class: "axis-line", x1: labelWidth, x2: labelWidth, y1: top, y2: plotBottom }),
    svg("text", { class: "axis-title", x: labelWidth + plotWidth / 2, y: height - 8,
      "text-anchor": "middle" }, axisTitle),
  );
  chart.append(axis);

  items.forEach((item, index) => {
    const y = top + index * row + (row - barHeight) / 2;
    const middle = y + barHeight / 2 + 4;
    const group = svg("g", { class: "bar-row", "data-entity": item.key });
    group.append(
      svg("text", { class: "bar-label", x: labelWidth - 8, y: middle, "text-anchor": "end" },
        item.label),
    );
    if (item.value == null) {
      group.append(svg("text", { class: "bar-value", x: labelWidth + 6, y: middle }, "no figure"));
    } else {
      const length = Math.max(x(item.value) - labelWidth, 1);
      const textWidth = item.text.length * CHAR_WIDTH;
      const inside = length > textWidth + 12;
      group.append(
        svg("rect", { class: "bar", x: labelWidth, y, width: length, height: barHeight,
          "data-entity": item.key },
          svg("title", {}, `${item.label}: ${item.text} ${unit}`)),
        svg("text", {
          class: inside ? "bar-value inside" : "bar-value",
          x: inside ? labelWidth + length - 6 : labelWidth + length + 6,
          y: middle,
          "text-anchor": inside ? "end" : "start",
        }, item.text),
      );
    }
    chart.append(group);
  });
  return chart;
}

function spreadLabels(labels, gap, top, bottom) {
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  for (let i = 1; i < sorted.length; i++) {
    sorted[i].y = Math.max(sorted[i].y, sorted[i - 1].y + gap);
  }
  const overflow = (sorted.at(-1)?.y ?? 0) - bottom;
  if (overflow > 0) {
    for (const label of sorted) {
      label.y = Math.max(top, label.y - overflow);
    }
  }
  return sorted;
}

// Lines over the periods, one per series: { key, label, values (numbers or null), texts }.
// With `log` and only positive values, the value axis is logarithmic (said in its title).
export function lineChart({ id, title, description, periods, series, yTitle, xTitle, unit,
  width, log }) {
  const margin = { left: 62, right: 92, top: 14, bottom: 50 };
  const height = width < 480 ? 260 : 300;
  const plotWidth = width - margin.left - margin.right;
  const plotBottom = height - margin.bottom;
  const chart = frame(id, width, height, title, description);

  const numbers = series.flatMap((line) => line.values).filter((value) => value != null);
  const logScale = log && numbers.length > 0 && numbers.every((value) => value > 0);
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const ticks = numbers.length === 0 ? [0, 1] : logScale ? logTicks(min, max)
    : linearTicks(Math.max(max, 0), 4);
  const low = ticks[0];
  const high = ticks.at(-1) === low ? low * 10 : ticks.at(-1);
  const position = (value) => (logScale
    ? (Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))
    : (value - low) / (high - low));
  const y = (value) => plotBottom - position(value) * (plotBottom - margin.top);
  const x = (index) => (periods.length === 1
    ? margin.left + plotWidth / 2
    : margin.left + (index * plotWidth) / (periods.length - 1));

  const axis = svg("g", { class: "axis", "aria-hidden": "true" });
  for (const tick of ticks) {
    axis.append(
      svg("line", { class: "grid", x1: margin.left, x2: margin.left + plotWidth, y1: y(tick),
        y2: y(tick) }),
      svg("text", { class: "tick", x: margin.left - 6, y: y(tick) + 4, "text-anchor": "end" },
        formatCompact(tick)),
    );
  }
  periods.forEach((period, index) => {
    axis.append(svg("text", { class: "tick", x: x(index), y: plotBottom + 18,
      "text-anchor": "middle" }, period));
  });
  axis.append(
    svg("line", { class: "axis-line", x1: margin.left, x2: margin.left + plotWidth,
      y1: plotBottom, y2: plotBottom }),
    svg("text", { class: "axis-title", x: margin.left + plotWidth / 2, y: height - 8,
      "text-anchor": "middle" }, xTitle),
    svg("text", { class: "axis-title", transform: `rotate(-90)`,
      x: -(margin.top + (plotBottom - margin.top) / 2), y: 14, "text-anchor": "middle" },
    logScale ? `${yTitle}, log scale` : yTitle),
  );
  chart.append(axis);

  const ends = [];
  series.forEach((line, index) => {
    const colour = PALETTE[index % PALETTE.length];
    const group = svg("g", { class: "series", "data-entity": line.key });
    let path = "";
    let previous = null;
    line.values.forEach((value, i) => {
      if (value == null) {
        previous = null;
        return;
      }
      path += `${previous === null ? "M" : "L"}${x(i).toFixed(1)},${y(value).toFixed(1)}`;
      previous = i;
      group.append(svg("circle", { class: "point", cx: x(i), cy: y(value), r: 4, fill: colour },
        svg("title", {}, `${line.label}, ${periods[i]}: ${line.texts[i]} ${unit}`)));
    });
    group.prepend(svg("path", { class: "line", d: path, stroke: colour }));
    const last = line.values.findLastIndex((value) => value != null);
    if (last >= 0) {
      ends.push({ label: line.label, colour, x: x(last), y: y(line.values[last]) + 4 });
    }
    chart.append(group);
  });
  for (const end of spreadLabels(ends, 13, margin.top + 4, plotBottom)) {
    chart.append(svg("text", { class: "series-label", x: margin.left + plotWidth + 8, y: end.y,
      fill: end.colour }, end.label));
  }
  return chart;
}
