/*
 * CNN Lab's WebAssembly SIMD training kernels. They run on tensors inside the wasm backend's own memory, which
 * this module imports (all pointers are byte offsets into it), so no data is copied in or out.
 *
 * Rules that keep sharing the backend's memory safe: no globals, no static data, no stack (plain scalar and
 * v128 locals only; build.mjs checks that the linked module has no memory-writing global such as
 * __stack_pointer), and every function only writes to the output it is given.
 *
 * Build: node src/trainer/kernels/simd/build.mjs (Debian: apt-get install clang lld).
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* Output-pixel range [lo, hi) whose tap lands inside [0, size): pos = o·stride + shift. */
static int first_inside(int shift, int stride, int out) {
  int lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  return lo < out ? lo : out;
}
static int end_inside(int shift, int stride, int size, int out, int lo) {
  int last = size - 1 - shift;
  int hi = last < 0 ? 0 : last / stride + 1;
  if (hi > out) hi = out;
  return hi < lo ? lo : hi;
}

/*
 * dW[kh][kw][ci][co] = Σ_{b, oh, ow} x[b][oh·SH − top + kh·DH][ow·SW − left + kw·DW][ci] · dy[b][oh][ow][co]
 * (NHWC x and dy, HWIO dW). One image at a time, so that x and dy stay in cache while every (tap, channel
 * block) pass sums over its pixels in registers: 4 input channels × 8 output channels of accumulators when
 * CI % 4 == 0 and CO % 8 == 0, else 1 × 4 (needs CO % 4 == 0; the caller checks). dW is overwritten.
 */
EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const float *x, const float *dy, float *dw, int B, int H, int W, int CI, int OH, int OW, int CO,
                        int FH, int FW, int SH, int SW, int DH, int DW, int top, int left) {
  const int wide = CI % 4 == 0 && CO % 8 == 0;
  const int cib = wide ? 4 : 1;
  const int cob = wide ? 8 : 4;
  for (int i = 0; i < FH * FW * CI * CO; i++) dw[i] = 0;
  for (int b = 0; b < B; b++) {
    for (int kh = 0; kh < FH; kh++) {
      for (int kw = 0; kw < FW; kw++) {
        const int shiftW = kw * DW - left;
        const int owLo = first_inside(shiftW, SW, OW);
        const int owHi = end_inside(shiftW, SW, W, OW, owLo);
        for (int ci = 0; ci < CI; ci += cib) {
          for (int co = 0; co < CO; co += cob) {
            float *out = dw + ((kh * FW + kw) * CI + ci) * CO + co;
            if (wide) {
              v128_t a00 = wasm_v128_load(out), a01 = wasm_v128_load(out + 4);
              v128_t a10 = wasm_v128_load(out + CO), a11 = wasm_v128_load(out + CO + 4);
              v128_t a20 = wasm_v128_load(out + 2 * CO), a21 = wasm_v128_load(out + 2 * CO + 4);
              v128_t a30 = wasm_v128_load(out + 3 * CO), a31 = wasm_v128_load(out + 3 * CO + 4);
              for (int oh = 0; oh < OH; oh++) {
                const int ih = oh * SH - top + kh * DH;
                if (ih < 0 || ih >= H) continue;
                const float *xp = x + ((b * H + ih) * W + owLo * SW + shiftW) * CI + ci;
                const float *gp = dy + ((b * OH + oh) * OW + owLo) * CO + co;
                for (int ow = owLo; ow < owHi; ow++, xp += SW * CI, gp += CO) {
                  const v128_t g0 = wasm_v128_load(gp), g1 = wasm_v128_load(gp + 4);
                  v128_t s = wasm_f32x4_splat(xp[0]);
                  a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s, g0));
                  a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s, g1));
                  s = wasm_f32x4_splat(xp[1]);
                  a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s, g0));
                  a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s, g1));
                  s = wasm_f32x4_splat(xp[2]);
                  a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s, g0));
                  a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s, g1));
                  s = wasm_f32x4_splat(xp[3]);
                  a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s, g0));
                  a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s, g1));
                }
              }
              wasm_v128_store(out, a00), wasm_v128_store(out + 4, a01);
              wasm_v128_store(out + CO, a10), wasm_v128_store(out + CO + 4, a11);
              wasm_v128_store(out + 2 * CO, a20), wasm_v128_store(out + 2 * CO + 4, a21);
              wasm_v128_store(out + 3 * CO, a30), wasm_v128_store(out + 3 * CO + 4, a31);
            } else {
              v128_t acc = wasm_v128_load(out);
              for (int oh = 0; oh < OH; oh++) {
                const int ih = oh * SH - top + kh * DH;
                if (ih < 0 || ih >= H) continue;
                const float *xp = x + ((b * H + ih) * W + owLo * SW + shiftW) * CI + ci;
                const float *gp = dy + ((b * OH + oh) * OW + owLo) * CO + co;
                for (int ow = owLo; ow < owHi; ow++, xp += SW * CI, gp += CO) {
                  acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(xp[0]), wasm_v128_load(gp)));
                }
              }
              wasm_v128_store(out, acc);
            }
          }
        }
      }
    }
  }
}

/*
 * MaxPool2d(2)'s gradient (2×2 windows, stride 2, no padding, even input): each tap equal to the window's forward
 * maximum y takes dy, the first one in row-major order only (the reference kernel's tie rule). C % 4 == 0.
 */
EXPORT(max_pool_grad_2x2)
void max_pool_grad_2x2(const float *x, const float *y, const float *dy, float *dx, int B, int OH, int OW, int C) {
  const int W = 2 * OW;
  int o = 0;
  for (int b = 0; b < B; b++) {
    for (int oh = 0; oh < OH; oh++) {
      const int row0 = (b * OH + oh) * 2 * W * C;
      const int row1 = row0 + W * C;
      for (int ow = 0; ow < OW; ow++) {
        const int i0 = row0 + 2 * ow * C;
        const int i1 = row1 + 2 * ow * C;
        for (int c = 0; c < C; c += 4, o += 4) {
          const v128_t m = wasm_v128_load(y + o);
          const v128_t g = wasm_v128_load(dy + o);
          const v128_t ha = wasm_f32x4_eq(wasm_v128_load(x + i0 + c), m);
          const v128_t hb = wasm_v128_andnot(wasm_f32x4_eq(wasm_v128_load(x + i0 + C + c), m), ha);
          const v128_t seen = wasm_v128_or(ha, hb);
          const v128_t hc = wasm_v128_andnot(wasm_f32x4_eq(wasm_v128_load(x + i1 + c), m), seen);
          const v128_t hd = wasm_v128_andnot(wasm_f32x4_eq(wasm_v128_load(x + i1 + C + c), m), wasm_v128_or(seen, hc));
          wasm_v128_store(dx + i0 + c, wasm_v128_and(ha, g));
          wasm_v128_store(dx + i0 + C + c, wasm_v128_and(hb, g));
          wasm_v128_store(dx + i1 + c, wasm_v128_and(hc, g));
          wasm_v128_store(dx + i1 + C + c, wasm_v128_and(hd, g));
        }
      }
    }
  }
}

/*
 * Adam / AdamW (torch.optim 1.13): g += coupled·p; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * p = p·shrink − stepSize·m / (√v / rootBc2 + eps). Vectors of 4, then a scalar tail.
 * Subnormal floats cost x86 a microcode assist each (wasm cannot flush them to zero), and Adam makes them: a
 * parameter whose gradient stays 0 (a dead unit's weights) has m shrunk by β1 every step, subnormal after ~800
 * steps. That tripled this kernel's time from the second epoch on. So g under 1e-16 (whose g² would be subnormal)
 * and m, v under 1e-30 are taken as 0: each changes the step by under stepSize·1e-8, far below float32's
 * resolution of a weight. NaN is kept (the comparison is false), so divergence is still seen.
 */
/* x, with lanes of magnitude under `below` set to 0 (NaN kept: its comparison is false). */
static inline v128_t flush_below(v128_t x, v128_t below) {
  return wasm_v128_andnot(x, wasm_f32x4_lt(wasm_f32x4_abs(x), below));
}

static inline float flush_scalar(float x, float below) {
  return __builtin_fabsf(x) < below ? 0.0f : x;
}

EXPORT(adam_step)
void adam_step(const float *p, const float *g, const float *m, const float *v, float *p2, float *m2, float *v2, int n,
               float beta1, float beta2, float eps, float stepSize, float rootBc2, float shrink, float coupled) {
  const v128_t b1 = wasm_f32x4_splat(beta1), c1 = wasm_f32x4_splat(1 - beta1);
  const v128_t b2 = wasm_f32x4_splat(beta2), c2 = wasm_f32x4_splat(1 - beta2);
  const v128_t ve = wasm_f32x4_splat(eps), vs = wasm_f32x4_splat(stepSize), vr = wasm_f32x4_splat(rootBc2);
  const v128_t vk = wasm_f32x4_splat(shrink), vc = wasm_f32x4_splat(coupled);
  const v128_t tinyG = wasm_f32x4_splat(1e-16f), tiny = wasm_f32x4_splat(1e-30f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t pi = wasm_v128_load(p + i);
    const v128_t gi = flush_below(wasm_f32x4_add(wasm_v128_load(g + i), wasm_f32x4_mul(vc, pi)), tinyG);
    const v128_t mi = flush_below(wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m + i)), wasm_f32x4_mul(c1, gi)), tiny);
    const v128_t vi = flush_below(wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(v + i)), wasm_f32x4_mul(c2, wasm_f32x4_mul(gi, gi))), tiny);
    const v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), vr), ve);
    wasm_v128_store(m2 + i, mi);
    wasm_v128_store(v2 + i, vi);
    wasm_v128_store(p2 + i, wasm_f32x4_sub(wasm_f32x4_mul(pi, vk), wasm_f32x4_div(wasm_f32x4_mul(vs, mi), denom)));
  }
  for (; i < n; i++) {
    const float gi = flush_scalar(g[i] + coupled * p[i], 1e-16f);
    const float mi = flush_scalar(beta1 * m[i] + (1 - beta1) * gi, 1e-30f);
    const float vi = flush_scalar(beta2 * v[i] + (1 - beta2) * gi * gi, 1e-30f);
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = p[i] * shrink - stepSize * mi / (__builtin_sqrtf(vi) / rootBc2 + eps);
  }
}

/*
 * out[j] = Σ_r x[r·inner + j] for inner % 4 == 0, accumulated in float64 (two f64x2 per 4 columns) like the CPU
 * reference; columns in blocks of 8 so that the accumulators stay in registers.
 */
EXPORT(sum_rows)
void sum_rows(const float *x, int rows, int inner, float *out) {
  int j = 0;
  for (; j + 8 <= inner; j += 8) {
    v128_t a0 = wasm_f64x2_splat(0), a1 = a0, a2 = a0, a3 = a0;
    const float *xp = x + j;
    for (int r = 0; r < rows; r++, xp += inner) {
      const v128_t u = wasm_v128_load(xp), w = wasm_v128_load(xp + 4);
      a0 = wasm_f64x2_add(a0, wasm_f64x2_promote_low_f32x4(u));
      a1 = wasm_f64x2_add(a1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(u, u, 2, 3, 0, 1)));
      a2 = wasm_f64x2_add(a2, wasm_f64x2_promote_low_f32x4(w));
      a3 = wasm_f64x2_add(a3, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(w, w, 2, 3, 0, 1)));
    }
    wasm_v128_store64_lane(out + j, wasm_f32x4_demote_f64x2_zero(a0), 0);
    wasm_v128_store64_lane(out + j + 2, wasm_f32x4_demote_f64x2_zero(a1), 0);
    wasm_v128_store64_lane(out + j + 4, wasm_f32x4_demote_f64x2_zero(a2), 0);
    wasm_v128_store64_lane(out + j + 6, wasm_f32x4_demote_f64x2_zero(a3), 0);
  }
  for (; j < inner; j += 4) {
    v128_t a0 = wasm_f64x2_splat(0), a1 = a0;
    const float *xp = x + j;
    for (int r = 0; r < rows; r++, xp += inner) {
      const v128_t u = wasm_v128_load(xp);
      a0 = wasm_f64x2_add(a0, wasm_f64x2_promote_low_f32x4(u));
      a1 = wasm_f64x2_add(a1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(u, u, 2, 3, 0, 1)));
    }
    wasm_v128_store64_lane(out + j, wasm_f32x4_demote_f64x2_zero(a0), 0);
    wasm_v128_store64_lane(out + j + 2, wasm_f32x4_demote_f64x2_zero(a1), 0);
  }
}

/* out[r·C + c] = x[r·C + c] + bias[c] for C % 4 == 0: a channels-last bias (tfjs's broadcasting Add is generic). */
EXPORT(add_channel_bias)
void add_channel_bias(const float *x, const float *bias, float *out, int rows, int C) {
  for (int r = 0; r < rows; r++, x += C, out += C) {
    for (int c = 0; c < C; c += 4) wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(x + c), wasm_v128_load(bias + c)));
  }
}

static float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

/* Σ_k a[k]·b[k] over K = 4·K4 + tail. */
static float dot(const float *a, const float *b, int K) {
  v128_t acc = wasm_f32x4_splat(0);
  int k = 0;
  for (; k + 4 <= K; k += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + k), wasm_v128_load(b + k)));
  float s = hsum(acc);
  for (; k < K; k++) s += a[k] * b[k];
  return s;
}

/*
 * out[M][N] = a[M][K] · b[N][K]ᵀ (a dense layer's input gradient dy·Wᵀ): both operands are read along K,
 * contiguously, and nothing is packed. Blocks of 2 rows of a × 4 rows
 * of b keep 8 accumulators in registers; the edges use single dot products.
 */
EXPORT(matmul_nt)
void matmul_nt(const float *a, const float *b, float *out, int M, int N, int K) {
  const int K4 = K & ~3;
  int i = 0;
  for (; i + 2 <= M; i += 2) {
    const float *a0 = a + i * K, *a1 = a0 + K;
    int j = 0;
    for (; j + 4 <= N; j += 4) {
      const float *b0 = b + j * K, *b1 = b0 + K, *b2 = b1 + K, *b3 = b2 + K;
      v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
      for (int k = 0; k < K4; k += 4) {
        const v128_t x0 = wasm_v128_load(a0 + k), x1 = wasm_v128_load(a1 + k);
        v128_t w = wasm_v128_load(b0 + k);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, w));
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, w));
        w = wasm_v128_load(b1 + k);
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, w));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, w));
        w = wasm_v128_load(b2 + k);
        c02 = wasm_f32x4_add(c02, wasm_f32x4_mul(x0, w));
        c12 = wasm_f32x4_add(c12, wasm_f32x4_mul(x1, w));
        w = wasm_v128_load(b3 + k);
        c03 = wasm_f32x4_add(c03, wasm_f32x4_mul(x0, w));
        c13 = wasm_f32x4_add(c13, wasm_f32x4_mul(x1, w));
      }
      float s00 = hsum(c00), s01 = hsum(c01), s02 = hsum(c02), s03 = hsum(c03);
      float s10 = hsum(c10), s11 = hsum(c11), s12 = hsum(c12), s13 = hsum(c13);
      for (int k = K4; k < K; k++) {
        s00 += a0[k] * b0[k], s01 += a0[k] * b1[k], s02 += a0[k] * b2[k], s03 += a0[k] * b3[k];
        s10 += a1[k] * b0[k], s11 += a1[k] * b1[k], s12 += a1[k] * b2[k], s13 += a1[k] * b3[k];
      }
      float *o0 = out + i * N + j, *o1 = o0 + N;
      o0[0] = s00, o0[1] = s01, o0[2] = s02, o0[3] = s03;
      o1[0] = s10, o1[1] = s11, o1[2] = s12, o1[3] = s13;
    }
    for (; j < N; j++) {
      out[i * N + j] = dot(a0, b + j * K, K);
      out[(i + 1) * N + j] = dot(a1, b + j * K, K);
    }
  }
  for (; i < M; i++) {
    for (int j = 0; j < N; j++) out[i * N + j] = dot(a + i * K, b + j * K, K);
  }
}

/* out[0..8) (or [0..4) when not wide) = lo, hi + bias, then max(·, 0) when relu. */
static void store_nn(float *out, v128_t lo, v128_t hi, v128_t b0, v128_t b1, int wide, int relu) {
  lo = wasm_f32x4_add(lo, b0), hi = wasm_f32x4_add(hi, b1);
  if (relu) lo = wasm_f32x4_max(lo, wasm_f32x4_splat(0)), hi = wasm_f32x4_max(hi, wasm_f32x4_splat(0));
  wasm_v128_store(out, lo);
  if (wide) wasm_v128_store(out + 4, hi);
}

/* out[r][j..j+8) for the R (1 or 4) rows of a starting at a, over all of K: b's rows are read once per call. */
static void rows_nn(const float *a, const float *b, const float *bias, float *out, int R, int N, int K, int relu) {
  for (int j = 0; j < N; j += 8) {
    const int wide = j + 8 <= N; /* N % 4 == 0: the last block may be 4 wide */
    v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    const float *w = b + j;
    for (int k = 0; k < K; k++, w += N) {
      const v128_t w0 = wasm_v128_load(w), w1 = wide ? wasm_v128_load(w + 4) : w0;
      const v128_t x0 = wasm_f32x4_splat(a[k]);
      c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, w0));
      c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, w1));
      if (R == 4) {
        const v128_t x1 = wasm_f32x4_splat(a[K + k]), x2 = wasm_f32x4_splat(a[2 * K + k]), x3 = wasm_f32x4_splat(a[3 * K + k]);
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, w0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, w1));
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, w0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, w1));
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, w0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, w1));
      }
    }
    const v128_t b0 = bias ? wasm_v128_load(bias + j) : wasm_f32x4_splat(0);
    const v128_t b1 = bias && wide ? wasm_v128_load(bias + j + 4) : b0;
    store_nn(out + j, c00, c01, b0, b1, wide, relu);
    if (R == 4) {
      store_nn(out + N + j, c10, c11, b0, b1, wide, relu);
      store_nn(out + 2 * N + j, c20, c21, b0, b1, wide, relu);
      store_nn(out + 3 * N + j, c30, c31, b0, b1, wide, relu);
    }
  }
}

/*
 * out[M][N] = a[M][K] · b[K][N] (+ bias[N], then max(·, 0) when relu) for N % 4 == 0: a dense layer's forward pass
 * with its weights b read in place. XNNPACK would first pack a copy of b (VGG-16's 25088×4096 layer: 392 MiB, on
 * every step, since the weights change) and keep it until the weights are freed; for a few rows of a, streaming b
 * costs one pass over it per 4 rows, no more than the packing.
 */
EXPORT(matmul_nn)
void matmul_nn(const float *a, const float *b, const float *bias, float *out, int M, int N, int K, int relu) {
  int i = 0;
  for (; i + 4 <= M; i += 4) rows_nn(a + i * K, b, bias, out + i * N, 4, N, K, relu);
  for (; i < M; i++) rows_nn(a + i * K, b, bias, out + i * N, 1, N, K, relu);
}

/*
 * BatchNorm (batch-norm.ts) on a channels-last [rows][C] tensor, C % 4 == 0. Statistics go over strips of 8 (then 4)
 * channels in float64 registers, so that a whole strip's sums never leave them; the element-wise passes are one read
 * and one write each, where the same formulas written with tfjs ops cost about ten full passes per step.
 */
#define F64_LO(u) wasm_f64x2_promote_low_f32x4(u)
#define F64_HI(u) wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(u, u, 2, 3, 0, 1))

/* Stores four float64 lanes (a: channels 0–1, b: 2–3) as float32 at out. */
static void store_f64x4(float *out, v128_t a, v128_t b) {
  wasm_v128_store64_lane(out, wasm_f32x4_demote_f64x2_zero(a), 0);
  wasm_v128_store64_lane(out + 2, wasm_f32x4_demote_f64x2_zero(b), 0);
}

/* Four channels' mean and biased variance from their float64 sums (s) and sums of squares (q): E[x²] − μ². */
static void store_moments(float *mean, float *var, v128_t s0, v128_t s1, v128_t q0, v128_t q1, int rows) {
  const v128_t inv = wasm_f64x2_splat(1.0 / rows), zero = wasm_f64x2_splat(0);
  const v128_t m0 = wasm_f64x2_mul(s0, inv), m1 = wasm_f64x2_mul(s1, inv);
  store_f64x4(mean, m0, m1);
  store_f64x4(var, wasm_f64x2_pmax(zero, wasm_f64x2_sub(wasm_f64x2_mul(q0, inv), wasm_f64x2_mul(m0, m0))),
              wasm_f64x2_pmax(zero, wasm_f64x2_sub(wasm_f64x2_mul(q1, inv), wasm_f64x2_mul(m1, m1))));
}

/*
 * Rows per block of the channel statistics: a block of every channel (8 KiB of each input) stays in L1 while the
 * strips of 4–8 channels take their turns over it. Strip after strip over the whole tensor instead would read each
 * cache line once per strip (4× the memory traffic at 16 channels).
 */
static inline int block_rows(int C) {
  return C >= 2048 ? 1 : 2048 / C;
}

/*
 * Per channel: mean and biased variance, from float64 sums that go row by row (the same order at any block size)
 * and live in acc [2][C] (float64) between blocks.
 */
EXPORT(channel_moments)
void channel_moments(const float *x, int rows, int C, float *mean, float *var, double *acc) {
  const int block = block_rows(C);
  for (int j = 0; j < 2 * C; j++) acc[j] = 0;
  double *sums = acc, *squares = acc + C;
  for (int r0 = 0; r0 < rows; r0 += block) {
    const int n = rows - r0 < block ? rows - r0 : block;
    int j = 0;
    for (; j + 8 <= C; j += 8) {
      v128_t s0 = wasm_v128_load(sums + j), s1 = wasm_v128_load(sums + j + 2), s2 = wasm_v128_load(sums + j + 4), s3 = wasm_v128_load(sums + j + 6);
      v128_t q0 = wasm_v128_load(squares + j), q1 = wasm_v128_load(squares + j + 2), q2 = wasm_v128_load(squares + j + 4), q3 = wasm_v128_load(squares + j + 6);
      const float *xp = x + r0 * C + j;
      for (int r = 0; r < n; r++, xp += C) {
        const v128_t u = wasm_v128_load(xp), w = wasm_v128_load(xp + 4);
        const v128_t a = F64_LO(u), b = F64_HI(u), c = F64_LO(w), d = F64_HI(w);
        s0 = wasm_f64x2_add(s0, a), s1 = wasm_f64x2_add(s1, b), s2 = wasm_f64x2_add(s2, c), s3 = wasm_f64x2_add(s3, d);
        q0 = wasm_f64x2_add(q0, wasm_f64x2_mul(a, a)), q1 = wasm_f64x2_add(q1, wasm_f64x2_mul(b, b));
        q2 = wasm_f64x2_add(q2, wasm_f64x2_mul(c, c)), q3 = wasm_f64x2_add(q3, wasm_f64x2_mul(d, d));
      }
      wasm_v128_store(sums + j, s0), wasm_v128_store(sums + j + 2, s1), wasm_v128_store(sums + j + 4, s2), wasm_v128_store(sums + j + 6, s3);
      wasm_v128_store(squares + j, q0), wasm_v128_store(squares + j + 2, q1), wasm_v128_store(squares + j + 4, q2), wasm_v128_store(squares + j + 6, q3);
    }
    for (; j < C; j += 4) {
      v128_t s0 = wasm_v128_load(sums + j), s1 = wasm_v128_load(sums + j + 2), q0 = wasm_v128_load(squares + j), q1 = wasm_v128_load(squares + j + 2);
      const float *xp = x + r0 * C + j;
      for (int r = 0; r < n; r++, xp += C) {
        const v128_t u = wasm_v128_load(xp), lo = F64_LO(u), hi = F64_HI(u);
        s0 = wasm_f64x2_add(s0, lo), s1 = wasm_f64x2_add(s1, hi);
        q0 = wasm_f64x2_add(q0, wasm_f64x2_mul(lo, lo)), q1 = wasm_f64x2_add(q1, wasm_f64x2_mul(hi, hi));
      }
      wasm_v128_store(sums + j, s0), wasm_v128_store(sums + j + 2, s1), wasm_v128_store(squares + j, q0), wasm_v128_store(squares + j + 2, q1);
    }
  }
  for (int j = 0; j < C; j += 4) {
    store_moments(mean + j, var + j, wasm_v128_load(sums + j), wasm_v128_load(sums + j + 2), wasm_v128_load(squares + j), wasm_v128_load(squares + j + 2), rows);
  }
}

/*
 * g where the fused ReLU let its input through, else 0. Its input (x − μ)·scale + shift is recomputed with
 * channel_normalize's operations in its order, so the mask is the forward pass's bit for bit, without reading y.
 */
static inline __attribute__((always_inline)) v128_t relu_masked(v128_t g, v128_t centred, v128_t scale, v128_t shift) {
  return wasm_v128_and(g, wasm_f32x4_gt(wasm_f32x4_add(wasm_f32x4_mul(centred, scale), shift), wasm_f32x4_splat(0)));
}

/* Inlined twice below with a constant `masked`, so that neither loop tests it. Row-blocked as channel_moments. */
static inline __attribute__((always_inline)) void grad_sums(const float *dy, const float *x, const float *mean, const float *scale, const float *shift,
                                                            int masked, int rows, int C, float *sum_dy, float *sum_dy_xc, double *acc) {
  const int block = block_rows(C);
  for (int j = 0; j < 2 * C; j++) acc[j] = 0;
  double *sums = acc, *products = acc + C;
  for (int r0 = 0; r0 < rows; r0 += block) {
    const int n = rows - r0 < block ? rows - r0 : block;
    for (int j = 0; j < C; j += 4) {
      v128_t s0 = wasm_v128_load(sums + j), s1 = wasm_v128_load(sums + j + 2), p0 = wasm_v128_load(products + j), p1 = wasm_v128_load(products + j + 2);
      const v128_t m = wasm_v128_load(mean + j);
      const v128_t sc = masked ? wasm_v128_load(scale + j) : m, sh = masked ? wasm_v128_load(shift + j) : m;
      const float *gp = dy + r0 * C + j, *xp = x + r0 * C + j;
      for (int r = 0; r < n; r++, gp += C, xp += C) {
        const v128_t centred = wasm_f32x4_sub(wasm_v128_load(xp), m);
        const v128_t g = masked ? relu_masked(wasm_v128_load(gp), centred, sc, sh) : wasm_v128_load(gp);
        const v128_t p = wasm_f32x4_mul(g, centred);
        s0 = wasm_f64x2_add(s0, F64_LO(g)), s1 = wasm_f64x2_add(s1, F64_HI(g));
        p0 = wasm_f64x2_add(p0, F64_LO(p)), p1 = wasm_f64x2_add(p1, F64_HI(p));
      }
      wasm_v128_store(sums + j, s0), wasm_v128_store(sums + j + 2, s1), wasm_v128_store(products + j, p0), wasm_v128_store(products + j + 2, p1);
    }
  }
  for (int j = 0; j < C; j += 4) {
    store_f64x4(sum_dy + j, wasm_v128_load(sums + j), wasm_v128_load(sums + j + 2));
    store_f64x4(sum_dy_xc + j, wasm_v128_load(products + j), wasm_v128_load(products + j + 2));
  }
}

/*
 * Per channel: Σg and Σg·(x − μ), the sums of BatchNorm's backward pass (float64), with g = dy, or dy masked by the
 * fused ReLU when its forward pass's scale and shift are given (scale at offset 0: no ReLU); acc: float64 [2][C].
 */
EXPORT(batch_norm_grad_sums)
void batch_norm_grad_sums(const float *dy, const float *x, const float *mean, const float *scale, const float *shift, int rows, int C,
                          float *sum_dy, float *sum_dy_xc, double *acc) {
  if (scale) grad_sums(dy, x, mean, scale, shift, 1, rows, C, sum_dy, sum_dy_xc, acc);
  else grad_sums(dy, x, mean, 0, 0, 0, rows, C, sum_dy, sum_dy_xc, acc);
}

/* out = (x − mean)·scale + shift per channel (BatchNorm's forward pass, training or evaluation), then max(·, 0) if relu (NaN stays NaN). */
EXPORT(channel_normalize)
void channel_normalize(const float *x, const float *mean, const float *scale, const float *shift, float *out, int rows, int C, int relu) {
  const v128_t floor = wasm_f32x4_splat(relu ? 0.0f : -__builtin_inff());
  for (int r = 0; r < rows; r++, x += C, out += C) {
    for (int c = 0; c < C; c += 4) {
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(x + c), wasm_v128_load(mean + c));
      const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(centred, wasm_v128_load(scale + c)), wasm_v128_load(shift + c));
      wasm_v128_store(out + c, wasm_f32x4_pmax(v, floor));
    }
  }
}

static inline __attribute__((always_inline)) void input_grad(const float *dy, const float *x, const float *mean, const float *scale, const float *shift,
                                                             int masked, const float *a, const float *b, const float *c, float *out, int rows, int C) {
  for (int r = 0; r < rows; r++, dy += C, x += C, out += C) {
    for (int k = 0; k < C; k += 4) {
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(x + k), wasm_v128_load(mean + k));
      const v128_t g = masked ? relu_masked(wasm_v128_load(dy + k), centred, wasm_v128_load(scale + k), wasm_v128_load(shift + k)) : wasm_v128_load(dy + k);
      const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(g, wasm_v128_load(a + k)), wasm_f32x4_mul(centred, wasm_v128_load(b + k)));
      wasm_v128_store(out + k, wasm_f32x4_add(v, wasm_v128_load(c + k)));
    }
  }
}

/* out = a·g + b·(x − mean) + c per channel (BatchNorm's input gradient), g as in batch_norm_grad_sums. */
EXPORT(batch_norm_input_grad)
void batch_norm_input_grad(const float *dy, const float *x, const float *mean, const float *scale, const float *shift, const float *a,
                           const float *b, const float *c, float *out, int rows, int C) {
  if (scale) input_grad(dy, x, mean, scale, shift, 1, a, b, c, out, rows, C);
  else input_grad(dy, x, mean, 0, 0, 0, a, b, c, out, rows, C);
}

/*
 * out[n][p][c] = x[n][p][c]·s[n][c] for x [N, P, C] and a per-image channel scale s [N, C] (Dropout2d's mask, forward
 * and backward), C % 4 == 0.
 */
EXPORT(scale_channels_per_image)
void scale_channels_per_image(const float *x, const float *s, float *out, int N, int P, int C) {
  for (int n = 0; n < N; n++, s += C) {
    for (int p = 0; p < P; p++, x += C, out += C) {
      for (int c = 0; c < C; c += 4) wasm_v128_store(out + c, wasm_f32x4_mul(wasm_v128_load(x + c), wasm_v128_load(s + c)));
    }
  }
}

/*
 * Winograd convolution, 3×3, stride 1, no dilation (Lavin & Gray 2015): each S×S block of outputs ("tile") is
 * computed from the (S + 2)² input patch around it as Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, so that per tile and channel pair
 * the 9·S² multiplications of the direct convolution become (S + 2)², done as (S + 2)² matrix products
 * [tiles × CI]·[CI × CO] (one per element of the transformed tile). F(2×2, 3×3): 16 instead of 36; F(4×4, 3×3):
 * 36 instead of 144, with larger transform coefficients (points 0, ±1, ±2), hence a larger float32 error.
 * Channels are padded to fours (CIp, COp) with zeros in the transformed filter.
 *
 * Filter: u[e][i][o] = (G g_io Gᵀ)[e] for the HWIO filter w [3][3][CI][CO]; with flip, the filter of the input
 * gradient instead (rotated 180°, in and out channels swapped: i over CO, o over CI), so that the same convolution
 * computes dx from dy.
 */
/* The floats p[0], p[step], …, p[(n − 1)·step] (n ≤ 4), zeros in the other lanes. */
static inline __attribute__((always_inline)) v128_t load_strided(const float *p, int step, int n) {
  if (step == 1 && n >= 4) return wasm_v128_load(p);
  v128_t v = wasm_f32x4_make(p[0], 0, 0, 0);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[step]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2 * step]);
  if (n > 3) v = wasm_f32x4_replace_lane(v, 3, p[3 * step]);
  return v;
}

/* Row i of an F(4×4) tile's 36 transformed elements: six vectors at p + (6·i + k)·E, k = 0…5. */
static inline __attribute__((always_inline)) void store_row6(float *p, int E, int i, v128_t a, v128_t b, v128_t c, v128_t d, v128_t e, v128_t f) {
  p += 6 * i * E;
  wasm_v128_store(p, a), wasm_v128_store(p + E, b), wasm_v128_store(p + 2 * E, c);
  wasm_v128_store(p + 3 * E, d), wasm_v128_store(p + 4 * E, e), wasm_v128_store(p + 5 * E, f);
}

/* F(2×2, 3×3): u[e][i][o] = (G g_io Gᵀ)[e] for the 4×3 G of the points 0, ±1. */
static void filter_f2(const float *w, float *u, int CI, int CO, int flip) {
  const int IN = flip ? CO : CI, OUT = flip ? CI : CO;
  const int INp = (IN + 3) & ~3, OUTp = (OUT + 3) & ~3, E = INp * OUTp;
  const int tap = CI * CO, step = flip ? CO : 1; /* step: between consecutive o */
  const v128_t half = wasm_f32x4_splat(0.5f), zero = wasm_f32x4_splat(0);
  for (int i = 0; i < INp; i++) {
    for (int o = 0; o < OUTp; o += 4) {
      float *p = u + i * OUTp + o;
      if (i >= IN) {
        for (int e = 0; e < 16; e++) wasm_v128_store(p + e * E, zero);
        continue;
      }
      const float *g = w + (flip ? o * CO + i : i * CO + o);
      const int n = OUT - o;
#define G(kh, kw) load_strided(g + (flip ? (2 - (kh)) * 3 + 2 - (kw) : (kh) * 3 + (kw)) * tap, step, n)
      /* h = G g (4×3), column by column */
#define COLUMN(j) \
  const v128_t g0##j = G(0, j), g1##j = G(1, j), g2##j = G(2, j), even##j = wasm_f32x4_add(g0##j, g2##j); \
  const v128_t h0##j = g0##j, h1##j = wasm_f32x4_mul(half, wasm_f32x4_add(even##j, g1##j)); \
  const v128_t h2##j = wasm_f32x4_mul(half, wasm_f32x4_sub(even##j, g1##j)), h3##j = g2##j
      COLUMN(0);
      COLUMN(1);
      COLUMN(2);
#undef COLUMN
#undef G
      /* u = h Gᵀ (4×4), row by row */
#define ROW(r) { \
  const v128_t even = wasm_f32x4_add(h##r##0, h##r##2); \
  wasm_v128_store(p + (4 * (r) + 0) * E, h##r##0); \
  wasm_v128_store(p + (4 * (r) + 1) * E, wasm_f32x4_mul(half, wasm_f32x4_add(even, h##r##1))); \
  wasm_v128_store(p + (4 * (r) + 2) * E, wasm_f32x4_mul(half, wasm_f32x4_sub(even, h##r##1))); \
  wasm_v128_store(p + (4 * (r) + 3) * E, h##r##2); }
      ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
    }
  }
}

/* F(4×4, 3×3): u[e][i][o] = (G g_io Gᵀ)[e] for the 6×3 G of the points 0, ±1, ±2. */
static void filter_f4(const float *w, float *u, int CI, int CO, int flip) {
  const int IN = flip ? CO : CI, OUT = flip ? CI : CO;
  const int INp = (IN + 3) & ~3, OUTp = (OUT + 3) & ~3, E = INp * OUTp;
  const int tap = CI * CO, step = flip ? CO : 1;
  const v128_t zero = wasm_f32x4_splat(0);
  const v128_t q = wasm_f32x4_splat(0.25f), s6 = wasm_f32x4_splat(-1.0f / 6), s24 = wasm_f32x4_splat(1.0f / 24);
  const v128_t s12 = wasm_f32x4_splat(1.0f / 12), s6p = wasm_f32x4_splat(1.0f / 6);
  for (int i = 0; i < INp; i++) {
    for (int o = 0; o < OUTp; o += 4) {
      float *p = u + i * OUTp + o;
      if (i >= IN) {
        for (int e = 0; e < 36; e++) wasm_v128_store(p + e * E, zero);
        continue;
      }
      const float *g = w + (flip ? o * CO + i : i * CO + o);
      const int n = OUT - o;
#define G(kh, kw) load_strided(g + (flip ? (2 - (kh)) * 3 + 2 - (kw) : (kh) * 3 + (kw)) * tap, step, n)
#define T6(a, b, c, r0, r1, r2, r3, r4, r5) \
  const v128_t r0 = wasm_f32x4_mul(q, a); \
  const v128_t r1 = wasm_f32x4_mul(s6, wasm_f32x4_add(wasm_f32x4_add(a, c), b)); \
  const v128_t r2 = wasm_f32x4_mul(s6, wasm_f32x4_sub(wasm_f32x4_add(a, c), b)); \
  const v128_t r3 = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(s24, a), wasm_f32x4_mul(s6p, c)), wasm_f32x4_mul(s12, b)); \
  const v128_t r4 = wasm_f32x4_sub(wasm_f32x4_add(wasm_f32x4_mul(s24, a), wasm_f32x4_mul(s6p, c)), wasm_f32x4_mul(s12, b)); \
  const v128_t r5 = c
#define COLUMN(j) \
  const v128_t g0##j = G(0, j), g1##j = G(1, j), g2##j = G(2, j); \
  T6(g0##j, g1##j, g2##j, h0##j, h1##j, h2##j, h3##j, h4##j, h5##j)
      COLUMN(0);
      COLUMN(1);
      COLUMN(2);
#undef COLUMN
#undef G
#define ROW(r) { \
  T6(h##r##0, h##r##1, h##r##2, u0, u1, u2, u3, u4, u5); \
  store_row6(p, E, r, u0, u1, u2, u3, u4, u5); }
      ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
#undef ROW
#undef T6
    }
  }
}

/* The transformed filter: u [16][INp][OUTp] for F(2×2, 3×3), [36][INp][OUTp] for F(4×4, 3×3) (f4). */
EXPORT(winograd_filter_3x3)
void winograd_filter_3x3(const float *w, float *u, int CI, int CO, int flip, int f4) {
  if (f4) filter_f4(w, u, CI, CO, flip);
  else filter_f2(w, u, CI, CO, flip);
}

/* The first n (1–4) floats at p, zeros in the other lanes (channel tails). */
static inline __attribute__((always_inline)) v128_t load_channels(const float *p, int n) {
  if (n >= 4) return wasm_v128_load(p);
  v128_t v = wasm_f32x4_make(p[0], 0, 0, 0);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

static inline __attribute__((always_inline)) void store_channels(float *p, v128_t v, int n) {
  if (n >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

/*
 * v[e][t][c] = (Bᵀ d B)[e] for the 4×4 patch d at input row ih, column iw (zeros outside the image) of every channel;
 * `inside`, a constant after inlining, drops the bounds checks of patches that lie wholly in the image.
 */
static inline __attribute__((always_inline)) void input_tile(const float *x, float *v, int E, int ih, int iw, int H, int W, int CI, int CIp, int inside) {
  const int r0 = inside || (ih >= 0 && ih < H), r1 = inside || (ih + 1 >= 0 && ih + 1 < H);
  const int r2 = inside || (ih + 2 >= 0 && ih + 2 < H), r3 = inside || (ih + 3 >= 0 && ih + 3 < H);
  const int c0 = inside || (iw >= 0 && iw < W), c1 = inside || (iw + 1 >= 0 && iw + 1 < W);
  const int c2 = inside || (iw + 2 >= 0 && iw + 2 < W), c3 = inside || (iw + 3 >= 0 && iw + 3 < W);
  const float *p = x + (ih * W + iw) * CI;
  const int row = W * CI;
  const v128_t zero = wasm_f32x4_splat(0);
  for (int c = 0; c < CIp; c += 4, p += 4, v += 4) {
    const int n = CI - c;
#define D(i, j) (r##i && c##j ? load_channels(p + (i) * row + (j) * CI, n) : zero)
    /* t = Bᵀ d, row by row of d's columns */
#define COLUMN(j) \
  const v128_t d0##j = D(0, j), d1##j = D(1, j), d2##j = D(2, j), d3##j = D(3, j); \
  const v128_t t0##j = wasm_f32x4_sub(d0##j, d2##j), t1##j = wasm_f32x4_add(d1##j, d2##j); \
  const v128_t t2##j = wasm_f32x4_sub(d2##j, d1##j), t3##j = wasm_f32x4_sub(d1##j, d3##j)
    COLUMN(0);
    COLUMN(1);
    COLUMN(2);
    COLUMN(3);
#undef COLUMN
#undef D
#define ROW(i) \
  wasm_v128_store(v + (4 * (i) + 0) * E, wasm_f32x4_sub(t##i##0, t##i##2)); \
  wasm_v128_store(v + (4 * (i) + 1) * E, wasm_f32x4_add(t##i##1, t##i##2)); \
  wasm_v128_store(v + (4 * (i) + 2) * E, wasm_f32x4_sub(t##i##2, t##i##1)); \
  wasm_v128_store(v + (4 * (i) + 3) * E, wasm_f32x4_sub(t##i##1, t##i##3))
    ROW(0);
    ROW(1);
    ROW(2);
    ROW(3);
#undef ROW
  }
}

/* y's 2×2 block at (oh, ow) = Aᵀ m A (+ bias, then max(·, 0) when relu), rows and columns past OH, OW dropped. */
static void output_tile(const float *m, const float *bias, float *y, int E, int oh, int ow, int OH, int OW, int CO, int COp, int relu) {
  const int down = oh + 1 < OH, right = ow + 1 < OW;
  const v128_t floor = wasm_f32x4_splat(relu ? 0.0f : -__builtin_inff());
  float *q = y + (oh * OW + ow) * CO;
  for (int c = 0; c < COp; c += 4, m += 4, q += 4) {
    const int n = CO - c;
#define M(i, j) wasm_v128_load(m + (4 * (i) + (j)) * E)
    /* s = Aᵀ m (2×4) */
#define COLUMN(j) \
  const v128_t m1##j = M(1, j), m2##j = M(2, j); \
  const v128_t s0##j = wasm_f32x4_add(wasm_f32x4_add(M(0, j), m1##j), m2##j); \
  const v128_t s1##j = wasm_f32x4_sub(wasm_f32x4_sub(m1##j, m2##j), M(3, j))
    COLUMN(0);
    COLUMN(1);
    COLUMN(2);
    COLUMN(3);
#undef COLUMN
#undef M
    const v128_t b = bias ? load_channels(bias + c, n) : wasm_f32x4_splat(0);
#define OUT(i, k) wasm_f32x4_pmax(wasm_f32x4_add(k ? wasm_f32x4_sub(wasm_f32x4_sub(s##i##1, s##i##2), s##i##3) \
                                                   : wasm_f32x4_add(wasm_f32x4_add(s##i##0, s##i##1), s##i##2), b), floor)
    store_channels(q, OUT(0, 0), n);
    if (right) store_channels(q + CO, OUT(0, 1), n);
    if (down) {
      store_channels(q + OW * CO, OUT(1, 0), n);
      if (right) store_channels(q + OW * CO + CO, OUT(1, 1), n);
    }
#undef OUT
  }
}

/* Bᵀ on six vectors: F(4×4, 3×3)'s input transform along one axis. */
#define BT6(d0, d1, d2, d3, d4, d5, r0, r1, r2, r3, r4, r5) \
  const v128_t r0 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d0), wasm_f32x4_mul(five, d2)), d4); \
  const v128_t r1 = wasm_f32x4_sub(wasm_f32x4_add(d3, d4), wasm_f32x4_mul(four, wasm_f32x4_add(d1, d2))); \
  const v128_t r2 = wasm_f32x4_add(wasm_f32x4_sub(d4, d3), wasm_f32x4_mul(four, wasm_f32x4_sub(d1, d2))); \
  const v128_t r3 = wasm_f32x4_add(wasm_f32x4_sub(d4, d2), wasm_f32x4_mul(two, wasm_f32x4_sub(d3, d1))); \
  const v128_t r4 = wasm_f32x4_sub(wasm_f32x4_sub(d4, d2), wasm_f32x4_mul(two, wasm_f32x4_sub(d3, d1))); \
  const v128_t r5 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d1), wasm_f32x4_mul(five, d3)), d5)

/* input_tile for F(4×4, 3×3): 6×6 patches, 36 transformed elements. */
static inline __attribute__((always_inline)) void input_tile_f4(const float *x, float *v, int E, int ih, int iw, int H, int W, int CI, int CIp, int inside) {
#define OK(a, k, size) (inside || ((a) + (k) >= 0 && (a) + (k) < (size)))
  const int r0 = OK(ih, 0, H), r1 = OK(ih, 1, H), r2 = OK(ih, 2, H), r3 = OK(ih, 3, H), r4 = OK(ih, 4, H), r5 = OK(ih, 5, H);
  const int c0 = OK(iw, 0, W), c1 = OK(iw, 1, W), c2 = OK(iw, 2, W), c3 = OK(iw, 3, W), c4 = OK(iw, 4, W), c5 = OK(iw, 5, W);
#undef OK
  const float *p = x + (ih * W + iw) * CI;
  const int row = W * CI;
  const v128_t zero = wasm_f32x4_splat(0), two = wasm_f32x4_splat(2), four = wasm_f32x4_splat(4), five = wasm_f32x4_splat(5);
  for (int c = 0; c < CIp; c += 4, p += 4, v += 4) {
    const int n = CI - c;
#define D(i, j) (r##i && c##j ? load_channels(p + (i) * row + (j) * CI, n) : zero)
#define COLUMN(j) \
  const v128_t d0##j = D(0, j), d1##j = D(1, j), d2##j = D(2, j), d3##j = D(3, j), d4##j = D(4, j), d5##j = D(5, j); \
  BT6(d0##j, d1##j, d2##j, d3##j, d4##j, d5##j, t0##j, t1##j, t2##j, t3##j, t4##j, t5##j)
    COLUMN(0);
    COLUMN(1);
    COLUMN(2);
    COLUMN(3);
    COLUMN(4);
    COLUMN(5);
#undef COLUMN
#undef D
#define ROW(i) { \
  BT6(t##i##0, t##i##1, t##i##2, t##i##3, t##i##4, t##i##5, e0, e1, e2, e3, e4, e5); \
  store_row6(v, E, i, e0, e1, e2, e3, e4, e5); }
    ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
#undef ROW
  }
}
#undef BT6

/* Aᵀ on six vectors. */
#define AT6(m0, m1, m2, m3, m4, m5, r0, r1, r2, r3) \
  const v128_t pA12_ = wasm_f32x4_add(m1, m2), pS12_ = wasm_f32x4_sub(m1, m2), pA34_ = wasm_f32x4_add(m3, m4), pS34_ = wasm_f32x4_sub(m3, m4); \
  const v128_t r0 = wasm_f32x4_add(wasm_f32x4_add(m0, pA12_), pA34_); \
  const v128_t r1 = wasm_f32x4_add(pS12_, wasm_f32x4_mul(two, pS34_)); \
  const v128_t r2 = wasm_f32x4_add(pA12_, wasm_f32x4_mul(four, pA34_)); \
  const v128_t r3 = wasm_f32x4_add(wasm_f32x4_add(pS12_, wasm_f32x4_mul(eight, pS34_)), m5)

/* output_tile for F(4×4, 3×3): a 4×4 block from 36 elements. */
static void output_tile_f4(const float *m, const float *bias, float *y, int E, int oh, int ow, int OH, int OW, int CO, int COp, int relu) {
  const int rows = OH - oh < 4 ? OH - oh : 4, cols = OW - ow < 4 ? OW - ow : 4;
  const v128_t floor = wasm_f32x4_splat(relu ? 0.0f : -__builtin_inff());
  const v128_t two = wasm_f32x4_splat(2), four = wasm_f32x4_splat(4), eight = wasm_f32x4_splat(8);
  float *q = y + (oh * OW + ow) * CO;
  for (int c = 0; c < COp; c += 4, m += 4, q += 4) {
    const int n = CO - c;
#define M(i, j) wasm_v128_load(m + (6 * (i) + (j)) * E)
#define COLUMN(j) v128_t s0##j, s1##j, s2##j, s3##j; { \
  AT6(M(0, j), M(1, j), M(2, j), M(3, j), M(4, j), M(5, j), r0, r1, r2, r3); \
  s0##j = r0, s1##j = r1, s2##j = r2, s3##j = r3; }
    COLUMN(0)
    COLUMN(1)
    COLUMN(2)
    COLUMN(3)
    COLUMN(4)
    COLUMN(5)
#undef COLUMN
#undef M
    const v128_t b = bias ? load_channels(bias + c, n) : wasm_f32x4_splat(0);
#define ROW(i) if (i < rows) { \
  AT6(s##i##0, s##i##1, s##i##2, s##i##3, s##i##4, s##i##5, y0, y1, y2, y3); \
  float *qr = q + (i) * OW * CO; \
  store_channels(qr, wasm_f32x4_pmax(wasm_f32x4_add(y0, b), floor), n); \
  if (cols > 1) store_channels(qr + CO, wasm_f32x4_pmax(wasm_f32x4_add(y1, b), floor), n); \
  if (cols > 2) store_channels(qr + 2 * CO, wasm_f32x4_pmax(wasm_f32x4_add(y2, b), floor), n); \
  if (cols > 3) store_channels(qr + 3 * CO, wasm_f32x4_pmax(wasm_f32x4_add(y3, b), floor), n); }
    ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
  }
}
#undef AT6

/* 4 rows of c (N wide, from column j) += a's 4 rows · b, over K % 4 == 0, 8 (wide) or 4 columns. */
static inline __attribute__((always_inline)) void gemm_4rows(const float *a, const float *b, float *c, int K, int N, int wide) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < K; k += 4, b += 4 * N) {
    const v128_t a0 = wasm_v128_load(a + k), a1 = wasm_v128_load(a + K + k), a2 = wasm_v128_load(a + 2 * K + k), a3 = wasm_v128_load(a + 3 * K + k);
#define STEP(l) { \
    const v128_t w0 = wasm_v128_load(b + (l) * N), w1 = wide ? wasm_v128_load(b + (l) * N + 4) : w0; \
    v128_t s = wasm_i32x4_shuffle(a0, a0, l, l, l, l); \
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(s, w0)); \
    if (wide) c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(s, w1)); \
    s = wasm_i32x4_shuffle(a1, a1, l, l, l, l); \
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(s, w0)); \
    if (wide) c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(s, w1)); \
    s = wasm_i32x4_shuffle(a2, a2, l, l, l, l); \
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(s, w0)); \
    if (wide) c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(s, w1)); \
    s = wasm_i32x4_shuffle(a3, a3, l, l, l, l); \
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(s, w0)); \
    if (wide) c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(s, w1)); }
    STEP(0) STEP(1) STEP(2) STEP(3)
#undef STEP
  }
  wasm_v128_store(c, c00), wasm_v128_store(c + N, c10), wasm_v128_store(c + 2 * N, c20), wasm_v128_store(c + 3 * N, c30);
  if (wide) wasm_v128_store(c + 4, c01), wasm_v128_store(c + N + 4, c11), wasm_v128_store(c + 2 * N + 4, c21), wasm_v128_store(c + 3 * N + 4, c31);
}

/* c[M][N] = a[M][K] · b[K][N] for M, K, N % 4 == 0. */
static void gemm(const float *a, const float *b, float *c, int M, int K, int N) {
  for (int i = 0; i < M; i += 4, a += 4 * K, c += 4 * N) {
    int j = 0;
    for (; j + 8 <= N; j += 8) gemm_4rows(a, b + j, c + j, K, N, 1);
    if (j < N) gemm_4rows(a, b + j, c + j, K, N, 0);
  }
}

/*
 * y [B][OH][OW][CO] = relu?(x ⋆ w + bias) for x [B][H][W][CI], zero padding top/left (the rest follows from OH, OW),
 * u from winograd_filter_3x3 with the same f4. Tiles (2×2 outputs, or 4×4 with f4) go in blocks of T (% 4 == 0)
 * through the scratch v [NE][T·CIp + 16] and m [NE][T·COp + 16] (NE = 16, or 36 with f4): the 16 floats keep the
 * elements of a tile off addresses 4 KiB apart (T·CIp = 1024 made the input transform 4× slower on x86: 4K
 * aliasing). bias may be 0 (none).
 */
EXPORT(winograd_conv3x3)
void winograd_conv3x3(const float *x, const float *u, const float *bias, float *y, float *v, float *m, int B, int H, int W, int CI,
                      int OH, int OW, int CO, int top, int left, int T, int relu, int f4) {
  const int CIp = (CI + 3) & ~3, COp = (CO + 3) & ~3;
  const int S = f4 ? 4 : 2, NE = f4 ? 36 : 16, P = S + 2; /* output tile side, transformed elements, input patch side */
  const int TH = (OH + S - 1) / S, TW = (OW + S - 1) / S, per = TH * TW, NT = B * per;
  const int EV = T * CIp + 16, EM = T * COp + 16;
  for (int t0 = 0; t0 < NT; t0 += T) {
    const int nt = NT - t0 < T ? NT - t0 : T;
    for (int t = 0; t < nt; t++) {
      const int tile = t0 + t, b = tile / per, th = tile % per / TW, tw = tile % TW;
      const int ih = S * th - top, iw = S * tw - left, inside = ih >= 0 && iw >= 0 && ih + P <= H && iw + P <= W;
      const float *xb = x + b * H * W * CI;
      float *vt = v + t * CIp;
      if (f4) {
        if (inside) input_tile_f4(xb, vt, EV, ih, iw, H, W, CI, CIp, 1);
        else input_tile_f4(xb, vt, EV, ih, iw, H, W, CI, CIp, 0);
      } else {
        if (inside) input_tile(xb, vt, EV, ih, iw, H, W, CI, CIp, 1);
        else input_tile(xb, vt, EV, ih, iw, H, W, CI, CIp, 0);
      }
    }
    const int rows = (nt + 3) & ~3; /* rows past nt hold stale values whose products are never read */
    for (int e = 0; e < NE; e++) gemm(v + e * EV, u + e * CIp * COp, m + e * EM, rows, CIp, COp);
    for (int t = 0; t < nt; t++) {
      const int tile = t0 + t, b = tile / per, th = tile % per / TW, tw = tile % TW;
      float *yb = y + b * OH * OW * CO;
      if (f4) output_tile_f4(m + t * COp, bias, yb, EM, S * th, S * tw, OH, OW, CO, COp, relu);
      else output_tile(m + t * COp, bias, yb, EM, S * th, S * tw, OH, OW, CO, COp, relu);
    }
  }
}

/*
 * Winograd for the filter gradient. The forward tile computes y = Aᵀ[(G g) ⊙ (Bᵀ d)] in each axis; as a linear map
 * of g its transpose gives ∂L/∂g = Gᵀ[(A dy) ⊙ (Bᵀ d)] for the same input patch d and the tile's output gradient
 * dy. Summed over tiles, per transformed element e and channel pair: M[e][i][o] = Σ_t V[e][t][i] · Z[e][t][o]
 * (V: the forward's input transform, Z = A dy Aᵀ), then dW = Gᵀ M G once. 16 (F(2×2)) or 36 (F(4×4)) products per
 * tile and channel pair instead of 36 or 144.
 */

/* z[e][t][c] = (A g Aᵀ)[e] for dy's 2×2 block at (oh, ow), zeros past OH, OW; A = [[1,0],[1,1],[1,−1],[0,−1]]. */
static void grad_tile(const float *dy, float *z, int E, int oh, int ow, int OH, int OW, int CO, int COp) {
  const int down = oh + 1 < OH, right = ow + 1 < OW;
  const float *p = dy + (oh * OW + ow) * CO;
  const v128_t zero = wasm_f32x4_splat(0);
  for (int c = 0; c < COp; c += 4, p += 4, z += 4) {
    const int n = CO - c;
    const v128_t g00 = load_channels(p, n), g01 = right ? load_channels(p + CO, n) : zero;
    const v128_t g10 = down ? load_channels(p + OW * CO, n) : zero, g11 = down && right ? load_channels(p + OW * CO + CO, n) : zero;
    /* h = A g (4×2), then z = h Aᵀ (4×4) row by row */
#define ROW(i, a, b) { \
  const v128_t h0 = a, h1 = b; \
  wasm_v128_store(z + (4 * (i) + 0) * E, h0); \
  wasm_v128_store(z + (4 * (i) + 1) * E, wasm_f32x4_add(h0, h1)); \
  wasm_v128_store(z + (4 * (i) + 2) * E, wasm_f32x4_sub(h0, h1)); \
  wasm_v128_store(z + (4 * (i) + 3) * E, wasm_f32x4_neg(h1)); }
    ROW(0, g00, g01)
    ROW(1, wasm_f32x4_add(g00, g10), wasm_f32x4_add(g01, g11))
    ROW(2, wasm_f32x4_sub(g00, g10), wasm_f32x4_sub(g01, g11))
    ROW(3, wasm_f32x4_neg(g10), wasm_f32x4_neg(g11))
#undef ROW
  }
}

/* A on four vectors: F(4×4)'s gradient transform along one axis (A = (Aᵀ)ᵀ of output_tile_f4's points 0, ±1, ±2, ∞). */
#define A6(t, g0, g1, g2, g3, r0, r1, r2, r3, r4, r5) \
  const v128_t pA02##t = wasm_f32x4_add(g0, g2), pA13##t = wasm_f32x4_add(g1, g3); \
  const v128_t pB02##t = wasm_f32x4_add(g0, wasm_f32x4_mul(four, g2)), pB13##t = wasm_f32x4_add(wasm_f32x4_mul(two, g1), wasm_f32x4_mul(eight, g3)); \
  const v128_t r0 = g0, r1 = wasm_f32x4_add(pA02##t, pA13##t), r2 = wasm_f32x4_sub(pA02##t, pA13##t); \
  const v128_t r3 = wasm_f32x4_add(pB02##t, pB13##t), r4 = wasm_f32x4_sub(pB02##t, pB13##t), r5 = g3

/* grad_tile for F(4×4, 3×3): dy's 4×4 block at (oh, ow) into 36 elements. */
static void grad_tile_f4(const float *dy, float *z, int E, int oh, int ow, int OH, int OW, int CO, int COp) {
  const int rows = OH - oh < 4 ? OH - oh : 4, cols = OW - ow < 4 ? OW - ow : 4;
  const float *p = dy + (oh * OW + ow) * CO;
  const v128_t zero = wasm_f32x4_splat(0), two = wasm_f32x4_splat(2), four = wasm_f32x4_splat(4), eight = wasm_f32x4_splat(8);
  for (int c = 0; c < COp; c += 4, p += 4, z += 4) {
    const int n = CO - c;
#define D(i, j) ((i) < rows && (j) < cols ? load_channels(p + ((i) * OW + (j)) * CO, n) : zero)
#define COLUMN(j) \
  const v128_t d0##j = D(0, j), d1##j = D(1, j), d2##j = D(2, j), d3##j = D(3, j); \
  A6(c##j, d0##j, d1##j, d2##j, d3##j, h0##j, h1##j, h2##j, h3##j, h4##j, h5##j)
    COLUMN(0);
    COLUMN(1);
    COLUMN(2);
    COLUMN(3);
#undef COLUMN
#undef D
#define ROW(i) { \
  A6(r##i, h##i##0, h##i##1, h##i##2, h##i##3, e0, e1, e2, e3, e4, e5); \
  store_row6(z, E, i, e0, e1, e2, e3, e4, e5); }
    ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
#undef ROW
  }
}
#undef A6

/*
 * acc[i][o] += Σ_t v[t][i] · z[t][o] over nt rows (v rows CIp wide, z rows COp wide; CIp, COp % 4 == 0). Each block is
 * summed from zero, then added: two-level summation keeps the rounding of thousands of tiles' sums small.
 */
#define ADD(p, s) wasm_v128_store(p, wasm_f32x4_add(wasm_v128_load(p), s))
static void outer_accumulate(const float *v, const float *z, float *acc, int nt, int CIp, int COp) {
  for (int i = 0; i < CIp; i += 4) {
    float *a = acc + i * COp;
    int o = 0;
    for (; o + 8 <= COp; o += 8) {
      v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
      const float *vp = v + i, *zp = z + o;
      for (int t = 0; t < nt; t++, vp += CIp, zp += COp) {
        const v128_t s = wasm_v128_load(vp), z0 = wasm_v128_load(zp), z1 = wasm_v128_load(zp + 4);
        v128_t b = wasm_i32x4_shuffle(s, s, 0, 0, 0, 0);
        a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(b, z0)), a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(b, z1));
        b = wasm_i32x4_shuffle(s, s, 1, 1, 1, 1);
        a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(b, z0)), a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(b, z1));
        b = wasm_i32x4_shuffle(s, s, 2, 2, 2, 2);
        a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(b, z0)), a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(b, z1));
        b = wasm_i32x4_shuffle(s, s, 3, 3, 3, 3);
        a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(b, z0)), a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(b, z1));
      }
      ADD(a + o, a00), ADD(a + o + 4, a01), ADD(a + COp + o, a10), ADD(a + COp + o + 4, a11);
      ADD(a + 2 * COp + o, a20), ADD(a + 2 * COp + o + 4, a21), ADD(a + 3 * COp + o, a30), ADD(a + 3 * COp + o + 4, a31);
    }
    if (o < COp) {
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      const float *vp = v + i, *zp = z + o;
      for (int t = 0; t < nt; t++, vp += CIp, zp += COp) {
        const v128_t s = wasm_v128_load(vp), z0 = wasm_v128_load(zp);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_i32x4_shuffle(s, s, 0, 0, 0, 0), z0));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_i32x4_shuffle(s, s, 1, 1, 1, 1), z0));
        a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_i32x4_shuffle(s, s, 2, 2, 2, 2), z0));
        a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_i32x4_shuffle(s, s, 3, 3, 3, 3), z0));
      }
      ADD(a + o, a0), ADD(a + COp + o, a1), ADD(a + 2 * COp + o, a2), ADD(a + 3 * COp + o, a3);
    }
  }
}

#undef ADD

/* Gᵀ on the transformed elements along one axis: F(2×2)'s 4 → 3 (G of the points 0, ±1, ∞). */
#define GT4(m0, m1, m2, m3, k0, k1, k2) \
  const v128_t pS_ = wasm_f32x4_mul(half, wasm_f32x4_add(m1, m2)); \
  const v128_t k0 = wasm_f32x4_add(m0, pS_), k1 = wasm_f32x4_mul(half, wasm_f32x4_sub(m1, m2)), k2 = wasm_f32x4_add(pS_, m3)

/* F(4×4)'s 6 → 3 (G of the points 0, ±1, ±2, ∞, as in filter_f4). */
#define GT6(m0, m1, m2, m3, m4, m5, k0, k1, k2) \
  const v128_t pA12_ = wasm_f32x4_add(m1, m2), pA34_ = wasm_f32x4_add(m3, m4); \
  const v128_t pS12_ = wasm_f32x4_sub(m1, m2), pS34_ = wasm_f32x4_sub(m3, m4); \
  const v128_t k0 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(q, m0), wasm_f32x4_mul(s6, pA12_)), wasm_f32x4_mul(s24, pA34_)); \
  const v128_t k1 = wasm_f32x4_sub(wasm_f32x4_mul(s12, pS34_), wasm_f32x4_mul(s6, pS12_)); \
  const v128_t k2 = wasm_f32x4_add(wasm_f32x4_mul(s6, wasm_f32x4_sub(pA34_, pA12_)), m5)

/* dW [3][3][CI][CO] = Gᵀ M G from M [NE][CIp][COp]. */
static void filter_grad_out(const float *acc, float *dw, int CI, int CO, int COp, int f4) {
  const int E = ((CI + 3) & ~3) * COp, tap = CI * CO;
  const v128_t half = wasm_f32x4_splat(0.5f), q = wasm_f32x4_splat(0.25f), s6 = wasm_f32x4_splat(1.0f / 6);
  const v128_t s12 = wasm_f32x4_splat(1.0f / 12), s24 = wasm_f32x4_splat(1.0f / 24);
  for (int i = 0; i < CI; i++) {
    for (int o = 0; o < COp; o += 4) {
      const float *m = acc + i * COp + o;
      float *g = dw + i * CO + o;
      const int n = CO - o;
      if (f4) {
#define M(a, b) wasm_v128_load(m + (6 * (a) + (b)) * E)
        v128_t r00, r01, r02, r10, r11, r12, r20, r21, r22, r30, r31, r32, r40, r41, r42, r50, r51, r52;
#define ROW(a) { GT6(M(a, 0), M(a, 1), M(a, 2), M(a, 3), M(a, 4), M(a, 5), k0_, k1_, k2_); r##a##0 = k0_, r##a##1 = k1_, r##a##2 = k2_; }
        ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
#undef ROW
#undef M
#define COLUMN(j) { \
  GT6(r0##j, r1##j, r2##j, r3##j, r4##j, r5##j, k0_, k1_, k2_); \
  store_channels(g + (0 * 3 + (j)) * tap, k0_, n), store_channels(g + (1 * 3 + (j)) * tap, k1_, n), store_channels(g + (2 * 3 + (j)) * tap, k2_, n); }
        COLUMN(0) COLUMN(1) COLUMN(2)
#undef COLUMN
      } else {
#define M(a, b) wasm_v128_load(m + (4 * (a) + (b)) * E)
        v128_t r00, r01, r02, r10, r11, r12, r20, r21, r22, r30, r31, r32;
#define ROW(a) { GT4(M(a, 0), M(a, 1), M(a, 2), M(a, 3), k0_, k1_, k2_); r##a##0 = k0_, r##a##1 = k1_, r##a##2 = k2_; }
        ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
#undef M
#define COLUMN(j) { \
  GT4(r0##j, r1##j, r2##j, r3##j, k0_, k1_, k2_); \
  store_channels(g + (0 * 3 + (j)) * tap, k0_, n), store_channels(g + (1 * 3 + (j)) * tap, k1_, n), store_channels(g + (2 * 3 + (j)) * tap, k2_, n); }
        COLUMN(0) COLUMN(1) COLUMN(2)
#undef COLUMN
      }
    }
  }
}
#undef GT4
#undef GT6

/*
 * dW [3][3][CI][CO] of a 3×3 stride-1 convolution of x [B][H][W][CI] (zero padding top/left) with output gradient
 * dy [B][OH][OW][CO]. Tiles go in blocks of T through the scratch v [NE][T·CIp + 16] and z [NE][T·COp + 16] (the 16
 * floats as in winograd_conv3x3); acc [NE][CIp][COp] holds the sums M.
 */
EXPORT(winograd_filter_grad_3x3)
void winograd_filter_grad_3x3(const float *x, const float *dy, float *dw, float *v, float *z, float *acc, int B, int H, int W, int CI,
                              int OH, int OW, int CO, int top, int left, int T, int f4) {
  const int CIp = (CI + 3) & ~3, COp = (CO + 3) & ~3;
  const int S = f4 ? 4 : 2, NE = f4 ? 36 : 16, P = S + 2;
  const int TH = (OH + S - 1) / S, TW = (OW + S - 1) / S, per = TH * TW, NT = B * per;
  const int EV = T * CIp + 16, EZ = T * COp + 16;
  for (int i = 0; i < NE * CIp * COp; i++) acc[i] = 0;
  for (int t0 = 0; t0 < NT; t0 += T) {
    const int nt = NT - t0 < T ? NT - t0 : T;
    for (int t = 0; t < nt; t++) {
      const int tile = t0 + t, b = tile / per, th = tile % per / TW, tw = tile % TW;
      const int ih = S * th - top, iw = S * tw - left, inside = ih >= 0 && iw >= 0 && ih + P <= H && iw + P <= W;
      const float *xb = x + b * H * W * CI, *dyb = dy + b * OH * OW * CO;
      float *vt = v + t * CIp, *zt = z + t * COp;
      if (f4) {
        if (inside) input_tile_f4(xb, vt, EV, ih, iw, H, W, CI, CIp, 1);
        else input_tile_f4(xb, vt, EV, ih, iw, H, W, CI, CIp, 0);
        grad_tile_f4(dyb, zt, EZ, S * th, S * tw, OH, OW, CO, COp);
      } else {
        if (inside) input_tile(xb, vt, EV, ih, iw, H, W, CI, CIp, 1);
        else input_tile(xb, vt, EV, ih, iw, H, W, CI, CIp, 0);
        grad_tile(dyb, zt, EZ, S * th, S * tw, OH, OW, CO, COp);
      }
    }
    for (int e = 0; e < NE; e++) outer_accumulate(v + e * EV, z + e * EZ, acc + e * CIp * COp, nt, CIp, COp);
  }
  filter_grad_out(acc, dw, CI, CO, COp, f4);
}
