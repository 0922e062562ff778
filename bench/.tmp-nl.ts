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
let best = 1e9, bestH = 1e9;
for (let r = 0; r < 100; r++) { const t0 = performance.now(); const nl = buildNeighborList(atoms, 8.8); const t1 = performance.now(); halfPairIndices(nl); const t2 = performance.now(); best = Math.min(best, t1 - t0); bestH = Math.min(bestH, t2 - t1); }
console.log('build min', best.toFixed(2), 'half min', bestH.toFixed(2));
