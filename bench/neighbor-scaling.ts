/**
 * Neighbor-list build time from 1k to 64k atoms (fcc argon, a = 5.26 Å, cutoff 8.5 Å + 0.3 Å
 * skin) to show linear growth: prints ms per build, µs per atom, and the ratio of µs per
 * atom to the smallest system (≈1 for O(N)).
 *
 *   pnpm bench:neighbors            (or: node --conditions=source --import tsx bench/neighbor-scaling.ts)
 */
import { buildNeighborList, fccCrystal } from '@mlff-distiller/core';

const repeats = [6, 8, 10, 13, 16, 20, 25]; // 864 … 62 500 atoms
const cutoff = 8.8;
const rows: { atoms: number; pairs: number; ms: number; usPerAtom: number }[] = [];
for (const r of repeats) {
  const atoms = fccCrystal('Ar', 5.26, r, { rattle: 0.05 });
  buildNeighborList(atoms, cutoff); // warm-up (JIT)
  const times: number[] = [];
  let pairs = 0;
  const reps = atoms.length > 20000 ? 3 : 7;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    pairs = buildNeighborList(atoms, cutoff).nPairs;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  rows.push({ atoms: atoms.length, pairs, ms, usPerAtom: (1000 * ms) / atoms.length });
}
const base = rows[0]!.usPerAtom;
console.log('neighbor-list build (full list, cell lists), median of repeats');
console.log(' atoms     pairs      ms/build   µs/atom   ratio to smallest');
for (const row of rows) {
  console.log(
    `${String(row.atoms).padStart(6)} ${String(row.pairs).padStart(10)} ${row.ms.toFixed(2).padStart(12)} ${row.usPerAtom.toFixed(3).padStart(9)} ${(row.usPerAtom / base).toFixed(2).padStart(10)}`,
  );
}
const first = rows[0]!;
const last = rows[rows.length - 1]!;
const exponent = Math.log(last.ms / first.ms) / Math.log(last.atoms / first.atoms);
console.log(
  `growth exponent (log ms / log N, first to last): ${exponent.toFixed(3)}  (1 = linear)`,
);
