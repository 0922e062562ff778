/**
 * The student as a calculator: ASE-semantics conformance (forces = −∇E and stress = the
 * finite-strain derivative by central differences, invariances, caching) on ONNX Runtime
 * in float64 with the suite's default tolerances; float32 agrees with float64; checkpoint
 * and ONNX-file round trips give the same results; bad files and unknown elements fail
 * with a clear message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TfjsBackend } from '@mlff-distiller/backend-tfjs';
import { Atoms, fccCrystal, Random } from '@mlff-distiller/core';
import { describeCalculatorConformance } from '@mlff-distiller/core/testing';
import { VelocityVerlet } from '@mlff-distiller/md';
import { describe, expect, it } from 'vitest';
import { randomStudent } from './__fixtures__/random-student.js';
import { CheckpointError } from './checkpoint-error.js';
import { StudentCalculator } from './student-calculator.js';
import { loadCheckpoint, saveCheckpoint, serializeCheckpoint } from './student-checkpoint.js';
import { exportStudentOnnx, studentOnnxBytes } from './student-onnx.js';

const dir = mkdtempSync(join(tmpdir(), 'mlffd-student-'));

function rattled(atoms: Atoms, amplitude: number, seed: number): Atoms {
  const r = new Random(seed);
  for (let i = 0; i < atoms.positions.length; i++) atoms.positions[i]! += amplitude * r.normal();
  return atoms;
}

function ethanol(): Atoms {
  return new Atoms({
    numbers: [6, 6, 8, 1, 1, 1, 1, 1, 1],
    positions: [
      [-0.0015, -0.4115, 0.0],
      [1.2046, 0.5086, 0.0],
      [-1.1866, 0.3757, 0.0],
      [-0.0253, -1.0497, 0.8863],
      [-0.0253, -1.0497, -0.8863],
      [2.1381, -0.0593, 0.0],
      [1.1826, 1.1483, 0.8841],
      [1.1826, 1.1483, -0.8841],
      [-1.9574, -0.2035, 0.0],
    ],
  });
}

describeCalculatorConformance('StudentCalculator (PaiNN, ONNX Runtime float64)', {
  create: () => StudentCalculator.fromCheckpoint(randomStudent(), { dtype: 'float64' }),
  systems: () => [
    ethanol(),
    rattled(fccCrystal('Cu', 3.61, 2), 0.05, 7),
    rattled(
      new Atoms({
        numbers: [29, 8, 1, 6, 29],
        positions: [0.1, 0.2, 0.3, 1.6, 0.9, 0.4, 0.7, 1.9, 1.5, 2.4, 2.2, 0.5, 1.0, 0.2, 2.1],
        cell: [3.4, 0, 0, 0.4, 3.2, 0, 0.3, 0.5, 3.6],
        pbc: [true, false, true],
      }),
      0.02,
      8,
    ),
  ],
  // Forces and stress of a float64 graph: central differences as for the pair potentials.
});

describe('StudentCalculator files', () => {
  const checkpoint = randomStudent();
  const jsonPath = join(dir, 'student.json');
  const onnxPath = join(dir, 'student.onnx');

  it('checkpoint (ONNX Runtime and tfjs) and ONNX file give the same energy, forces and stress', async () => {
    await saveCheckpoint(jsonPath, checkpoint);
    await exportStudentOnnx(checkpoint, onnxPath);
    const atoms = rattled(fccCrystal('Cu', 3.61, 2), 0.05, 9);
    atoms.numbers[0] = 8;
    atoms.numbers[3] = 1;
    const results = [];
    for (const calc of [
      await StudentCalculator.fromCheckpoint(checkpoint, { dtype: 'float64' }),
      await StudentCalculator.load(jsonPath),
      await StudentCalculator.load(onnxPath),
      await StudentCalculator.load(jsonPath, { backend: new TfjsBackend() }),
    ]) {
      results.push({
        e: await calc.getPotentialEnergy(atoms),
        f: await calc.getForces(atoms),
        s: await calc.getStress(atoms),
      });
      await calc.dispose();
    }
    const [ref, ...float32] = results;
    let fmax = 0;
    for (const v of ref!.f) fmax = Math.max(fmax, Math.abs(v));
    let smax = 0;
    for (const v of ref!.s) smax = Math.max(smax, Math.abs(v));
    for (const r of float32) {
      // float32 graphs: ~1e-7 relative per op over a few hundred ops.
      expect(Math.abs(r.e - ref!.e)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref!.e)));
      for (let i = 0; i < r.f.length; i++)
        expect(Math.abs(r.f[i]! - ref!.f[i]!)).toBeLessThan(1e-5 * fmax);
      for (let i = 0; i < 6; i++) expect(Math.abs(r.s[i]! - ref!.s[i]!)).toBeLessThan(1e-5 * smax);
    }
  });

  it('refuses corrupt, foreign, newer and incomplete checkpoints with a clear message', async () => {
    const text = serializeCheckpoint(checkpoint);
    const bad = (name: string, content: string) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const cases: [string, string, RegExp][] = [
      [
        'truncated.json',
        text.slice(0, text.length / 2),
        /truncated\.json.*corrupt or truncated JSON/,
      ],
      ['other.json', '{"format":"something-else"}', /other\.json is not an MLFF Distiller student/],
      [
        'newer.json',
        text.replace('"formatVersion": 1', '"formatVersion": 7'),
        /newer\.json has checkpoint format version 7, newer than .* reads \(1\)/,
      ],
      [
        'missing.json',
        text.replace('"readout2.bias"', '"readout2.bias_renamed"'),
        /missing\.json: weight "readout2\.bias" is missing/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const error = await StudentCalculator.load(bad(name, content)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(CheckpointError);
      expect((error as Error).message, name).toMatch(message);
    }
    await expect(StudentCalculator.load(join(dir, 'absent.json'))).rejects.toThrow(
      /cannot read student checkpoint .*absent\.json/,
    );
  });

  it('refuses corrupt, foreign and newer ONNX files with a clear message', async () => {
    const bytes = studentOnnxBytes(checkpoint);
    const write = (name: string, content: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const text = Buffer.from(bytes);
    const newer = Buffer.from(
      text.toString('latin1').replace('format_version\u0012\u00011', 'format_version\u0012\u00019'),
      'latin1',
    );
    const cases: [string, Uint8Array, RegExp][] = [
      [
        'cut.onnx',
        bytes.subarray(0, Math.floor(bytes.length / 3)),
        /cut\.onnx is not a readable ONNX model/,
      ],
      [
        'noise.onnx',
        Uint8Array.from({ length: 4000 }, (_, i) => (i * 37) & 255),
        /noise\.onnx is not a readable ONNX model/,
      ],
      ['newer.onnx', newer, /newer\.onnx has student model format version 9/],
    ];
    for (const [name, content, message] of cases) {
      const error = await StudentCalculator.load(write(name, content)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(CheckpointError);
      expect((error as Error).message, name).toMatch(message);
    }
  });

  it('refuses MD on an element the student never saw before the first step', async () => {
    const calc = await StudentCalculator.fromCheckpoint(checkpoint);
    const atoms = ethanol();
    atoms.numbers[2] = 7; // nitrogen
    const before = Float64Array.from(atoms.positions);
    const md = new VelocityVerlet(atoms, calc, { timestep: 0.5 });
    await expect(md.run(10)).rejects.toThrow(/not trained on atomic number 7 \(atom 2\)/);
    expect(Array.from(atoms.positions)).toEqual(Array.from(before));
    expect(readFileSync(jsonPath).length).toBeGreaterThan(0);
    await calc.dispose();
  });
});

describe('float32 precision', () => {
  it('does not depend on how far the structure sits from the origin', async () => {
    const calc = await StudentCalculator.fromCheckpoint(randomStudent());
    const near = ethanol();
    const far = ethanol();
    for (let i = 0; i < far.positions.length; i += 3) {
      far.positions[i]! += 10000;
      far.positions[i + 1]! -= 20000;
      far.positions[i + 2]! += 5000;
    }
    const a = await calc.getForces(near);
    const b = await calc.getForces(far);
    let scale = 0;
    for (const v of a) scale = Math.max(scale, Math.abs(v));
    // Without centring, float32 positions near 2e4 Å carry ~1e-3 Å rounding (measured: forces off
    // by 1.7e-5 of the largest at 2e3 Å); centred, the two agree to float32 rounding.
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5 * scale);
    await calc.dispose();
  });
});

describe('checkpoint round trip', () => {
  it('keeps config, normalisation, weights and training record exactly', async () => {
    const c = randomStudent(5);
    const p = join(dir, 'round.json');
    await saveCheckpoint(p, c);
    const back = await loadCheckpoint(p);
    expect(back.config).toEqual(c.config);
    expect(back.normalisation).toEqual(c.normalisation);
    expect(back.training).toEqual(c.training);
    for (const [name, w] of Object.entries(c.weights)) {
      expect(back.weights[name]!.shape).toEqual(w.shape);
      expect(Array.from(back.weights[name]!.data)).toEqual(Array.from(w.data));
    }
  });
});
