import { Atoms } from '../atoms.js';
import { Random } from '../random.js';

/** Options of {@link fccCrystal}. */
export interface FccOptions {
  /** Standard deviation in Å of Gaussian displacements added to every coordinate (default 0). */
  rattle?: number;
  /** Seed of the displacements (default 1). */
  seed?: number;
}

const FCC_BASIS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [0, 0.5, 0.5],
  [0.5, 0, 0.5],
  [0.5, 0.5, 0],
];

/**
 * A face-centred cubic crystal of one element: `repeat`³ conventional cubic cells of
 * lattice constant `a` Å (4 atoms each, 4·repeat³ in all), periodic along all three axes,
 * in the atom order of ASE's `bulk(symbol, 'fcc', a, cubic=True).repeat(repeat)`.
 */
export function fccCrystal(
  symbol: string,
  a: number,
  repeat: number,
  options: FccOptions = {},
): Atoms {
  const rattle = options.rattle ?? 0;
  const random = new Random(options.seed ?? 1);
  const n = 4 * repeat ** 3;
  const positions = new Float64Array(3 * n);
  let k = 0;
  for (let x = 0; x < repeat; x++) {
    for (let y = 0; y < repeat; y++) {
      for (let z = 0; z < repeat; z++) {
        for (const b of FCC_BASIS) {
          positions[k++] = (x + b[0]) * a + (rattle > 0 ? rattle * random.normal() : 0);
          positions[k++] = (y + b[1]) * a + (rattle > 0 ? rattle * random.normal() : 0);
          positions[k++] = (z + b[2]) * a + (rattle > 0 ? rattle * random.normal() : 0);
        }
      }
    }
  }
  const L = repeat * a;
  return new Atoms({ symbols: new Array(n).fill(symbol), positions, cell: [L, L, L], pbc: true });
}
