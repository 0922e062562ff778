import type { Tensor } from '../evaluate.js';

/**
 * A random padded neighbour matrix with its reverse-slot index, as core's
 * `toNeighborMatrix` + `reverseSlotIndex` produce: `pairs` undirected couples (i, j)
 * (self-couples i = i stand for periodic images; `selfPairs: false` leaves them out) each fill one slot in row i and one in
 * row j; the rest of each row is padding pointing at the atom itself and at its own slot.
 */
export function randomNeighborMatrix(
  rand: () => number,
  atoms: number,
  capacity: number,
  pairs: number,
  options: { selfPairs?: boolean } = {},
): { neighbors: Tensor; reverse: Tensor } {
  const selfPairs = options.selfPairs ?? true;
  const count = new Array<number>(atoms).fill(0);
  const nbr = new Float64Array(atoms * capacity);
  const rev = new Float64Array(atoms * capacity);
  for (let p = 0, tries = 0; p < pairs && tries < 100 * pairs; tries++) {
    const i = Math.floor(rand() * atoms);
    const j = Math.floor(rand() * atoms);
    if (i === j && !selfPairs) continue;
    const need = i === j ? 2 : 1;
    if (count[i] + need > capacity || count[j] + need > capacity) continue;
    const si = i * capacity + count[i]++;
    const sj = j * capacity + count[j]++;
    nbr[si] = j;
    nbr[sj] = i;
    rev[si] = sj;
    rev[sj] = si;
    p++;
  }
  for (let i = 0; i < atoms; i++) {
    for (let s = count[i]; s < capacity; s++) {
      nbr[i * capacity + s] = i;
      rev[i * capacity + s] = i * capacity + s;
    }
  }
  const shape = [atoms, capacity];
  return { neighbors: { shape, data: nbr }, reverse: { shape, data: rev } };
}
