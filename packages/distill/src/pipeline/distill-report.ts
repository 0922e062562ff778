import { join } from 'node:path';
import { writeFileAtomic } from '@mlff-distiller/core';
import { lineChart, parityChart } from '@mlff-distiller/plots';
import type { ForceFieldMetrics } from '../force-field-metrics.js';
import type { EpochRecord } from '../training-state.js';
import type { DistillConfig } from './distill-config.js';
import type { NveValidation } from './validate-student.js';

/** What one student achieved. Units: eV, eV/Å, meV/atom/ps, ms. */
export interface StudentReport {
  name: string;
  parameters: number;
  /** Errors on the held-out test structures. */
  test: ForceFieldMetrics;
  /** [teacher, student] pairs: energy per atom (eV) and force components (eV/Å, subsampled). */
  parity: { energy: number[][]; forces: number[][] };
  /** NVE on every start structure. */
  nve: NveValidation[];
  /** ms per MD step on every start structure, and the speed-up over the teacher. */
  speed: Array<{ structure: string; msPerStep: number; speedUp?: number }>;
  /** Training history (one record per epoch). */
  history: EpochRecord[];
}

/** `report.json`. */
export interface DistillReport {
  format: 'mlff-distiller/distill-report';
  version: 1;
  created: string;
  teacher: {
    name: string;
    msPerStep: Record<string, number>;
    provenance?: Record<string, unknown>;
  };
  data: { structures: number; train: number; validation: number; test: number; species: number[] };
  config: DistillConfig;
  students: StudentReport[];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number | undefined, digits = 3) =>
  x === undefined || !Number.isFinite(x)
    ? '–'
    : Math.abs(x) >= 0.01 || x === 0
      ? x.toFixed(digits)
      : x.toExponential(2);

function figure(id: string, svg: string, caption: string): string {
  return `<figure id="${id}" class="plot">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** The plots of the report as (id, svg, caption). */
function plots(report: DistillReport): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  out.push([
    'learning-curves',
    lineChart({
      title: 'Learning curves',
      subtitle: 'validation force MAE after each epoch',
      xLabel: 'epoch',
      yLabel: 'force MAE (meV/Å)',
      logY: true,
      series: report.students.map((s) => ({
        name: s.name,
        x: s.history.map((h) => h.epoch),
        y: s.history.map((h) => 1000 * h.validationForceMae),
      })),
    }),
    'Validation force MAE of each student during training.',
  ]);
  for (const s of report.students) {
    out.push([
      `parity-${s.name}`,
      parityChart({
        title: `${s.name}: forces on held-out structures`,
        subtitle: `MAE ${fmt(1000 * s.test.forces.mae, 1)} meV/Å over ${s.test.structures} structures`,
        quantity: 'force component (eV/Å)',
        reference: s.parity.forces.map((p) => p[0]!),
        predicted: s.parity.forces.map((p) => p[1]!),
      }),
      `Student ${s.name} against the teacher, force components of the test set.`,
    ]);
  }
  for (const s of report.students) {
    out.push([
      `drift-${s.name}`,
      lineChart({
        title: `${s.name}: total energy in NVE`,
        subtitle: `${report.config.validation.nve_time} ps, ${report.config.validation.timestep} fs, from ${report.config.validation.temperature} K`,
        xLabel: 'time (ps)',
        yLabel: 'E − E(0) (meV/atom)',
        series: s.nve.map((n) => ({ name: n.structure, x: n.series.time, y: n.series.energy })),
      }),
      `Energy conservation of student ${s.name} on every start structure.`,
    ]);
  }
  const names = report.students[0]?.speed.map((p) => p.structure) ?? [];
  const atoms = (name: string) =>
    report.students[0]?.nve.find((n) => n.structure === name)?.atoms ?? 0;
  out.push([
    'latency',
    lineChart({
      title: 'Cost of an MD step',
      subtitle: 'velocity Verlet, wall time per step',
      xLabel: 'atoms',
      yLabel: 'ms per step',
      logY: true,
      series: [
        ...report.students.map((s) => ({
          name: s.name,
          x: s.speed.map((p) => atoms(p.structure)),
          y: s.speed.map((p) => p.msPerStep),
          points: true,
          line: false,
        })),
        {
          name: `teacher (${report.teacher.name})`,
          x: names.map(atoms),
          y: names.map((n) => report.teacher.msPerStep[n] ?? Number.NaN),
          points: true,
          line: false,
        },
      ],
    }),
    'Milliseconds per MD step of each student and of the teacher, per start structure.',
  ]);
  return out;
}

function studentTable(report: DistillReport): string {
  const rows = report.students.map((s) => {
    const stable = s.nve.every((n) => n.stable);
    const worstDrift = Math.max(...s.nve.map((n) => Math.abs(n.driftMeVPerAtomPerPs)));
    const speedUps = s.speed.map((p) => p.speedUp).filter((x): x is number => x !== undefined);
    return `<tr><td>${escapeHtml(s.name)}</td><td>${s.parameters.toLocaleString('en')}</td><td>${fmt(1000 * s.test.forces.mae, 1)}</td><td>${fmt(1000 * s.test.energyPerAtom.mae, 2)}</td><td>${fmt(worstDrift)}</td><td class="${stable ? 'ok' : 'bad'}">${stable ? 'stable' : escapeHtml(s.nve.find((n) => !n.stable)?.failure ?? 'unstable')}</td><td>${speedUps.length ? `${fmt(Math.min(...speedUps), 1)}–${fmt(Math.max(...speedUps), 1)}×` : '–'}</td></tr>`;
  });
  return `<table><thead><tr><th>student</th><th>weights</th><th>force MAE (meV/Å)</th><th>energy MAE (meV/atom)</th><th>largest |NVE drift| (meV/atom/ps)</th><th>stability</th><th>speed-up over teacher</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function nveTable(report: DistillReport): string {
  const rows = report.students.flatMap((s) =>
    s.nve.map((n) => {
      const speed = s.speed.find((p) => p.structure === n.structure);
      return `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(n.structure)}</td><td>${n.atoms}</td><td>${fmt(n.driftMeVPerAtomPerPs)} ± ${fmt(n.driftStandardError)}</td><td>${fmt(n.largestBondChange)}</td><td>${fmt(n.maxTemperature, 0)}</td><td>${fmt(speed?.msPerStep)}</td><td>${fmt(report.teacher.msPerStep[n.structure])}</td><td>${speed?.speedUp ? `${fmt(speed.speedUp, 1)}×` : '–'}</td></tr>`;
    }),
  );
  return `<table><thead><tr><th>student</th><th>structure</th><th>atoms</th><th>drift (meV/atom/ps)</th><th>largest bond change (Å)</th><th>max T (K)</th><th>ms/step</th><th>teacher ms/step</th><th>speed-up</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The report as one self-contained HTML page (inline SVG, no scripts, no external files). */
export function distillReportHtml(report: DistillReport): string {
  const figures = plots(report).map(([id, svg, caption]) => figure(id, svg, caption));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MLFF Distiller report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,td:nth-child(2){text-align:left}.ok{color:#176b2c}.bad{color:#b00020;font-weight:bold}
figure{display:inline-block;margin:0.5em;vertical-align:top}figcaption{font-size:13px;color:#555}code{background:#f3f3f3;padding:1px 4px}
</style></head><body>
<h1>MLFF Distiller: distillation report</h1>
<p>Teacher: <b>${escapeHtml(report.teacher.name)}</b>. Data: ${report.data.structures} labelled structures (${report.data.train} train, ${report.data.validation} validation, ${report.data.test} test); elements ${report.data.species.join(', ')}. Created ${escapeHtml(report.created)}.</p>
<h2>Students</h2>
${studentTable(report)}
<h2>Validation in MD and speed</h2>
${nveTable(report)}
<h2>Plots</h2>
${figures.join('\n')}
<h2>Configuration</h2>
<pre>${escapeHtml(JSON.stringify(report.config, null, 2))}</pre>
${report.teacher.provenance ? `<h2>Teacher provenance</h2><pre>${escapeHtml(JSON.stringify(report.teacher.provenance, null, 2))}</pre>` : ''}
</body></html>
`;
}

/** Writes `report.json` and `report.html` into `dir`, atomically. */
export async function writeDistillReport(dir: string, report: DistillReport): Promise<void> {
  await writeFileAtomic(join(dir, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  await writeFileAtomic(join(dir, 'report.html'), distillReportHtml(report));
}
