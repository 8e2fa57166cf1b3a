import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributionChart } from './distribution-chart.js';

// Debian's chromium (scripts/provision.sh installs it), headless and offline.
const CHROMIUM = '/usr/bin/chromium';
// The charts `npm run bench` wrote and docs/benchmarks.md shows.
const COMMITTED_CHARTS = resolve(import.meta.dirname, '../../../../docs/benchmarks');

describe('bench/distribution-chart in a browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function render(svg: string) {
    const page = await browser.newPage();
    try {
      // Evaluated in the page (this package has no DOM types).
      const parseErrors = await page.evaluate<number>(
        `new DOMParser().parseFromString(${JSON.stringify(svg)}, 'image/svg+xml').getElementsByTagName('parsererror').length`,
      );
      await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
      const boxes = await page.evaluate<Array<{ name: string; width: number; height: number }>>(
        `Array.from(document.querySelectorAll('svg path.series')).map((path) => {
          const box = path.getBBox();
          return { name: path.getAttribute('data-series'), width: box.width, height: box.height };
        })`,
      );
      const svgBox = await page.locator('svg').boundingBox();
      const screenshot = await page.locator('svg').screenshot();
      return { parseErrors, boxes, svgBox, screenshot };
    } finally {
      await page.close();
    }
  }

  it('renders every series as a visible curve of a valid SVG, logarithmic for wide ranges', async () => {
    const svg = distributionChart({
      title: 'Slack event → HTTP 200 <p99>',
      unit: 'ms',
      series: [
        { name: 'round 1: event → 200', values: [3, 4, 5, 9, 120, 7, 6] },
        { name: 'round 2: event → 200', values: [2.5, 4, 6, 8, 90] },
        { name: 'empty handler', values: [0.4, 0.5, 0.6, 1.2] },
      ],
    });

    const rendered = await render(svg);

    expect(rendered.parseErrors).toBe(0);
    expect(svg).toContain('data-series-count="3"');
    expect(svg).toContain('(logarithmic)');
    expect(rendered.boxes.map((box) => box.name)).toEqual([
      'round 1: event → 200',
      'round 2: event → 200',
      'empty handler',
    ]);
    for (const box of rendered.boxes) {
      expect(box.width).toBeGreaterThan(10);
      expect(box.height).toBeGreaterThan(10);
    }
    expect(rendered.svgBox?.width).toBe(760);
    // A blank image compresses to almost nothing; a chart with text and curves does not.
    expect(rendered.screenshot.length).toBeGreaterThan(5000);
  });

  it('draws a linear axis for a narrow range and leaves out empty series', async () => {
    const svg = distributionChart({
      title: 'RSS',
      unit: 'MB',
      series: [
        { name: 'under load', values: [180, 190, 200, 210] },
        { name: 'nothing measured', values: [] },
      ],
    });

    const rendered = await render(svg);

    expect(rendered.parseErrors).toBe(0);
    expect(svg).not.toContain('(logarithmic)');
    expect(rendered.boxes.map((box) => box.name)).toEqual(['under load']);
  });

  it('renders every chart docs/benchmarks.md shows, with the series it declares', async () => {
    const files = readdirSync(COMMITTED_CHARTS).filter((file) => file.endsWith('.svg'));
    const report = readFileSync(join(COMMITTED_CHARTS, '..', 'benchmarks.md'), 'utf8');
    expect(files.length).toBeGreaterThan(0);

    for (const file of files) {
      const svg = readFileSync(join(COMMITTED_CHARTS, file), 'utf8');
      const declared = Number(/data-series-count="(\d+)"/.exec(svg)?.[1]);
      const rendered = await render(svg);

      expect(report).toContain(`(benchmarks/${file})`);
      expect(rendered.parseErrors, file).toBe(0);
      expect(declared, file).toBeGreaterThan(0);
      expect(rendered.boxes, file).toHaveLength(declared);
      for (const box of rendered.boxes) expect(box.width + box.height, file).toBeGreaterThan(0);
    }
  });
});
