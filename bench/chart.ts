/**
 * A small SVG line chart with log-scale axes, written without dependencies: gas per file against the number of files.
 */

export interface Series {
  label: string;
  color: string;
  /** Points (x = number of files, y = gas per file). */
  points: { x: number; y: number }[];
  /** Points to mark as measured (others are computed from them). */
  measured: { x: number; y: number }[];
  width?: number;
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  xRange: [number, number];
  yRange: [number, number];
  footnote: string;
}

const WIDTH = 960;
const HEIGHT = 620;
const MARGIN = { left: 90, right: 30, top: 72, bottom: 92 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function tickLabel(value: number): string {
  if (value >= 1e6) return `${value / 1e6}M`;
  if (value >= 1e3) return `${value / 1e3}k`;
  return String(value);
}

/** Renders the chart as an SVG document. */
export function renderChart(series: Series[], options: ChartOptions): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const [x0, x1] = options.xRange.map(Math.log10);
  const [y0, y1] = options.yRange.map(Math.log10);
  const px = (x: number) => MARGIN.left + ((Math.log10(x) - x0) / (x1 - x0)) * plotWidth;
  const py = (y: number) => MARGIN.top + plotHeight - ((Math.log10(y) - y0) / (y1 - y0)) * plotHeight;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
  );
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="30" font-size="20" font-weight="bold">${escape(options.title)}</text>`);
  out.push(`<text x="${MARGIN.left}" y="52" font-size="13" fill="#444">${escape(options.subtitle)}</text>`);

  // Grid and ticks: one line per decade.
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) {
    const x = px(10 ** e);
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotHeight}" stroke="#e3e3e3"/>`);
    out.push(
      `<text x="${x}" y="${MARGIN.top + plotHeight + 20}" font-size="13" text-anchor="middle">${tickLabel(10 ** e)}</text>`,
    );
  }
  for (let e = Math.ceil(y0); e <= Math.floor(y1); e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${y + 4}" font-size="13" text-anchor="end">${tickLabel(10 ** e)}</text>`);
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
  );
  out.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight + 44}" font-size="14" text-anchor="middle">${escape(options.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(24 ${MARGIN.top + plotHeight / 2}) rotate(-90)" font-size="14" text-anchor="middle">${escape(options.yLabel)}</text>`,
  );

  // Lines and measured points.
  for (const s of series) {
    const path = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    out.push(
      `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2.5}"${s.dashed ? ' stroke-dasharray="8 5"' : ''}/>`,
    );
    for (const p of s.measured) {
      out.push(
        `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="5" fill="${s.color}" stroke="#fff" stroke-width="1.5"/>`,
      );
    }
  }

  // Legend, bottom left (where no line runs).
  const legendX = MARGIN.left + 16;
  const lineHeight = 21;
  const legendY = MARGIN.top + plotHeight - 14 - lineHeight * (series.length - 1);
  out.push(
    `<rect x="${legendX - 10}" y="${legendY - 18}" width="450" height="${lineHeight * series.length + 12}" fill="#ffffff" fill-opacity="0.92" stroke="#ccc"/>`,
  );
  series.forEach((s, i) => {
    const y = legendY + i * lineHeight;
    out.push(
      `<line x1="${legendX}" y1="${y - 4}" x2="${legendX + 34}" y2="${y - 4}" stroke="${s.color}" stroke-width="${s.width ?? 2.5}"${s.dashed ? ' stroke-dasharray="8 5"' : ''}/>`,
    );
    out.push(`<text x="${legendX + 44}" y="${y}" font-size="13">${escape(s.label)}</text>`);
  });
  out.push(`<text x="${MARGIN.left}" y="${HEIGHT - 16}" font-size="12" fill="#444">${escape(options.footnote)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
