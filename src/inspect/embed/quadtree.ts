/**
 * A 2-D quadtree over the embedding for Barnes-Hut-SNE's repulsive forces: far cells act as one point at their
 * centre of mass. Stored in flat growable arrays (no object per node), rebuilt every iteration.
 */

const MAX_DEPTH = 40;

/** Accumulated repulsion for one point: Σ w²·(yᵢ − yⱼ) and the normaliser contribution Σ w. */
export interface Repulsion {
  fx: number;
  fy: number;
  z: number;
}

export class QuadTree {
  private cx: Float64Array = new Float64Array(64);
  private cy: Float64Array = new Float64Array(64);
  private half: Float64Array = new Float64Array(64);
  /** Sums of the positions while building, centres of mass once built. */
  private massX: Float64Array = new Float64Array(64);
  private massY: Float64Array = new Float64Array(64);
  private count: Int32Array = new Int32Array(64);
  private child: Int32Array = new Int32Array(64);
  private point: Int32Array = new Int32Array(64);
  private depth: Int32Array = new Int32Array(64);
  private size = 0;
  /** Depth-first traversal stack: at most 3 siblings wait per level, plus the four children of the last. */
  private readonly stack = new Int32Array(3 * (MAX_DEPTH + 1) + 4);

  /** Builds the tree over n points stored as [x0, y0, x1, y1, …]. */
  constructor(private readonly y: Float64Array, n: number) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, y[2 * i]);
      maxX = Math.max(maxX, y[2 * i]);
      minY = Math.min(minY, y[2 * i + 1]);
      maxY = Math.max(maxY, y[2 * i + 1]);
    }
    const half = Math.max(maxX - minX, maxY - minY, 1e-9) / 2 + 1e-5;
    this.addNode((minX + maxX) / 2, (minY + maxY) / 2, half, 0);
    for (let i = 0; i < n; i++) this.insert(i);
    // Centres of mass once, instead of a division per visit in the n traversals.
    for (let k = 0; k < this.size; k++) {
      if (this.count[k] > 0) {
        this.massX[k] /= this.count[k];
        this.massY[k] /= this.count[k];
      }
    }
  }

  /** Repulsion on point i with the Barnes-Hut criterion: a cell is far when its width < θ·distance. */
  repulsion(i: number, theta: number, out: Repulsion): void {
    const px = this.y[2 * i];
    const py = this.y[2 * i + 1];
    const { count, point, massX, massY, half, child } = this;
    const theta2 = theta * theta;
    const stack = this.stack;
    let fx = 0;
    let fy = 0;
    let z = 0;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top];
      const n = count[node];
      if (n === 0 || (n === 1 && point[node] === i)) continue;
      const dx = px - massX[node];
      const dy = py - massY[node];
      const d2 = dx * dx + dy * dy;
      const width = 2 * half[node];
      const first = child[node];
      if (first < 0 || width * width < theta2 * d2) {
        const w = 1 / (1 + d2);
        const nw = n * w;
        z += nw;
        fx += nw * w * dx;
        fy += nw * w * dy;
      } else {
        stack[top++] = first;
        stack[top++] = first + 1;
        stack[top++] = first + 2;
        stack[top++] = first + 3;
      }
    }
    out.fx = fx;
    out.fy = fy;
    out.z = z;
  }

  private insert(i: number): void {
    const px = this.y[2 * i];
    const py = this.y[2 * i + 1];
    let node = 0;
    for (;;) {
      this.count[node] += 1;
      this.massX[node] += px;
      this.massY[node] += py;
      if (this.child[node] < 0) {
        if (this.count[node] === 1) {
          this.point[node] = i;
          return;
        }
        // Coincident points pile up in one leaf at the depth limit instead of splitting forever.
        if (this.depth[node] >= MAX_DEPTH) return;
        this.split(node);
      }
      node = this.child[node] + this.quadrant(node, px, py);
    }
  }

  /** Turns a leaf holding one point into four children and moves its point down. */
  private split(node: number): void {
    const h = this.half[node] / 2;
    const first = this.size;
    for (let q = 0; q < 4; q++) {
      this.addNode(this.cx[node] + (q & 1 ? h : -h), this.cy[node] + (q & 2 ? h : -h), h, this.depth[node] + 1);
    }
    this.child[node] = first;
    const old = this.point[node];
    this.point[node] = -1;
    const target = first + this.quadrant(node, this.y[2 * old], this.y[2 * old + 1]);
    this.count[target] = 1;
    this.massX[target] = this.y[2 * old];
    this.massY[target] = this.y[2 * old + 1];
    this.point[target] = old;
  }

  private quadrant(node: number, x: number, y: number): number {
    return (x >= this.cx[node] ? 1 : 0) + (y >= this.cy[node] ? 2 : 0);
  }

  private addNode(cx: number, cy: number, half: number, depth: number): void {
    if (this.size === this.cx.length) this.grow();
    const k = this.size++;
    this.cx[k] = cx;
    this.cy[k] = cy;
    this.half[k] = half;
    this.depth[k] = depth;
    this.massX[k] = 0;
    this.massY[k] = 0;
    this.count[k] = 0;
    this.child[k] = -1;
    this.point[k] = -1;
  }

  private grow(): void {
    const n = this.cx.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.cx = f(this.cx);
    this.cy = f(this.cy);
    this.half = f(this.half);
    this.massX = f(this.massX);
    this.massY = f(this.massY);
    this.count = g(this.count);
    this.child = g(this.child);
    this.point = g(this.point);
    this.depth = g(this.depth);
  }
}
