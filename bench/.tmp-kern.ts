import { Atoms, buildNeighborList, halfPairIndices } from '@mlff-distiller/core';
function fcc(a: number, rep: number, rattle: number) {
  const basis = [[0,0,0],[0.5,0.5,0],[0.5,0,0.5],[0,0.5,0.5]];
  const pos: number[] = [];
  let s = 1;
  const rnd = () => { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5; };
  for (let x = 0; x < rep; x++) for (let y = 0; y < rep; y++) for (let z = 0; z < rep; z++) for (const b of basis)
    pos.push((x + b[0]!) * a + rattle * rnd(), (y + b[1]!) * a + rattle * rnd(), (z + b[2]!) * a + rattle * rnd());
  const L = a * rep;
  return new Atoms({ symbols: new Array(pos.length / 3).fill('Ar'), positions: pos, cell: [L, L, L], pbc: true });
}
const atoms = fcc(5.26, 10, 0.1);
const nl = buildNeighborList(atoms, 8.8);
const kept = halfPairIndices(nl);
const m = kept.length;
const n = atoms.length;
const first = new Int32Array(m), second = new Int32Array(m), sv = new Float64Array(3 * m);
const c = atoms.cell;
for (let q = 0; q < m; q++) { const p = kept[q]!; first[q] = nl.first[p]!; second[q] = nl.second[p]!;
  for (let k = 0; k < 3; k++) sv[3*q+k] = nl.shifts[3*p]! * c[k]! + nl.shifts[3*p+1]! * c[3+k]! + nl.shifts[3*p+2]! * c[6+k]!; }
const rowStart = new Int32Array(n + 1);
for (let q = 0; q < m; q++) rowStart[first[q]! + 1]!++;
for (let i = 0; i < n; i++) rowStart[i + 1]! += rowStart[i]!;
const pos = atoms.positions;
const eps = 0.0104, sigma2 = 3.405 ** 2, rc2 = 8.5 ** 2, e0 = 4 * eps * ((3.405 / 8.5) ** 12 - (3.405 / 8.5) ** 6);

function kA(forces: Float64Array): number {
  const e4 = 4 * eps, f24 = -24 * eps;
  let energy = 0, vxx = 0, vyy = 0, vzz = 0, vyz = 0, vxz = 0, vxy = 0;
  for (let p = 0; p < m; p++) {
    const i3 = 3 * first[p]!, j3 = 3 * second[p]!, p3 = 3 * p;
    const dx = pos[j3]! + sv[p3]! - pos[i3]!;
    const dy = pos[j3 + 1]! + sv[p3 + 1]! - pos[i3 + 1]!;
    const dz = pos[j3 + 2]! + sv[p3 + 2]! - pos[i3 + 2]!;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 > rc2) continue;
    const t = sigma2 / r2; const c6 = t * t * t; const c12 = c6 * c6;
    energy += e4 * (c12 - c6) - e0;
    const du = (f24 * (2 * c12 - c6)) / r2;
    const fx = du * dx, fy = du * dy, fz = du * dz;
    forces[i3]! += fx; forces[i3 + 1]! += fy; forces[i3 + 2]! += fz;
    forces[j3]! -= fx; forces[j3 + 1]! -= fy; forces[j3 + 2]! -= fz;
    vxx += fx * dx; vyy += fy * dy; vzz += fz * dz; vyz += fy * dz; vxz += fx * dz; vxy += fx * dy;
  }
  return energy + vxx + vyy + vzz + vyz + vxz + vxy;
}
function kA2(forces: Float64Array, withVirial: boolean): number {
  const e4 = 4 * eps, f24 = -24 * eps;
  let energy = 0, vxx = 0, vyy = 0, vzz = 0, vyz = 0, vxz = 0, vxy = 0;
  for (let p = 0; p < m; p++) {
    const i3 = 3 * first[p]!, j3 = 3 * second[p]!, p3 = 3 * p;
    const dx = pos[j3]! + sv[p3]! - pos[i3]!;
    const dy = pos[j3 + 1]! + sv[p3 + 1]! - pos[i3 + 1]!;
    const dz = pos[j3 + 2]! + sv[p3 + 2]! - pos[i3 + 2]!;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 > rc2) continue;
    const t = sigma2 / r2; const c6 = t * t * t; const c12 = c6 * c6;
    energy += e4 * (c12 - c6) - e0;
    const du = (f24 * (2 * c12 - c6)) / r2;
    const fx = du * dx, fy = du * dy, fz = du * dz;
    forces[i3]! += fx; forces[i3 + 1]! += fy; forces[i3 + 2]! += fz;
    forces[j3]! -= fx; forces[j3 + 1]! -= fy; forces[j3 + 2]! -= fz;
    if (withVirial) { vxx += fx * dx; vyy += fy * dy; vzz += fz * dz; vyz += fy * dz; vxz += fx * dz; vxy += fx * dy; }
  }
  return energy + vxx + vyy + vzz + vyz + vxz + vxy;
}
function kA3(forces: Float64Array): number {
  const e4 = 4 * eps, f24 = -24 * eps;
  let energy = 0, vxx = 0, vyy = 0, vzz = 0, vyz = 0, vxz = 0, vxy = 0;
  for (let p = 0; p < m; p++) {
    const i3 = 3 * first[p]!, j3 = 3 * second[p]!, p3 = 3 * p;
    const dx = pos[j3]! + sv[p3]! - pos[i3]!;
    const dy = pos[j3 + 1]! + sv[p3 + 1]! - pos[i3 + 1]!;
    const dz = pos[j3 + 2]! + sv[p3 + 2]! - pos[i3 + 2]!;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 > rc2) continue;
    const t = sigma2 / r2; const c6 = t * t * t; const c12 = c6 * c6;
    energy += e4 * (c12 - c6) - e0;
    const du = (f24 * (2 * c12 - c6)) / r2;
    const fx = du * dx, fy = du * dy, fz = du * dz;
    forces[i3]! += fx; forces[i3 + 1]! += fy; forces[i3 + 2]! += fz;
    forces[j3]! -= fx; forces[j3 + 1]! -= fy; forces[j3 + 2]! -= fz;
  }
  return energy + vxx + vyy + vzz + vyz + vxz + vxy;
}
// Row-based: i in registers.
function kB(forces: Float64Array): number {
  const e4 = 4 * eps, f24 = -24 * eps;
  let energy = 0, vxx = 0, vyy = 0, vzz = 0, vyz = 0, vxz = 0, vxy = 0;
  for (let i = 0; i < n; i++) {
    const i3 = 3 * i;
    const xi = pos[i3]!, yi = pos[i3 + 1]!, zi = pos[i3 + 2]!;
    let fxi = 0, fyi = 0, fzi = 0;
    for (let p = rowStart[i]!, end = rowStart[i + 1]!; p < end; p++) {
      const j3 = 3 * second[p]!, p3 = 3 * p;
      const dx = pos[j3]! + sv[p3]! - xi;
      const dy = pos[j3 + 1]! + sv[p3 + 1]! - yi;
      const dz = pos[j3 + 2]! + sv[p3 + 2]! - zi;
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 > rc2) continue;
      const t = sigma2 / r2; const c6 = t * t * t; const c12 = c6 * c6;
      energy += e4 * (c12 - c6) - e0;
      const du = (f24 * (2 * c12 - c6)) / r2;
      const fx = du * dx, fy = du * dy, fz = du * dz;
      fxi += fx; fyi += fy; fzi += fz;
      forces[j3]! -= fx; forces[j3 + 1]! -= fy; forces[j3 + 2]! -= fz;
      vxx += fx * dx; vyy += fy * dy; vzz += fz * dz; vyz += fy * dz; vxz += fx * dz; vxy += fx * dy;
    }
    forces[i3]! += fxi; forces[i3 + 1]! += fyi; forces[i3 + 2]! += fzi;
  }
  return energy + vxx + vyy + vzz + vyz + vxz + vxy;
}
// Row-based, no virial.
function kC(forces: Float64Array): number {
  const e4 = 4 * eps, f24 = -24 * eps;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const i3 = 3 * i;
    const xi = pos[i3]!, yi = pos[i3 + 1]!, zi = pos[i3 + 2]!;
    let fxi = 0, fyi = 0, fzi = 0;
    for (let p = rowStart[i]!, end = rowStart[i + 1]!; p < end; p++) {
      const j3 = 3 * second[p]!, p3 = 3 * p;
      const dx = pos[j3]! + sv[p3]! - xi;
      const dy = pos[j3 + 1]! + sv[p3 + 1]! - yi;
      const dz = pos[j3 + 2]! + sv[p3 + 2]! - zi;
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 > rc2) continue;
      const t = sigma2 / r2; const c6 = t * t * t; const c12 = c6 * c6;
      energy += e4 * (c12 - c6) - e0;
      const du = (f24 * (2 * c12 - c6)) / r2;
      const fx = du * dx, fy = du * dy, fz = du * dz;
      fxi += fx; fyi += fy; fzi += fz;
      forces[j3]! -= fx; forces[j3 + 1]! -= fy; forces[j3 + 2]! -= fz;
    }
    forces[i3]! += fxi; forces[i3 + 1]! += fyi; forces[i3 + 2]! += fzi;
  }
  return energy;
}
const variants = [["A pairs", kA], ["A2 flag true", (f: Float64Array) => kA2(f, true)], ["A2 flag false", (f: Float64Array) => kA2(f, false)], ["A3 novirial", kA3], ["B rows", kB], ["C rows novirial", kC]] as const;
const best = new Map<string, number>();
const buf = new Float64Array(3 * n);
for (let round = 0; round < 6; round++) for (const [name, k] of variants) {
  let s = 0;
  for (let w = 0; w < 30; w++) { buf.fill(0); const t0 = performance.now(); s += k(buf); const dt = performance.now() - t0; best.set(name, Math.min(best.get(name) ?? 1e9, dt)); }
}
for (const [k, v] of best) console.log(k, v.toFixed(3), 'ms (min)');
