//! One cube of Lewiner's marching cubes: its corner values, the topology tests that resolve the
//! ambiguous cases, and the tiling it selects ("the big switch").
//!
//! Every formula, including its evaluation order and its f32 roundings, is scikit-image 0.26's
//! (`_marching_cubes_lewiner_cy.pyx`): that is what makes the output identical, not merely
//! close. Quirks kept on purpose are marked "as skimage".

use crate::luts::*;

/// `np.spacing(1.0)`: the "tiny winy number" of the original (the double epsilon, not f32's).
pub(crate) const EPS: f64 = f64::EPSILON;

/// Where a triangle corner lies: one of the 12 cube edges, or the cube centre (12).
pub(crate) type EdgeIndex = i8;

/// A visited cube: position, corner values minus the level, and what the tiling needs.
pub(crate) struct Cube {
    /// Lower corner (x, y, z) with x the fastest axis of the array.
    pub(crate) pos: [usize; 3],
    /// Corner values minus the level in Lewiner's numbering (0..3 bottom face counter-clockwise
    /// from the origin, 4..7 the same above).
    pub(crate) v: [f64; 8],
    /// Per-corner gradients, as skimage defines them (some components deliberately shared).
    pub(crate) vg: [[f64; 3]; 8],
    /// `max(0, max vv) - min(0, min vv)`: the vertex "value" of skimage.
    pub(crate) vmax: f64,
    /// Interpolation strength `1 / (eps + |v|)` of each corner in binary numbering (x + 2y + 4z), the
    /// same division skimage repeats for every edge end.
    pub(crate) w: [f64; 8],
}

impl Cube {
    /// A cube from its corner values (Lewiner numbering, level already subtracted).
    pub(crate) fn new(pos: [usize; 3], v: [f64; 8]) -> Self {
        let vv = [v[0], v[1], v[3], v[2], v[4], v[5], v[7], v[6]];
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for &a in &vv {
            if a > hi {
                hi = a;
            }
            if a < lo {
                lo = a;
            }
        }
        let vg = [
            [v[0] - v[1], v[0] - v[3], v[0] - v[4]],
            [v[0] - v[1], v[1] - v[2], v[1] - v[5]],
            [v[3] - v[2], v[1] - v[2], v[2] - v[6]],
            [v[3] - v[2], v[0] - v[3], v[3] - v[7]],
            [v[4] - v[5], v[4] - v[7], v[0] - v[4]],
            [v[4] - v[5], v[5] - v[6], v[1] - v[5]],
            [v[7] - v[6], v[5] - v[6], v[2] - v[6]],
            [v[7] - v[6], v[4] - v[7], v[3] - v[7]],
        ];
        let w = vv.map(|a| 1.0 / (EPS + a.abs()));
        Cube {
            pos,
            v,
            vg,
            vmax: hi - lo,
            w,
        }
    }

    /// The centre vertex (edge index 12) and its gradient, by the inverse-distance weighting of
    /// the eight corners.
    pub(crate) fn center(&self, step: f64) -> ([f64; 3], [f64; 3]) {
        const OFF: [[f64; 3]; 8] = [
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [1.0, 1.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 1.0],
            [1.0, 1.0, 1.0],
            [0.0, 1.0, 1.0],
        ];
        let w: [f64; 8] = std::array::from_fn(|i| 1.0 / (EPS + self.v[i].abs()));
        let (mut f, mut ff) = ([0.0f64; 3], 0.0f64);
        for i in 0..8 {
            for k in 0..3 {
                f[k] += OFF[i][k] * w[i];
            }
            ff += w[i];
        }
        let p = std::array::from_fn(|k| self.pos[k] as f64 + step * f[k] / ff);
        // The gradient pairs the weight of Lewiner corner i with vg[i] (binary numbering), as skimage.
        let g = std::array::from_fn(|k| {
            let mut s = w[0] * self.vg[0][k];
            for (wi, g) in w.iter().zip(&self.vg).skip(1) {
                s += wi * g[k];
            }
            s
        });
        (p, g)
    }

    /// Lewiner's face test: does the surface join the two positive corners of `face` (1..=6;
    /// the sign says which answer the table wants)?
    fn test_face(&self, face: i8) -> bool {
        let v = &self.v;
        let (a, b, c, d) = match face.unsigned_abs() {
            1 => (v[0], v[4], v[5], v[1]),
            2 => (v[1], v[5], v[6], v[2]),
            3 => (v[2], v[6], v[7], v[3]),
            4 => (v[3], v[7], v[4], v[0]),
            5 => (v[0], v[3], v[2], v[1]),
            6 => (v[4], v[7], v[6], v[5]),
            // Unreachable with the tables; skimage reads uninitialized zeros here.
            _ => (0.0, 0.0, 0.0, 0.0),
        };
        let ac_bd = a * c - b * d;
        if ac_bd > -EPS && ac_bd < EPS {
            face >= 0
        } else {
            f64::from(face) * a * ac_bd >= 0.0
        }
    }

    /// Lewiner's interior test for cases 4, 6, 7, 10, 12 and 13.
    fn test_interior(&self, case: i8, config: usize, subconfig: usize, s: i8) -> bool {
        let v = &self.v;
        let (at, bt, ct, dt);
        if case == 4 || case == 10 {
            let a = (v[4] - v[0]) * (v[6] - v[2]) - (v[7] - v[3]) * (v[5] - v[1]);
            let b = v[2] * (v[4] - v[0]) + v[0] * (v[6] - v[2])
                - v[1] * (v[7] - v[3])
                - v[3] * (v[5] - v[1]);
            let t = -b / (2.0 * a + EPS);
            // Not `!(0.0..=1.0).contains(&t)`: a NaN t must go on to the test, as in skimage.
            #[allow(clippy::manual_range_contains)]
            if t < 0.0 || t > 1.0 {
                return s > 0;
            }
            at = v[0] + (v[4] - v[0]) * t;
            bt = v[3] + (v[7] - v[3]) * t;
            ct = v[2] + (v[6] - v[2]) * t;
            dt = v[1] + (v[5] - v[1]) * t;
        } else {
            let edge = match case {
                6 => TEST6[config][2],
                7 => TEST7[config][4],
                12 => TEST12[config][3],
                _ => TILING13_5_1[config][subconfig][0],
            };
            // (corner the edge starts at, its other end, then the three parallel edges' ends)
            let (p, q, e) = match edge {
                0 => (0, 1, [(3, 2), (7, 6), (4, 5)]),
                1 => (1, 2, [(0, 3), (4, 7), (5, 6)]),
                2 => (2, 3, [(1, 0), (5, 4), (6, 7)]),
                3 => (3, 0, [(2, 1), (6, 5), (7, 4)]),
                4 => (4, 5, [(7, 6), (3, 2), (0, 1)]),
                5 => (5, 6, [(4, 7), (0, 3), (1, 2)]),
                6 => (6, 7, [(5, 4), (1, 0), (2, 3)]),
                7 => (7, 4, [(6, 5), (2, 1), (3, 0)]),
                8 => (0, 4, [(3, 7), (2, 6), (1, 5)]),
                9 => (1, 5, [(0, 4), (3, 7), (2, 6)]),
                10 => (2, 6, [(1, 5), (0, 4), (3, 7)]),
                11 => (3, 7, [(2, 6), (1, 5), (0, 4)]),
                // Unreachable with the tables; skimage then tests with all four at 0.
                _ => (usize::MAX, 0, [(0, 0); 3]),
            };
            if p == usize::MAX {
                (at, bt, ct, dt) = (0.0, 0.0, 0.0, 0.0);
            } else {
                let t = v[p] / (v[p] - v[q] + EPS);
                let lerp = |(i, j): (usize, usize)| v[i] + (v[j] - v[i]) * t;
                (at, bt, ct, dt) = (0.0, lerp(e[0]), lerp(e[1]), lerp(e[2]));
            }
        }
        let test = u8::from(at >= 0.0)
            | u8::from(bt >= 0.0) << 1
            | u8::from(ct >= 0.0) << 2
            | u8::from(dt >= 0.0) << 3;
        match test {
            0..=4 | 6 | 8 | 9 | 12 => s > 0,
            // skimage's function falls off its end (returns 0) when the inner test fails.
            5 => at * ct - bt * dt < EPS && s > 0,
            10 => at * ct - bt * dt >= EPS && s > 0,
            _ => s < 0,
        }
    }

    /// The triangles of this cube (edge indices, three per triangle), from Lewiner's case
    /// `case` (> 0) and `config` — the big switch.
    pub(crate) fn tiling(&self, case: i8, config: usize) -> &'static [EdgeIndex] {
        let tf = |face: i8| self.test_face(face);
        match case {
            1 => &TILING1[config],
            2 => &TILING2[config],
            3 => {
                if tf(TEST3[config]) {
                    &TILING3_2[config]
                } else {
                    &TILING3_1[config]
                }
            }
            4 => {
                if self.test_interior(case, config, 0, TEST4[config]) {
                    &TILING4_1[config]
                } else {
                    &TILING4_2[config]
                }
            }
            5 => &TILING5[config],
            6 => {
                if tf(TEST6[config][0]) {
                    &TILING6_2[config]
                } else if self.test_interior(case, config, 0, TEST6[config][1]) {
                    &TILING6_1_1[config]
                } else {
                    &TILING6_1_2[config]
                }
            }
            7 => {
                let t = &TEST7[config];
                let sub =
                    usize::from(tf(t[0])) | usize::from(tf(t[1])) << 1 | usize::from(tf(t[2])) << 2;
                match sub {
                    0 => &TILING7_1[config],
                    1 => &TILING7_2[config][0],
                    2 => &TILING7_2[config][1],
                    3 => &TILING7_3[config][0],
                    4 => &TILING7_2[config][2],
                    5 => &TILING7_3[config][1],
                    6 => &TILING7_3[config][2],
                    _ => {
                        if self.test_interior(case, config, sub, t[3]) {
                            &TILING7_4_2[config]
                        } else {
                            &TILING7_4_1[config]
                        }
                    }
                }
            }
            8 => &TILING8[config],
            9 => &TILING9[config],
            10 => {
                let t = &TEST10[config];
                if tf(t[0]) {
                    if tf(t[1]) {
                        &TILING10_1_1_[config]
                    } else {
                        &TILING10_2[config]
                    }
                } else if tf(t[1]) {
                    &TILING10_2_[config]
                } else if self.test_interior(case, config, 0, t[2]) {
                    &TILING10_1_1[config]
                } else {
                    &TILING10_1_2[config]
                }
            }
            11 => &TILING11[config],
            12 => {
                let t = &TEST12[config];
                if tf(t[0]) {
                    if tf(t[1]) {
                        &TILING12_1_1_[config]
                    } else {
                        &TILING12_2[config]
                    }
                } else if tf(t[1]) {
                    &TILING12_2_[config]
                } else if self.test_interior(case, config, 0, t[2]) {
                    &TILING12_1_1[config]
                } else {
                    &TILING12_1_2[config]
                }
            }
            13 => {
                let t = &TEST13[config];
                let mut bits = 0usize;
                for (k, &face) in t[..6].iter().enumerate() {
                    bits |= usize::from(tf(face)) << k;
                }
                match SUBCONFIG13[bits] {
                    0 => &TILING13_1[config],
                    s @ 1..=6 => &TILING13_2[config][s as usize - 1],
                    s @ 7..=18 => &TILING13_3[config][s as usize - 7],
                    s @ 19..=22 => &TILING13_4[config][s as usize - 19],
                    s @ 23..=26 => {
                        let sub = s as usize - 23;
                        if self.test_interior(case, config, sub, t[6]) {
                            &TILING13_5_1[config][sub]
                        } else {
                            &TILING13_5_2[config][sub]
                        }
                    }
                    s @ 27..=38 => &TILING13_3_[config][s as usize - 27],
                    s @ 39..=44 => &TILING13_2_[config][s as usize - 39],
                    45 => &TILING13_1_[config],
                    // "Impossible case 13": skimage prints and emits nothing.
                    _ => &[],
                }
            }
            14 => &TILING14[config],
            _ => &[],
        }
    }
}
