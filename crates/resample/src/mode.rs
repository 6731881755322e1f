//! Boundary modes with scipy's names, and the integer codes scipy's C core uses.

use crate::Error;

/// How values beyond the input's edge are defined (scipy.ndimage `mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// `d c b a | a b c d | d c b a` (half-sample symmetric); scipy's filter default.
    #[default]
    Reflect,
    /// `a a a a | a b c d | d d d d`.
    Nearest,
    /// `d c b | a b c d | c b a` (whole-sample symmetric).
    Mirror,
    /// Constant `cval` beyond the edge; interpolation stops at the edge.
    Constant,
    /// `a b c d | a b c d | a b c d` for filters; scipy's odd period `n - 1` for interpolation.
    Wrap,
    /// Constant `cval` beyond the edge, interpolated across it.
    GridConstant,
    /// Same as `Reflect`.
    GridMirror,
    /// Periodic with period `n`.
    GridWrap,
}

impl std::str::FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "reflect" => Mode::Reflect,
            "nearest" => Mode::Nearest,
            "mirror" => Mode::Mirror,
            "constant" => Mode::Constant,
            "wrap" => Mode::Wrap,
            "grid-constant" => Mode::GridConstant,
            "grid-mirror" => Mode::GridMirror,
            "grid-wrap" => Mode::GridWrap,
            other => return Err(Error::UnknownMode(other.to_string())),
        })
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Reflect => "reflect",
            Mode::Nearest => "nearest",
            Mode::Mirror => "mirror",
            Mode::Constant => "constant",
            Mode::Wrap => "wrap",
            Mode::GridConstant => "grid-constant",
            Mode::GridMirror => "grid-mirror",
            Mode::GridWrap => "grid-wrap",
        })
    }
}

/// scipy's `NI_ExtendMode` as produced by `_extend_mode_to_code(mode)` (without `is_filter`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ext {
    Nearest,
    Wrap,
    Reflect,
    Mirror,
    Constant,
    GridWrap,
    GridConstant,
}

impl From<Mode> for Ext {
    fn from(m: Mode) -> Self {
        match m {
            Mode::Nearest => Ext::Nearest,
            Mode::Wrap => Ext::Wrap,
            Mode::Reflect | Mode::GridMirror => Ext::Reflect,
            Mode::Mirror => Ext::Mirror,
            Mode::Constant => Ext::Constant,
            Mode::GridWrap => Ext::GridWrap,
            Mode::GridConstant => Ext::GridConstant,
        }
    }
}
