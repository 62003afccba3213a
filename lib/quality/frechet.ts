/**
 * Distances between two sets of feature vectors (rows of n x d matrices):
 * the Fréchet distance between Gaussians fitted to each set (the FID
 * formula), and k-NN precision/recall (Kynkäänniemi et al., 2019), which
 * split that distance into "generated images look real" and "the real
 * variety is covered". Plain float64 code, small d (tens).
 */
export interface FeatureMatrix {
  rows: number;
  dim: number;
  /** rows * dim values, row-major. */
  data: Float64Array;
}

export interface GaussianStats {
  dim: number;
  mean: Float64Array;
  /** dim x dim, row-major; unbiased (n - 1) estimate. */
  cov: Float64Array;
}

export function gaussianStats(features: FeatureMatrix): GaussianStats {
  const { rows, dim, data } = features;
  if (rows < 2) throw new RangeError(`need at least 2 feature vectors for a covariance, got ${rows}`);
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let i = 0; i < dim; i++) mean[i]! += data[r * dim + i]! / rows;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dim; i++) centred[i] = data[r * dim + i]! - mean[i]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      if (ci === 0) continue;
      for (let j = i; j < dim; j++) cov[i * dim + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i * dim + j]! / (rows - 1);
      cov[i * dim + j] = v;
      cov[j * dim + i] = v;
    }
  }
  return { dim, mean, cov };
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
 * Returns eigenvalues and eigenvectors as the columns of `vectors`.
 */
export function symmetricEigen(matrix: Float64Array, dim: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) v[i * dim + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) {
        const x = a[i * dim + j]! ** 2;
        norm += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * Math.max(norm, 1e-300)) break;
    for (let p = 0; p < dim - 1; p++) {
      for (let q = p + 1; q < dim; q++) {
        const apq = a[p * dim + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * dim + q]! - a[p * dim + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < dim; k++) {
          const akp = a[k * dim + p]!;
          const akq = a[k * dim + q]!;
          a[k * dim + p] = c * akp - s * akq;
          a[k * dim + q] = s * akp + c * akq;
        }
        for (let k = 0; k < dim; k++) {
          const apk = a[p * dim + k]!;
          const aqk = a[q * dim + k]!;
          a[p * dim + k] = c * apk - s * aqk;
          a[q * dim + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < dim; k++) {
          const vkp = v[k * dim + p]!;
          const vkq = v[k * dim + q]!;
          v[k * dim + p] = c * vkp - s * vkq;
          v[k * dim + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(dim);
  for (let i = 0; i < dim; i++) values[i] = a[i * dim + i]!;
  return { values, vectors: v };
}

/** Symmetric PSD square root via the eigen-decomposition (negative rounding noise clipped to 0). */
function sqrtPsd(matrix: Float64Array, dim: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, dim);
  const out = new Float64Array(dim * dim);
  for (let k = 0; k < dim; k++) {
    const root = Math.sqrt(Math.max(0, values[k]!));
    if (root === 0) continue;
    for (let i = 0; i < dim; i++) {
      const vik = vectors[i * dim + k]! * root;
      for (let j = 0; j < dim; j++) out[i * dim + j]! += vik * vectors[j * dim + k]!;
    }
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let k = 0; k < dim; k++) {
      const aik = a[i * dim + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < dim; j++) out[i * dim + j]! += aik * b[k * dim + j]!;
    }
  }
  return out;
}

/**
 * ||mu1 - mu2||^2 + tr(C1) + tr(C2) - 2 tr((C1 C2)^(1/2)). The cross term is
 * computed as tr((S C2 S)^(1/2)) with S = C1^(1/2): the same value (the two
 * matrices are similar), but S C2 S is symmetric PSD, so the square root is
 * well defined and real. Clamped at 0 against rounding.
 */
export function frechetDistance(a: GaussianStats, b: GaussianStats): number {
  const { dim } = a;
  if (b.dim !== dim) throw new RangeError(`feature dimensions differ: ${a.dim} and ${b.dim}`);
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < dim; i++) {
    meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
    traces += a.cov[i * dim + i]! + b.cov[i * dim + i]!;
  }
  const s = sqrtPsd(a.cov, dim);
  const middle = multiply(multiply(s, b.cov, dim), s, dim);
  // Symmetrise away rounding before the eigen solve.
  for (let i = 0; i < dim; i++) {
    for (let j = i + 1; j < dim; j++) {
      const m = (middle[i * dim + j]! + middle[j * dim + i]!) / 2;
      middle[i * dim + j] = m;
      middle[j * dim + i] = m;
    }
  }
  const { values } = symmetricEigen(middle, dim);
  let cross = 0;
  for (const value of values) cross += Math.sqrt(Math.max(0, value));
  return Math.max(0, meanTerm + traces - 2 * cross);
}

function squaredDistances(a: FeatureMatrix, b: FeatureMatrix): Float64Array {
  const out = new Float64Array(a.rows * b.rows);
  const { dim } = a;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      let sum = 0;
      for (let k = 0; k < dim; k++) {
        const d = a.data[i * dim + k]! - b.data[j * dim + k]!;
        sum += d * d;
      }
      out[i * b.rows + j] = sum;
    }
  }
  return out;
}

/** Squared distance from each row to its k-th nearest other row of the same set. */
function kthNeighbourRadii(set: FeatureMatrix, k: number): Float64Array {
  const d = squaredDistances(set, set);
  const radii = new Float64Array(set.rows);
  const row = new Float64Array(set.rows);
  for (let i = 0; i < set.rows; i++) {
    row.set(d.subarray(i * set.rows, (i + 1) * set.rows));
    row.sort();
    radii[i] = row[Math.min(k, set.rows - 1)]!; // row[0] is the point itself
  }
  return radii;
}

/** Fraction of `points` inside at least one hypersphere of the `support` set's k-NN manifold. */
function coverage(support: FeatureMatrix, points: FeatureMatrix, k: number): number {
  const radii = kthNeighbourRadii(support, k);
  const d = squaredDistances(points, support);
  let inside = 0;
  for (let i = 0; i < points.rows; i++) {
    for (let j = 0; j < support.rows; j++) {
      if (d[i * support.rows + j]! <= radii[j]!) {
        inside++;
        break;
      }
    }
  }
  return inside / points.rows;
}

/**
 * Precision: share of generated samples that fall on the real manifold.
 * Recall: share of real samples that fall on the generated manifold.
 */
export function precisionRecall(real: FeatureMatrix, generated: FeatureMatrix, k = 3): { precision: number; recall: number } {
  if (real.rows <= k || generated.rows <= k) throw new RangeError(`need more than k = ${k} samples in each set`);
  return { precision: coverage(real, generated, k), recall: coverage(generated, real, k) };
}
