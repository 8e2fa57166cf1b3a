/** One distribution to draw: its name in the legend and its samples. */
export interface ChartSeries {
  name: string;
  values: readonly number[];
}

export interface DistributionChartInput {
  title: string;
  /** Unit of the values, shown on the x axis (e.g. `ms`). */
  unit: string;
  series: readonly ChartSeries[];
}

const WIDTH = 760;
const HEIGHT = 380;
const PLOT = { left: 64, right: 24, top: 44, bottom: 96 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const FONT = 'font-family="system-ui, sans-serif"';

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function tickLabel(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

/**
 * A distribution chart as a self-contained SVG: the empirical cumulative distribution of each
 * series (x: the value, y: the share of samples at or below it), on a logarithmic x axis when the
 * values span more than a factor of 20. Each series is one `<path class="series">`.
 */
export function distributionChart(input: DistributionChartInput): string {
  const series = input.series.filter((item) => item.values.length > 0);
  const all = series.flatMap((item) => [...item.values]);
  const min = Math.min(...all);
  const max = Math.max(...all);
  const logarithmic = min > 0 && max / min > 20;
  const low = logarithmic ? Math.log10(min) : Math.min(0, min);
  const high = logarithmic ? Math.log10(max) : max === low ? low + 1 : max;
  const scale = (value: number) => (logarithmic ? Math.log10(value) : value);
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (value: number) => PLOT.left + ((scale(value) - low) / (high - low || 1)) * plotWidth;
  const y = (share: number) => PLOT.top + (1 - share) * plotHeight;

  const ticks = logarithmic
    ? Array.from({ length: Math.ceil(high) - Math.floor(low) + 1 }, (_, index) =>
        [1, 2, 5].map((step) => step * 10 ** (Math.floor(low) + index)),
      )
        .flat()
        .filter((tick) => scale(tick) >= low && scale(tick) <= high)
    : Array.from({ length: 6 }, (_, index) => low + ((high - low) * index) / 5);
  const grid = [
    ...ticks.map(
      (tick) =>
        `<line x1="${x(tick).toFixed(1)}" y1="${PLOT.top}" x2="${x(tick).toFixed(1)}" y2="${PLOT.top + plotHeight}" stroke="#ddd"/>` +
        `<text x="${x(tick).toFixed(1)}" y="${PLOT.top + plotHeight + 16}" text-anchor="middle" font-size="11" ${FONT}>${tickLabel(tick)}</text>`,
    ),
    ...[0, 0.25, 0.5, 0.75, 1].map(
      (share) =>
        `<line x1="${PLOT.left}" y1="${y(share).toFixed(1)}" x2="${PLOT.left + plotWidth}" y2="${y(share).toFixed(1)}" stroke="#ddd"/>` +
        `<text x="${PLOT.left - 6}" y="${(y(share) + 4).toFixed(1)}" text-anchor="end" font-size="11" ${FONT}>${share * 100}%</text>`,
    ),
  ];
  const paths = series.map((item, index) => {
    const sorted = [...item.values].sort((a, b) => a - b);
    const points = sorted.flatMap((value, rank) => [
      `${x(value).toFixed(1)},${y(rank / sorted.length).toFixed(1)}`,
      `${x(value).toFixed(1)},${y((rank + 1) / sorted.length).toFixed(1)}`,
    ]);
    const colour = COLOURS[index % COLOURS.length] as string;
    return `<path class="series" data-series="${escapeXml(item.name)}" d="M${points.join('L')}" fill="none" stroke="${colour}" stroke-width="2"/>`;
  });
  const legend = series.map((item, index) => {
    const column = index % 2;
    const row = Math.floor(index / 2);
    const left = PLOT.left + column * (plotWidth / 2);
    const top = HEIGHT - PLOT.bottom + 58 + row * 18;
    const colour = COLOURS[index % COLOURS.length] as string;
    return (
      `<rect x="${left}" y="${top - 9}" width="14" height="4" fill="${colour}"/>` +
      `<text x="${left + 20}" y="${top - 3}" font-size="12" ${FONT}>${escapeXml(item.name)} (n=${item.values.length})</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT + Math.max(0, Math.ceil(series.length / 2) - 2) * 18}" viewBox="0 0 ${WIDTH} ${HEIGHT + Math.max(0, Math.ceil(series.length / 2) - 2) * 18}" role="img" data-series-count="${series.length}">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600" ${FONT}>${escapeXml(input.title)}</text>`,
    ...grid,
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
    ...paths,
    `<text x="${PLOT.left + plotWidth / 2}" y="${PLOT.top + plotHeight + 34}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(input.unit)}${logarithmic ? ' (logarithmic)' : ''}</text>`,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
