/** Every ordered pair (i, j), i ≠ j, of `n` atoms: a full pair list for small test systems. */
export function allPairs(n: number): { i: Int32Array; j: Int32Array } {
  const i = new Int32Array(n * (n - 1));
  const j = new Int32Array(n * (n - 1));
  let p = 0;
  for (let a = 0; a < n; a++) {
    for (let c = 0; c < n; c++) {
      if (a === c) continue;
      i[p] = a;
      j[p] = c;
      p++;
    }
  }
  return { i, j };
}
