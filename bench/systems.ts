import { Atoms } from '@mlff-distiller/core';

/**
 * Face-centred cubic crystal of one element: `repeat`³ conventional cells of lattice
 * constant `a` Å (4 atoms each), periodic, optionally rattled by a Gaussian of `rattle` Å.
 */
export function fccCrystal(symbol: string, a: number, repeat: number, rattle = 0, seed = 1): Atoms {
  const basis = [
    [0, 0, 0],
    [0.5, 0.5, 0],
    [0.5, 0, 0.5],
    [0, 0.5, 0.5],
  ];
  const n = 4 * repeat ** 3;
  const positions = new Float64Array(3 * n);
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  let k = 0;
  for (let x = 0; x < repeat; x++) {
    for (let y = 0; y < repeat; y++) {
      for (let z = 0; z < repeat; z++) {
        for (const b of basis) {
          positions[k++] = (x + b[0]!) * a + rattle * gauss();
          positions[k++] = (y + b[1]!) * a + rattle * gauss();
          positions[k++] = (z + b[2]!) * a + rattle * gauss();
        }
      }
    }
  }
  const L = repeat * a;
  return new Atoms({ symbols: new Array(n).fill(symbol), positions, cell: [L, L, L], pbc: true });
}
