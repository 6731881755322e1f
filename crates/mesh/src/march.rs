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
use crate::lanes::F4;
use crate::luts::CASES;
use crate::range::Range;

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

/// Binary corner numbers (x + 2y + 4z) of both ends of each edge.
const EDGE_CORNERS: [[usize; 2]; 12] = {
    let mut out = [[0usize; 2]; 12];
    let mut e = 0;
    while e < 12 {
        let [a, b] = EDGE_ENDS[e];
        out[e] = [
            (a[2] * 4 + a[1] * 2 + a[0]) as usize,
            (b[2] * 4 + b[1] * 2 + b[0]) as usize,
        ];
        e += 1;
    }
    out
};

/// Empty face-layer slot.
const NONE: u32 = u32::MAX;
/// A local face index with this bit set names a proxy (a vertex of the slab below).
pub(crate) const PROXY: u32 = 1 << 31;

/// A slab's uses of vertices created by the slab below ("proxies"), each log in the order
/// the uses happened (values and gradients never mix, so two logs keep every order).
#[derive(Default)]
pub(crate) struct Proxies {
    /// Slot, in the plane shared with the slab below, of each proxy.
    pub(crate) slots: Vec<u32>,
    /// (proxy, `vmax` of a face that used it).
    pub(crate) values: Vec<(u32, f64)>,
    /// (proxy, gradient contribution already rounded to f32, as skimage adds them).
    pub(crate) grads: Vec<(u32, [f32; 3])>,
}

/// A vertex as the march builds it: position (x, y, z), value and accumulated gradient side by
/// side, so the updates of one use touch one cache line.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
pub(crate) struct Vertex {
    pub(crate) pos: [f32; 3],
    pub(crate) value: f32,
    /// Gradient (x, y, z) and a padding lane that only ever adds zeros: one use is one
    /// four-lane add.
    pub(crate) normal: [f32; 4],
}

/// What one slab produced, with local vertex numbering.
pub(crate) struct Slab {
    pub(crate) verts: Vec<Vertex>,
    /// Flat triangle corners: local vertex index, or `PROXY | k`.
    pub(crate) faces: Vec<u32>,
    pub(crate) proxies: Proxies,
    /// (slot, local index) of every vertex on the top plane (later slabs may share them),
    /// sorted by slot.
    pub(crate) top: Vec<(u32, u32)>,
    /// Set when a local index would need bit 31 (the caller reports it).
    pub(crate) overflow: bool,
    /// The range of every value in the planes read.
    pub(crate) range: Range,
}

/// The input as the march reads it: an f32-convertible volume in memory order, or with its
/// axes reversed (plot_3d's `transpose(2, 1, 0)`), read without a copy of the whole.
pub(crate) struct Grid<'a, T> {
    pub(crate) data: &'a [T],
    /// (nx, ny, nz) in march order: x is the fastest axis of the marched volume.
    pub(crate) n: [usize; 3],
    pub(crate) level: f64,
    pub(crate) step: usize,
    /// `data` is C-ordered (x, y, z): the marched volume is its reversed-axes view.
    pub(crate) reversed: bool,
}

/// Planes of a reversed-axes volume gathered in march order, a block at a time: a block of
/// 32 planes reads each 64-byte line of the input once, where a plane at a time would read
/// every line 32 times.
pub(crate) struct Planes<T> {
    block: Vec<T>,
    start: usize,
    len: usize,
    /// The transposing tile of [`Grid::load`], kept between blocks.
    tile: Vec<T>,
}

impl<T> Planes<T> {
    /// No plane loaded.
    pub(crate) fn new() -> Self {
        Planes {
            block: Vec::new(),
            start: 0,
            len: 0,
            tile: Vec::new(),
        }
    }
}

/// Planes per gathered block.
const BLOCK: usize = 32;

impl<T: Copy + Into<f32>> Grid<'_, T> {
    /// Makes planes `z` and `z2 >= z` readable through [`Grid::plane`].
    fn load(&self, z: usize, z2: usize, planes: &mut Planes<T>) {
        let [nx, ny, nz] = self.n;
        if !self.reversed || (planes.start <= z && z2 < planes.start + planes.len) {
            return;
        }
        let len = BLOCK.max(z2 - z + 1).min(nz - z);
        let plane = nx * ny;
        let (Some(&fill), true) = (self.data.first(), len > 0) else {
            return;
        };
        planes.block.resize(len * plane, fill);
        // data[x][y][z..z + len] is contiguous. A 32 x by `len` tile is transposed in L1 and
        // written out a plane row at a time: scattered stores straight into the planes (a
        // plane apart, so a few cache sets for all of them) stalled on every one.
        const TX: usize = 32;
        let tile = &mut planes.tile;
        tile.resize(TX * len, fill);
        for x0 in (0..nx).step_by(TX) {
            let w = (nx - x0).min(TX);
            for y in 0..ny {
                for xi in 0..w {
                    // These reads jump a plane apart, out of the hardware prefetcher's reach:
                    // ask four rows ahead.
                    if let Some(p) = self.data.get(((x0 + xi) * ny + y + 4) * nz + z) {
                        prefetch(p);
                    }
                    let src = &self.data[((x0 + xi) * ny + y) * nz + z..][..len];
                    for (k, &v) in src.iter().enumerate() {
                        tile[k * TX + xi] = v;
                    }
                }
                for k in 0..len {
                    planes.block[k * plane + y * nx + x0..][..w]
                        .copy_from_slice(&tile[k * TX..][..w]);
                }
            }
        }
        (planes.start, planes.len) = (z, len);
    }

    /// Plane `z` in march order (loaded by [`Grid::load`] when reversed).
    fn plane<'b>(&'b self, z: usize, planes: &'b Planes<T>) -> &'b [T] {
        let plane = self.n[0] * self.n[1];
        if self.reversed {
            &planes.block[(z - planes.start) * plane..][..plane]
        } else {
            &self.data[z * plane..][..plane]
        }
    }

    /// Above-level bits of a plane (one u64 word per 64 x, rows of `words` words), and the
    /// range of its values.
    fn plane_bits(&self, plane: &[T], words: usize, out: &mut [u64]) -> Range {
        let [nx, ny, _] = self.n;
        let t = f32_below(self.level);
        let mut range = Range::EMPTY;
        for y in 0..ny {
            let row = &plane[y * nx..][..nx];
            // The row is in L1 now: its range costs little next to another pass over memory.
            range = range.merge(Range::of(row));
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
        range
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

/// The face layers of a march, all slots empty: reused by the slabs of one call (a fresh one
/// is 4 MB of pages to fault and fill for a 512² plane).
pub(crate) struct Scratch {
    layers: [Vec<u32>; 4],
    touched: [Vec<u32>; 4],
}

impl Scratch {
    pub(crate) fn new(nx: usize, ny: usize) -> Scratch {
        Scratch {
            layers: [
                vec![NONE; nx * ny * 2],
                vec![NONE; nx * ny * 2],
                vec![NONE; nx],
                vec![NONE; nx],
            ],
            touched: Default::default(),
        }
    }
}

/// The march over the z values `zs` (lower corners of the cube layers, in order); `scratch`
/// comes back empty.
pub(crate) fn march_slab<T: Copy + Into<f32>>(
    grid: &Grid<'_, T>,
    zs: &[usize],
    external_bottom: bool,
    scratch: &mut Scratch,
    planes: &mut Planes<T>,
) -> Slab {
    let [nx, ny, _] = grid.n;
    let st = grid.step;
    let words = nx.div_ceil(64);
    let mut m = Marcher {
        nx,
        step: st,
        layers: std::mem::take(&mut scratch.layers),
        touched: std::mem::take(&mut scratch.touched),
        external: external_bottom,
        out: Slab {
            verts: Vec::new(),
            faces: Vec::new(),
            proxies: Proxies::default(),
            top: Vec::new(),
            overflow: false,
            range: Range::EMPTY,
        },
    };
    let (mut lo, mut hi) = (vec![0u64; words * ny], vec![0u64; words * ny]);
    // Mixed-cube masks of the current cube row and the next (computed a row ahead to
    // prefetch the face-layer slots that row will read).
    let (mut cur, mut next) = (vec![0u64; words], vec![0u64; words]);
    for (layer, &z) in zs.iter().enumerate() {
        if layer > 0 {
            m.new_layer();
            m.external = false;
        }
        if layer == (zs.len() / 8).max(2) {
            m.reserve(layer, zs.len());
        }
        grid.load(z, z + st, planes);
        let values = [grid.plane(z, planes), grid.plane(z + st, planes)];
        if layer > 0 && zs[layer - 1] + st == z {
            std::mem::swap(&mut lo, &mut hi);
        } else {
            m.out.range = m
                .out
                .range
                .merge(grid.plane_bits(values[0], words, &mut lo));
        }
        m.out.range = m
            .out
            .range
            .merge(grid.plane_bits(values[1], words, &mut hi));
        let rows = |y: usize| {
            [
                &lo[y * words..][..words],
                &lo[(y + st) * words..][..words],
                &hi[y * words..][..words],
                &hi[(y + st) * words..][..words],
            ]
        };
        if st == 1 {
            mixed_cubes(rows(0), nx - 1, &mut cur);
        }
        let mut y = 0;
        while y + st < ny {
            if y > 0 {
                m.new_row();
            }
            if st == 1 {
                if y + 2 < ny {
                    mixed_cubes(rows(y + 1), nx - 1, &mut next);
                    m.prefetch(&next, y + 1);
                }
                march_row_step1(grid, values, &mut m, rows(y), &cur, y, z);
                std::mem::swap(&mut cur, &mut next);
            } else {
                let rows = rows(y);
                let bit = |r: &[u64], x: usize| ((r[x / 64] >> (x % 64)) & 1) as usize;
                let mut x = 0;
                while x + st < nx {
                    let (a, a1) = (bit(rows[0], x), bit(rows[0], x + st));
                    let (b, b1) = (bit(rows[1], x), bit(rows[1], x + st));
                    let (c, c1) = (bit(rows[2], x), bit(rows[2], x + st));
                    let (d, d1) = (bit(rows[3], x), bit(rows[3], x + st));
                    let index =
                        a | a1 << 1 | b1 << 2 | b << 3 | c << 4 | c1 << 5 | d1 << 6 | d << 7;
                    m.visit(grid, values, index, x, y, z);
                    x += st;
                }
            }
            y += st;
        }
    }
    let mut top: Vec<(u32, u32)> = m.touched[1]
        .iter()
        .map(|&s| (s, m.layers[1][s as usize]))
        .collect();
    top.sort_unstable();
    m.out.top = top;
    for k in 0..4 {
        m.reset(k);
    }
    scratch.layers = m.layers;
    scratch.touched = m.touched;
    m.out
}

/// The corner bits of 64 step-1 cubes from word `w` of the four corner rows: bit i of `[k]`
/// and `[k + 4]` are corner x = i and x = i + 1 of row k.
#[inline(always)]
fn cube_bits(rows: [&[u64]; 4], w: usize) -> [u64; 8] {
    let next = |r: &[u64]| if w + 1 < r.len() { r[w + 1] << 63 } else { 0 };
    let s = |k: usize| rows[k][w];
    let s1 = |k: usize| rows[k][w] >> 1 | next(rows[k]);
    [s(0), s(1), s(2), s(3), s1(0), s1(1), s1(2), s1(3)]
}

/// Bit i of word w: step-1 cube x = 64 w + i (of `cubes`) has corners on both sides.
fn mixed_cubes(rows: [&[u64]; 4], cubes: usize, out: &mut [u64]) {
    for (w, o) in out.iter_mut().enumerate() {
        let base = w * 64;
        if base >= cubes {
            *o = 0;
            continue;
        }
        let b = cube_bits(rows, w);
        let any = b.iter().fold(0, |a, &v| a | v);
        let all = b.iter().fold(u64::MAX, |a, &v| a & v);
        let valid = if cubes - base >= 64 {
            u64::MAX
        } else {
            (1u64 << (cubes - base)) - 1
        };
        *o = any & !all & valid;
    }
}

/// Step-1 row: the mixed cubes of `mixed`, in x order.
fn march_row_step1<T: Copy + Into<f32>>(
    grid: &Grid<'_, T>,
    values: [&[T]; 2],
    m: &mut Marcher,
    rows: [&[u64]; 4],
    mixed: &[u64],
    y: usize,
    z: usize,
) {
    for (w, &word) in mixed.iter().enumerate() {
        if word == 0 {
            continue;
        }
        let [s0, s1, s2, s3, t0, t1, t2, t3] = cube_bits(rows, w);
        let mut left = word;
        while left != 0 {
            let i = left.trailing_zeros() as usize;
            left &= left - 1;
            let b = |r: u64| ((r >> i) & 1) as usize;
            let index = b(s0)
                | b(t0) << 1
                | b(t1) << 2
                | b(s1) << 3
                | b(s2) << 4
                | b(t2) << 5
                | b(t3) << 6
                | b(s3) << 7;
            m.visit(grid, values, index, w * 64 + i, y, z);
        }
    }
}

/// A hint to bring `p`'s cache line in; nothing else.
#[inline(always)]
fn prefetch<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and does not access memory architecturally; the pointer
    // comes from a reference anyway. (Safe to call from Rust 1.87; unsafe under the MSRV.)
    #[allow(unused_unsafe)]
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
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

    /// Asks for the face-layer lines step-1 cube row `y` will read first: plane row y + 1 of
    /// both planes (row y was read by the row before), one line per 8 cubes with any mixed.
    fn prefetch(&self, mixed: &[u64], y: usize) {
        let row = 2 * self.nx * (y + 1);
        for (w, &word) in mixed.iter().enumerate() {
            for g in 0..8 {
                if (word >> (8 * g)) & 0xff != 0 {
                    let slot = row + 2 * (64 * w + 8 * g);
                    for layer in &self.layers[..2] {
                        if let Some(p) = layer.get(slot) {
                            prefetch(p);
                        }
                    }
                }
            }
        }
    }

    /// Reserves room for the whole slab, extrapolated from its first `done` of `total` layers
    /// with half again as margin: growth by doubling copies the vectors and touches twice the
    /// memory, while capacity never written costs nothing.
    fn reserve(&mut self, done: usize, total: usize) {
        let want = |n: usize| n / done.max(1) * total / 2 * 3;
        let (v, f) = (want(self.out.verts.len()), want(self.out.faces.len()));
        self.out
            .verts
            .reserve_exact(v.saturating_sub(self.out.verts.len()));
        self.out
            .faces
            .reserve_exact(f.saturating_sub(self.out.faces.len()));
    }

    /// The next cube row: its lower vertical edges are the upper ones of the row before.
    fn new_row(&mut self) {
        self.layers.swap(2, 3);
        self.touched.swap(2, 3);
        self.reset(3);
    }

    /// The cube at (x, y, z) with corner bits `index`; `values`: planes z and z + step.
    #[inline]
    fn visit<T: Copy + Into<f32>>(
        &mut self,
        grid: &Grid<'_, T>,
        [lo, hi]: [&[T]; 2],
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
        let i = y * grid.n[0] + x;
        let (dx, dy) = (st, st * grid.n[0]);
        let at = |p: &[T], i: usize| f64::from(p[i].into()) - grid.level;
        let v = [
            at(lo, i),
            at(lo, i + dx),
            at(lo, i + dx + dy),
            at(lo, i + dy),
            at(hi, i),
            at(hi, i + dx),
            at(hi, i + dx + dy),
            at(hi, i + dy),
        ];
        let cube = Cube::new([x, y, z], v);
        let tiling = cube.tiling(case, config as usize);
        // skimage's gradient contribution of each corner: the strength passed as float, times
        // the corner gradient, rounded to float (the same at every use in this cube).
        let cg: [F4; 8] =
            std::array::from_fn(|i| F4::scaled(&cube.vg[i], f64::from(cube.w[i] as f32)));
        // Each edge's vertex is the same at every use in this cube: resolve it once.
        let mut ids = [0u32; 13];
        let mut center = F4::ZERO;
        let mut seen = 0u16;
        // The triangle corners, appended once per cube (a push per corner checked capacity);
        // the longest tiling (13.4) has 36.
        let mut corners = [0u32; 36];
        for (&e, corner) in tiling.iter().zip(&mut corners) {
            let e = e as usize;
            if seen & (1 << e) == 0 {
                seen |= 1 << e;
                let id = if e == 12 {
                    let (p, g) = cube.center(self.step as f64);
                    center = F4::rounded(g);
                    self.push_vertex(p.map(|c| c as f32))
                } else {
                    self.resolve(&cube, e)
                };
                ids[e] = id;
                if id & PROXY == 0 {
                    // Once per cube: a repeat would store the same value again.
                    let value = &mut self.out.verts[id as usize].value;
                    if cube.vmax > f64::from(*value) {
                        *value = cube.vmax as f32;
                    }
                }
            }
            let id = ids[e];
            let (g1, g2) = match EDGE_CORNERS.get(e) {
                Some(&[i1, i2]) => (cg[i1], Some(cg[i2])),
                None => (center, None),
            };
            *corner = id;
            if id & PROXY == 0 {
                let n = &mut self.out.verts[id as usize].normal;
                g1.add_to(n);
                if let Some(g2) = g2 {
                    g2.add_to(n);
                }
            } else {
                let (k, p) = (id & !PROXY, &mut self.out.proxies);
                p.values.push((k, cube.vmax));
                p.grads.push((k, g1.xyz()));
                if let Some(g2) = g2 {
                    p.grads.push((k, g2.xyz()));
                }
            }
        }
        self.out
            .faces
            .extend_from_slice(&corners[..tiling.len().min(corners.len())]);
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

    /// The vertex on edge `e` (0..12) of `cube`, created if new.
    #[inline(always)]
    fn resolve(&mut self, cube: &Cube, e: usize) -> u32 {
        let [x, y, _] = cube.pos;
        let (layer, slot) = self.slot(e as EdgeIndex, x, y);
        let mut id = self.layers[layer][slot];
        if id == NONE {
            if self.external && layer == 0 {
                id = PROXY | self.out.proxies.slots.len() as u32;
                self.out.proxies.slots.push(slot as u32);
            } else {
                let st = self.step as f64;
                let [p1, p2] = EDGE_ENDS[e];
                let [i1, i2] = EDGE_CORNERS[e];
                let (t1, t2) = (cube.w[i1], cube.w[i2]);
                let pos: [f32; 3] = std::array::from_fn(|k| {
                    let f = f64::from(p1[k]) * t1 + f64::from(p2[k]) * t2;
                    let ff = t1 + t2;
                    (cube.pos[k] as f64 + st * f / ff) as f32
                });
                id = self.push_vertex(pos);
            }
            self.layers[layer][slot] = id;
            self.touched[layer].push(slot as u32);
        }
        id
    }

    fn push_vertex(&mut self, pos: [f32; 3]) -> u32 {
        let n = self.out.verts.len();
        if n >= PROXY as usize - 1 {
            self.out.overflow = true;
        }
        self.out.verts.push(Vertex {
            pos,
            value: 0.0,
            normal: [0.0; 4],
        });
        n as u32
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
