/**
 * Eigen-decomposition of small symmetric matrices by cyclic Jacobi rotations: exact to rounding, and the
 * matrices here are tiny (k×k with k the number of principal components).
 */

/** Eigenvalues (descending) and the matching unit eigenvectors (vectors[j] is the j-th, length k). */
export interface SymmetricEigen {
  values: number[];
  vectors: number[][];
}

/** Eigen-decomposition of a symmetric k×k matrix given as rows. */
export function symmetricEigen(matrix: number[][]): SymmetricEigen {
  const k = matrix.length;
  const a = matrix.map((row) => row.slice());
  const v = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) rotate(a, v, p, q);
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => a[j][j] - a[i][i]);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}

/** One Jacobi rotation zeroing a[p][q]; accumulates the rotation into v's columns. */
function rotate(a: number[][], v: number[][], p: number, q: number): void {
  if (Math.abs(a[p][q]) < 1e-300) return;
  const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  const k = a.length;
  for (let r = 0; r < k; r++) {
    const arp = a[r][p];
    const arq = a[r][q];
    a[r][p] = c * arp - s * arq;
    a[r][q] = s * arp + c * arq;
  }
  for (let r = 0; r < k; r++) {
    const apr = a[p][r];
    const aqr = a[q][r];
    a[p][r] = c * apr - s * aqr;
    a[q][r] = s * apr + c * aqr;
  }
  for (let r = 0; r < k; r++) {
    const vrp = v[r][p];
    const vrq = v[r][q];
    v[r][p] = c * vrp - s * vrq;
    v[r][q] = s * vrp + c * vrq;
  }
}
