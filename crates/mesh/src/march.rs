//! The cube march: visits cubes in scikit-image's order (z, then y, then x), shares vertices
//! between neighbouring cubes through two "face layers", and runs slabs of z in parallel.
//!
//! Parallel slabs give the serial result exactly: a slab numbers its own vertices after every
//! vertex of the slabs below (as the serial march would, since it reaches them later), and a
//! vertex on the plane between two slabs is created by the lower slab (its top edges come first
//! in serial order); the upper slab records its uses of such a vertex (faces, gradient and value
//! contributions, in order) against a proxy, replayed onto the real vertex when the slabs are
//! joined, so every f32 accumulation happens in the serial order.

use crate::cube::{Cube, EdgeIndex};
use crate::luts::CASES;

/// Corner offsets (x, y, z) of both ends of each edge (skimage's EDGETORELATIVEPOS*).
const EDGE_ENDS: [[[u8; 3]; 2]; 12] = {
    const X: [[u8; 2]; 12] = [
        [0, 1],
        [1, 1],
        [1, 0],
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 0],
        [0, 0],
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
    ];
    const Y: [[u8; 2]; 12] = [
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 0],
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 0],
        [0, 0],
        [0, 0],
        [1, 1],
        [1, 1],
    ];
    const Z: [[u8; 2]; 12] = [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
        [0, 1],
        [0, 1],
        [0, 1],
        [0, 1],
    ];
    let mut out = [[[0u8; 3]; 2]; 12];
    let mut e = 0;
    while e < 12 {
        out[e] = [[X[e][0], Y[e][0], Z[e][0]], [X[e][1], Y[e][1], Z[e][1]]];
        e += 1;
    }
    out
};

/// Empty face-layer slot.
const NONE: u32 = u32::MAX;
/// A local face index with this bit set names a proxy (a vertex of the slab below).
pub(crate) const PROXY: u32 = 1 << 31;

/// Uses of a vertex created by the slab below, in the order they happened.
pub(crate) struct Proxy {
    /// Slot in the plane shared with the slab below.
    pub(crate) slot: u32,
    /// `vmax` of each face that used it.
    pub(crate) values: Vec<f64>,
    /// Gradient contributions (already rounded to f32, as skimage adds them).
    pub(crate) grads: Vec<[f32; 3]>,
}

/// What one slab produced, with local vertex numbering.
pub(crate) struct Slab {
    pub(crate) verts: Vec<[f32; 3]>,
    pub(crate) normals: Vec<[f32; 3]>,
    pub(crate) values: Vec<f32>,
    /// Flat triangle corners: local vertex index, or `PROXY | k`.
    pub(crate) faces: Vec<u32>,
    pub(crate) proxies: Vec<Proxy>,
    /// Slots of the top plane (vertices later slabs may share), local indices.
    pub(crate) top: Vec<u32>,
    /// Set when a local index would need bit 31 (the caller reports it).
    pub(crate) overflow: bool,
}

/// The input as the march reads it: a C-contiguous f32-convertible volume.
pub(crate) struct Grid<'a, T> {
    pub(crate) data: &'a [T],
    /// (nx, ny, nz): x is the last, fastest array axis.
    pub(crate) n: [usize; 3],
    pub(crate) level: f64,
    pub(crate) step: usize,
}

impl<T: Copy + Into<f32>> Grid<'_, T> {
    #[inline(always)]
    fn at(&self, x: usize, y: usize, z: usize) -> f64 {
        f64::from(self.data[(z * self.n[1] + y) * self.n[0] + x].into()) - self.level
    }

    /// Above-level bits of plane `z`: one u64 word per 64 x, rows of `words` words.
    fn plane_bits(&self, z: usize, words: usize, out: &mut [u64]) {
        let [nx, ny, _] = self.n;
        let t = f32_below(self.level);
        for y in 0..ny {
            let row = &self.data[(z * ny + y) * nx..][..nx];
            let dst = &mut out[y * words..][..words];
            for (w, chunk) in row.chunks(64).enumerate() {
                // 64 independent compares, then one gather of the lanes: this vectorizes.
                let mut above = [0u8; 64];
                for (a, &v) in above.iter_mut().zip(chunk) {
                    *a = u8::from(v.into() > t);
                }
                dst[w] = above
                    .iter()
                    .enumerate()
                    .fold(0u64, |bits, (i, &a)| bits | u64::from(a) << i);
            }
        }
    }
}

/// The largest f32 not above `level`: for every f32 `v`, `v > t` exactly when
/// `f64::from(v) > level` (skimage compares the float32 volume with a double level).
fn f32_below(level: f64) -> f32 {
    let t = level as f32;
    if f64::from(t) <= level || t.is_nan() {
        return t;
    }
    // The next f32 towards -inf (`f32::next_down`, newer than the MSRV); t > level, so t is
    // neither NaN nor -inf.
    let b = t.to_bits();
    if t == 0.0 {
        -f32::from_bits(1)
    } else if t > 0.0 {
        f32::from_bits(b - 1)
    } else {
        f32::from_bits(b + 1)
    }
}

/// The march over the z values `zs` (lower corners of the cube layers, in order).
pub(crate) fn march_slab<T: Copy + Into<f32>>(
    grid: &Grid<'_, T>,
    zs: &[usize],
    external_bottom: bool,
) -> Slab {
    let [nx, ny, _] = grid.n;
    let st = grid.step;
    let words = nx.div_ceil(64);
    let mut m = Marcher {
        nx,
        step: st,
        layers: [
            vec![NONE; nx * ny * 2],
            vec![NONE; nx * ny * 2],
            vec![NONE; nx],
            vec![NONE; nx],
        ],
        touched: Default::default(),
        external: external_bottom,
        out: Slab {
            verts: Vec::new(),
            normals: Vec::new(),
            values: Vec::new(),
            faces: Vec::new(),
            proxies: Vec::new(),
            top: Vec::new(),
            overflow: false,
        },
    };
    let (mut lo, mut hi) = (vec![0u64; words * ny], vec![0u64; words * ny]);
    for (layer, &z) in zs.iter().enumerate() {
        if layer > 0 {
            m.new_layer();
            m.external = false;
        }
        if layer > 0 && zs[layer - 1] + st == z {
            std::mem::swap(&mut lo, &mut hi);
        } else {
            grid.plane_bits(z, words, &mut lo);
        }
        grid.plane_bits(z + st, words, &mut hi);
        let mut y = 0;
        while y + st < ny {
            if y > 0 {
                m.new_row();
            }
            let rows = [
                &lo[y * words..][..words],
                &lo[(y + st) * words..][..words],
                &hi[y * words..][..words],
                &hi[(y + st) * words..][..words],
            ];
            if st == 1 {
                march_row_step1(grid, &mut m, rows, y, z);
            } else {
                let bit = |r: &[u64], x: usize| ((r[x / 64] >> (x % 64)) & 1) as usize;
                let mut x = 0;
                while x + st < nx {
                    let (a, a1) = (bit(rows[0], x), bit(rows[0], x + st));
                    let (b, b1) = (bit(rows[1], x), bit(rows[1], x + st));
                    let (c, c1) = (bit(rows[2], x), bit(rows[2], x + st));
                    let (d, d1) = (bit(rows[3], x), bit(rows[3], x + st));
                    let index =
                        a | a1 << 1 | b1 << 2 | b << 3 | c << 4 | c1 << 5 | d1 << 6 | d << 7;
                    m.visit(grid, index, x, y, z);
                    x += st;
                }
            }
            y += st;
        }
    }
    m.out.top = std::mem::take(&mut m.layers[1]);
    m.out
}

/// Step-1 row: 64 cubes at a time, skipping those whose 8 corners agree.
fn march_row_step1<T: Copy + Into<f32>>(
    grid: &Grid<'_, T>,
    m: &mut Marcher,
    rows: [&[u64]; 4],
    y: usize,
    z: usize,
) {
    let nx = grid.n[0];
    let words = rows[0].len();
    let cubes = nx - 1; // cube x in 0..nx-1
    for w in 0..words {
        let base = w * 64;
        if base >= cubes {
            break;
        }
        let next = |r: &[u64]| if w + 1 < words { r[w + 1] << 63 } else { 0 };
        let s: [u64; 4] = [rows[0][w], rows[1][w], rows[2][w], rows[3][w]];
        let s1: [u64; 4] = std::array::from_fn(|i| s[i] >> 1 | next(rows[i]));
        let any = s[0] | s1[0] | s[1] | s1[1] | s[2] | s1[2] | s[3] | s1[3];
        let all = s[0] & s1[0] & s[1] & s1[1] & s[2] & s1[2] & s[3] & s1[3];
        let valid = if cubes - base >= 64 {
            u64::MAX
        } else {
            (1u64 << (cubes - base)) - 1
        };
        let mut mixed = any & !all & valid;
        while mixed != 0 {
            let i = mixed.trailing_zeros() as usize;
            mixed &= mixed - 1;
            let b = |r: u64| ((r >> i) & 1) as usize;
            let index = b(s[0])
                | b(s1[0]) << 1
                | b(s1[1]) << 2
                | b(s[1]) << 3
                | b(s[2]) << 4
                | b(s1[2]) << 5
                | b(s1[3]) << 6
                | b(s[3]) << 7;
            m.visit(grid, index, base + i, y, z);
        }
    }
}

/// The vertices cubes share, by edge (skimage's two "face layers", without their unshared
/// centre slots and with the vertical edges kept for two rows only: a third of the bytes, and
/// on a real chest CT the misses on these arrays were a quarter of the march).
struct Marcher {
    nx: usize,
    step: usize,
    /// [bottom plane, top plane] (2 slots per (x, y): the x and y edges), then the vertical
    /// edges of [cube row y, row y + step] (1 slot per x).
    layers: [Vec<u32>; 4],
    /// Slots written in each array, to reset them without clearing it whole.
    touched: [Vec<u32>; 4],
    /// The bottom plane belongs to the slab below (first layer of a later slab).
    external: bool,
    out: Slab,
}

impl Marcher {
    fn reset(&mut self, k: usize) {
        for &s in &self.touched[k] {
            self.layers[k][s as usize] = NONE;
        }
        self.touched[k].clear();
    }

    /// The next z layer: the top plane becomes the bottom; vertical edges are not shared.
    fn new_layer(&mut self) {
        self.layers.swap(0, 1);
        self.touched.swap(0, 1);
        self.reset(1);
        self.reset(2);
        self.reset(3);
    }

    /// The next cube row: its lower vertical edges are the upper ones of the row before.
    fn new_row(&mut self) {
        self.layers.swap(2, 3);
        self.touched.swap(2, 3);
        self.reset(3);
    }

    #[inline]
    fn visit<T: Copy + Into<f32>>(
        &mut self,
        grid: &Grid<'_, T>,
        index: usize,
        x: usize,
        y: usize,
        z: usize,
    ) {
        let [case, config] = CASES[index];
        if case <= 0 {
            return;
        }
        let st = self.step;
        let (x1, y1, z1) = (x + st, y + st, z + st);
        let v = [
            grid.at(x, y, z),
            grid.at(x1, y, z),
            grid.at(x1, y1, z),
            grid.at(x, y1, z),
            grid.at(x, y, z1),
            grid.at(x1, y, z1),
            grid.at(x1, y1, z1),
            grid.at(x, y1, z1),
        ];
        let cube = Cube::new([x, y, z], v);
        let tiling = cube.tiling(case, config as usize);
        let mut center = None;
        for &e in tiling {
            self.add_corner(&cube, e, &mut center);
        }
    }

    /// (array, slot) of the vertex on edge `e` (0..12) of the cube at (x, y) (skimage's
    /// get_index_in_facelayer; the other edges belong to neighbours).
    #[inline]
    fn slot(&self, e: EdgeIndex, x: usize, y: usize) -> (usize, usize) {
        let (nx, st) = (self.nx, self.step);
        let i = nx * y + x;
        match e {
            0 => (0, 2 * i),
            1 => (0, 2 * (i + st) + 1),
            2 => (0, 2 * (i + nx * st)),
            3 => (0, 2 * i + 1),
            4 => (1, 2 * i),
            5 => (1, 2 * (i + st) + 1),
            6 => (1, 2 * (i + nx * st)),
            7 => (1, 2 * i + 1),
            8 => (2, x),
            9 => (2, x + st),
            10 => (3, x + st),
            _ => (3, x),
        }
    }

    fn add_corner(&mut self, cube: &Cube, e: EdgeIndex, center: &mut Option<(u32, [f32; 3])>) {
        let st = self.step as f64;
        if e == 12 {
            // The centre vertex belongs to this cube alone.
            let (id, g) = match *center {
                Some(c) => c,
                None => {
                    let (p, g) = cube.center(st);
                    let id = self.push_vertex([p[0] as f32, p[1] as f32, p[2] as f32]);
                    let c = (id, [g[0] as f32, g[1] as f32, g[2] as f32]);
                    *center = Some(c);
                    c
                }
            };
            self.add_face(id, cube.vmax);
            self.add_grad(id, g);
            return;
        }
        let [x, y, _] = cube.pos;
        let (layer, slot) = self.slot(e, x, y);
        let mut id = self.layers[layer][slot];
        let [p1, p2] = EDGE_ENDS[e as usize];
        let i1 = usize::from(p1[2] * 4 + p1[1] * 2 + p1[0]);
        let i2 = usize::from(p2[2] * 4 + p2[1] * 2 + p2[0]);
        let (t1, t2) = (cube.w[i1], cube.w[i2]);
        if id == NONE {
            if self.external && layer == 0 {
                id = PROXY | self.out.proxies.len() as u32;
                self.out.proxies.push(Proxy {
                    slot: slot as u32,
                    values: Vec::new(),
                    grads: Vec::new(),
                });
                self.layers[0][slot] = id;
                self.touched[0].push(slot as u32);
            } else {
                let pos: [f32; 3] = std::array::from_fn(|k| {
                    let f = f64::from(p1[k]) * t1 + f64::from(p2[k]) * t2;
                    let ff = t1 + t2;
                    (cube.pos[k] as f64 + st * f / ff) as f32
                });
                id = self.new_vertex(pos, layer, slot);
            }
        }
        self.add_face(id, cube.vmax);
        // skimage passes the strengths as float before multiplying.
        let (s1, s2) = (f64::from(t1 as f32), f64::from(t2 as f32));
        let g1 = cube.vg[i1];
        let g2 = cube.vg[i2];
        self.add_grad(
            id,
            [
                (g1[0] * s1) as f32,
                (g1[1] * s1) as f32,
                (g1[2] * s1) as f32,
            ],
        );
        self.add_grad(
            id,
            [
                (g2[0] * s2) as f32,
                (g2[1] * s2) as f32,
                (g2[2] * s2) as f32,
            ],
        );
    }

    fn new_vertex(&mut self, pos: [f32; 3], layer: usize, slot: usize) -> u32 {
        let n = self.push_vertex(pos);
        self.layers[layer][slot] = n;
        self.touched[layer].push(slot as u32);
        n
    }

    fn push_vertex(&mut self, pos: [f32; 3]) -> u32 {
        let n = self.out.verts.len();
        if n >= PROXY as usize - 1 {
            self.out.overflow = true;
        }
        self.out.verts.push(pos);
        self.out.normals.push([0.0; 3]);
        self.out.values.push(0.0);
        n as u32
    }

    #[inline]
    fn add_face(&mut self, id: u32, vmax: f64) {
        self.out.faces.push(id);
        if id & PROXY != 0 {
            self.out.proxies[(id & !PROXY) as usize].values.push(vmax);
        } else {
            let v = &mut self.out.values[id as usize];
            if vmax > f64::from(*v) {
                *v = vmax as f32;
            }
        }
    }

    #[inline]
    fn add_grad(&mut self, id: u32, g: [f32; 3]) {
        if id & PROXY != 0 {
            self.out.proxies[(id & !PROXY) as usize].grads.push(g);
        } else {
            let n = &mut self.out.normals[id as usize];
            for k in 0..3 {
                n[k] += g[k];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::f32_below;

    proptest::proptest! {
        /// The f32 threshold decides every f32 exactly as the double comparison does,
        /// including at the level's own neighbours.
        #[test]
        fn f32_threshold_is_the_double_comparison(level in -1e7f64..1e7, v in -1e7f32..1e7) {
            let t = f32_below(level);
            let l = level as f32;
            let up = |x: f32| if x >= 0.0 { f32::from_bits(x.to_bits() + 1) } else { f32::from_bits(x.to_bits() - 1) };
            for x in [v, l, up(l), t, up(t), -t] {
                proptest::prop_assert_eq!(x > t, f64::from(x) > level, "{} {}", x, level);
            }
        }
    }

    #[test]
    fn f32_threshold_edges() {
        for level in [
            0.0,
            -300.0,
            0.1,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            3.5e38,
        ] {
            let t = f32_below(level);
            for x in [
                0.0f32,
                0.1,
                -300.0,
                f32::MAX,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::NAN,
            ] {
                assert_eq!(x > t, f64::from(x) > level, "{x} {level}");
            }
        }
    }
}
