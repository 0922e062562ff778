import { join } from 'node:path';
import { histogram, lineChart, scalingChart, writeSvg } from '@mlff-distiller/plots';
import type { BenchmarkResult } from './benchmark-result.js';

const MiB = 2 ** 20;

function subtitle(r: BenchmarkResult): string {
  return `${r.calculator.name} · ${r.system.name} (${r.system.natoms} atoms) · ${r.protocol.ensemble} · dt ${r.protocol.timestepFs} fs · ${r.machine.cpuModel}`;
}

/** The SVG documents of one result, by file suffix. */
export function benchmarkCharts(r: BenchmarkResult): Record<string, string> {
  const lat = r.series.latencyMs;
  const stats = r.timing.latencyMs;
  const steps = lat.map((_, i) => i + 1);
  const mem = r.memory.samples;
  const e = r.series.energy;
  const n = r.system.natoms;
  const e0 = e.totalEv[0] ?? 0;
  const perAtom = (xs: readonly (number | null)[]) =>
    xs.map((x) => (x === null ? Number.NaN : (1000 * (x - e0)) / n));
  const memSeries = [
    { name: 'RSS', x: mem.map((m) => m.step), y: mem.map((m) => m.rss / MiB) },
    { name: 'heap used', x: mem.map((m) => m.step), y: mem.map((m) => m.heapUsed / MiB) },
    {
      name: 'heap total',
      x: mem.map((m) => m.step),
      y: mem.map((m) => m.heapTotal / MiB),
      dashed: true,
    },
    { name: 'external', x: mem.map((m) => m.step), y: mem.map((m) => m.external / MiB) },
    {
      name: 'array buffers',
      x: mem.map((m) => m.step),
      y: mem.map((m) => m.arrayBuffers / MiB),
      dashed: true,
    },
  ];
  if (mem.some((m) => m.arena !== null)) {
    memSeries.push({
      name: 'backend arena',
      x: mem.map((m) => m.step),
      y: mem.map((m) => (m.arena ?? Number.NaN) / MiB),
    });
  }
  const quantity = r.energy.quantity === 'conserved' ? e.conservedEv : e.totalEv;
  const energySeries = [
    {
      name: r.energy.quantity === 'conserved' ? 'conserved' : 'total (Epot + Ekin)',
      x: e.timeFs.map((t) => t / 1000),
      y: perAtom(quantity),
    },
    {
      name: 'potential',
      x: e.timeFs.map((t) => t / 1000),
      y: perAtom(e.potentialEv),
      dashed: true,
    },
  ];
  return {
    'latency-histogram': histogram({
      title: 'Step latency',
      subtitle: subtitle(r),
      xLabel: 'step latency (ms)',
      values: lat,
      logY: true,
      markers: [
        { label: 'p50', value: stats.median },
        { label: 'p95', value: stats.p95 },
        { label: 'p99', value: stats.p99 },
      ],
    }),
    latency: lineChart({
      title: 'Step latency over the run',
      subtitle: subtitle(r),
      xLabel: 'step',
      yLabel: 'latency (ms)',
      series: [{ name: 'step', x: steps, y: lat }],
      markers: [{ label: 'mean', value: stats.mean, axis: 'y' }],
    }),
    memory: lineChart({
      title: `Memory over the run${r.memory.leak ? ' (leak flagged)' : ''}`,
      subtitle: subtitle(r),
      xLabel: 'step',
      yLabel: 'memory (MiB)',
      series: memSeries,
    }),
    energy: lineChart({
      title: 'Energy over the run',
      subtitle: subtitle(r),
      xLabel: 'time (ps)',
      yLabel: 'E − E(0) (meV/atom)',
      series: energySeries,
    }),
  };
}

/**
 * Writes the plots of one result next to its JSON: `<stem>.latency-histogram.svg`,
 * `<stem>.latency.svg`, `<stem>.memory.svg`, `<stem>.energy.svg`. Returns the paths.
 */
export async function writeBenchmarkPlots(
  r: BenchmarkResult,
  dir: string,
  stem: string,
): Promise<string[]> {
  const paths: string[] = [];
  for (const [suffix, svg] of Object.entries(benchmarkCharts(r))) {
    const path = join(dir, `${stem}.${suffix}.svg`);
    await writeSvg(path, svg);
    paths.push(path);
  }
  return paths;
}

/**
 * A log–log chart of mean ms/step against atoms, one series per calculator (and protocol),
 * from results of several sizes. Null when no series has two sizes.
 */
export function scalingChartOf(results: readonly BenchmarkResult[]): string | null {
  const groups = new Map<string, BenchmarkResult[]>();
  for (const r of results) {
    const key = `${r.calculator.name} ${r.protocol.ensemble}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const series = [...groups.entries()]
    .map(([name, rs]) => {
      const sorted = [...rs].sort((a, b) => a.system.natoms - b.system.natoms);
      return {
        name,
        atoms: sorted.map((r) => r.system.natoms),
        msPerStep: sorted.map((r) => r.timing.latencyMs.mean),
      };
    })
    .filter((s) => new Set(s.atoms).size >= 2);
  if (series.length === 0) return null;
  const first = results[0]!;
  return scalingChart({
    title: 'Scaling: time per MD step against system size',
    subtitle: `${first.machine.cpuModel} · Node ${first.software.node}`,
    series,
  });
}

/** Writes {@link scalingChartOf} to `path`; returns false when there was nothing to plot. */
export async function writeScalingPlot(
  results: readonly BenchmarkResult[],
  path: string,
): Promise<boolean> {
  const svg = scalingChartOf(results);
  if (svg === null) return false;
  await writeSvg(path, svg);
  return true;
}
