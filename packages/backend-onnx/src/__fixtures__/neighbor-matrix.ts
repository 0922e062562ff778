/**
 * A random padded neighbour matrix [atoms, capacity] with its reverse-slot index: up to
 * `pairs` couples (i ≠ j) each fill a slot in row i and one in row j; remaining slots are
 * padding that point at the atom itself and at their own slot. `mask` marks real slots.
 */
export function neighborMatrix(
  r: () => number,
  atoms: number,
  capacity: number,
  pairs: number,
): { nbr: Int32Array; rev: Int32Array; mask: Uint8Array } {
  const count = new Array<number>(atoms).fill(0);
  const nbr = new Int32Array(atoms * capacity);
  const rev = new Int32Array(atoms * capacity);
  const mask = new Uint8Array(atoms * capacity);
  for (let p = 0, tries = 0; p < pairs && tries < 100 * pairs; tries++) {
    const i = Math.floor(r() * atoms);
    const j = Math.floor(r() * atoms);
    if (i === j) continue;
    if (count[i] + 1 > capacity || count[j] + 1 > capacity) continue;
    const si = i * capacity + count[i]++;
    const sj = j * capacity + count[j]++;
    nbr[si] = j;
    nbr[sj] = i;
    rev[si] = sj;
    rev[sj] = si;
    mask[si] = 1;
    mask[sj] = 1;
    p++;
  }
  for (let i = 0; i < atoms; i++) {
    for (let s = count[i]; s < capacity; s++) {
      nbr[i * capacity + s] = i;
      rev[i * capacity + s] = i * capacity + s;
    }
  }
  return { nbr, rev, mask };
}
