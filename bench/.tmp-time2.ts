import { Atoms, LennardJones } from '@mlff-distiller/core';
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
const calc = new LennardJones({ epsilon: 0.0104, sigma: 3.405, rc: 8.5 });
await calc.getForces(atoms);
for (let round = 0; round < 3; round++) {
  let t0 = performance.now();
  for (let r = 0; r < 200; r++) (calc as any).doCalculate(atoms, ['energy', 'forces']);
  console.log('doCalculate', ((performance.now() - t0) / 200).toFixed(3));
  t0 = performance.now();
  let k = 0;
  for (let r = 0; r < 200; r++) { atoms.positions[0]! += 1e-6 * ((k++ % 2) ? 1 : -1); await calc.getForces(atoms); }
  console.log('getForces', ((performance.now() - t0) / 200).toFixed(3));
  t0 = performance.now();
  for (let r = 0; r < 50; r++) (calc as any).doCalculate(atoms, ['energy', 'forces', 'energies', 'stresses']);
  console.log('doCalculate all', ((performance.now() - t0) / 50).toFixed(3));
}
