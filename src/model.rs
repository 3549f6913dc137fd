//! The scoring model: features -> calibrated probability plus per-feature contributions.
//!
//! The model is a tree ensemble trained by `botlens train` (native only, `src/train/`) and
//! shipped as a compact binary artifact (`model/botlens-model.bin`) embedded with
//! `include_bytes!`. This module parses and runs it; it knows nothing of how it was trained
//! and pulls in no training library (the wasm stays small).
//!
//! Artifact format (all little-endian), version `BLMODEL1`:
//! ```text
//! magic      8 bytes  "BLMODEL1"
//! version    u8 len, utf-8 bytes
//! kind       u8       0 = sum of tree values is a logit (boosting), 1 = mean of trees (forest)
//! base       f32      added to the tree sum (boosting) before calibration
//! bigrams    u16 n (0 or 39*39), n x f32   handle model, see features::Bigrams
//! calib      u16 n, n x (raw f32, probability f32)  piecewise-linear, increasing raw
//! levels     3 x (threshold f32, fpr f32, recall f32)   low, medium, high
//! default    u8       index of the default level
//! trees      u16 n, then per tree: u16 node count, nodes in pre-order:
//!            leaf:     u8 0xFF, value f32
//!            internal: u8 feature, u8 flags (bit 0: missing goes left), threshold f32,
//!                      u16 right child index (left child = next node), value f32
//! ```
//! A node's `value` is the tree's output had it stopped there (the mean of its training
//! rows): the differences along the path are the per-feature contributions (Saabas).
//! Rows go left when `x <= threshold`; a missing (NaN) feature follows the node's flag.

use crate::features::{Bigrams, Features, SYMBOLS};
use crate::verdict::{Level, ModelInfo};
use std::sync::OnceLock;

/// The committed artifact.
pub const ARTIFACT: &[u8] = include_bytes!("../model/botlens-model.bin");

const MAGIC: &[u8; 8] = b"BLMODEL1";
const LEAF: u8 = 0xFF;
/// Sensitivity level ids, in artifact order.
pub const LEVEL_IDS: [&str; 3] = ["low", "medium", "high"];

/// One tree node (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    /// Feature index, or `None` for a leaf.
    pub feature: Option<u8>,
    pub missing_left: bool,
    pub threshold: f32,
    pub left: u16,
    pub right: u16,
    pub value: f32,
}

/// How the trees' outputs combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `base + sum(trees)` is a logit.
    Boosted = 0,
    /// `mean(trees)` is a vote share.
    Forest = 1,
}

/// A measured sensitivity level as stored in the artifact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredLevel {
    pub threshold: f32,
    pub fpr: f32,
    pub recall: f32,
}

/// A parsed model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub version: String,
    pub kind: Kind,
    pub base: f32,
    pub bigrams: Option<Bigrams>,
    /// `(raw, probability)` points, raw increasing.
    pub calibration: Vec<(f32, f32)>,
    pub levels: [StoredLevel; 3],
    pub default_level: u8,
    pub trees: Vec<Vec<Node>>,
}

impl Model {
    /// The raw (uncalibrated) output and each feature's share of it, walking every tree once.
    pub fn raw_with_contributions(&self, f: &Features, contributions: &mut [f64]) -> f64 {
        let mut total = f64::from(self.base);
        for tree in &self.trees {
            let mut i = 0usize;
            let mut guard = 0usize;
            while let Some(node) = tree.get(i) {
                let Some(feature) = node.feature else {
                    total += f64::from(node.value);
                    break;
                };
                let x = f.get(usize::from(feature)).copied().unwrap_or(f32::NAN);
                let go_left = if x.is_nan() {
                    node.missing_left
                } else {
                    x <= node.threshold
                };
                let next = usize::from(if go_left { node.left } else { node.right });
                if let (Some(child), Some(c)) =
                    (tree.get(next), contributions.get_mut(usize::from(feature)))
                {
                    *c += f64::from(child.value) - f64::from(node.value);
                }
                i = next;
                guard += 1;
                if guard > tree.len() {
                    break; // a malformed artifact must not loop forever
                }
            }
        }
        if self.kind == Kind::Forest && !self.trees.is_empty() {
            let n = self.trees.len() as f64;
            contributions.iter_mut().for_each(|c| *c /= n);
            // The forest's base (mean of root values) is folded into the mean as well.
            total = (total - f64::from(self.base)) / n + f64::from(self.base);
        }
        total
    }

    /// The raw output only.
    pub fn raw(&self, f: &Features) -> f64 {
        let mut scratch = [0.0f64; crate::features::idx::COUNT];
        self.raw_with_contributions(f, &mut scratch)
    }

    /// Raw output -> calibrated probability (piecewise-linear between the stored points).
    pub fn calibrate(&self, raw: f64) -> f64 {
        let pts = &self.calibration;
        let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
            return if self.kind == Kind::Boosted {
                1.0 / (1.0 + (-raw).exp())
            } else {
                raw
            };
        };
        if raw <= f64::from(first.0) {
            return f64::from(first.1);
        }
        if raw >= f64::from(last.0) {
            return f64::from(last.1);
        }
        let k = pts.partition_point(|p| f64::from(p.0) <= raw);
        let (x0, y0) = pts[k - 1];
        let (x1, y1) = pts[k];
        let (x0, y0, x1, y1) = (f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1));
        if x1 <= x0 {
            return y1;
        }
        y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    }

    /// Serializes the model in the artifact format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        let v = self.version.as_bytes();
        out.push(v.len().min(255) as u8);
        out.extend_from_slice(&v[..v.len().min(255)]);
        out.push(self.kind as u8);
        out.extend_from_slice(&self.base.to_le_bytes());
        match &self.bigrams {
            Some(b) => {
                out.extend_from_slice(&(b.log_p.len() as u16).to_le_bytes());
                b.log_p
                    .iter()
                    .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            }
            None => out.extend_from_slice(&0u16.to_le_bytes()),
        }
        out.extend_from_slice(&(self.calibration.len() as u16).to_le_bytes());
        for (x, y) in &self.calibration {
            out.extend_from_slice(&x.to_le_bytes());
            out.extend_from_slice(&y.to_le_bytes());
        }
        for l in &self.levels {
            out.extend_from_slice(&l.threshold.to_le_bytes());
            out.extend_from_slice(&l.fpr.to_le_bytes());
            out.extend_from_slice(&l.recall.to_le_bytes());
        }
        out.push(self.default_level);
        out.extend_from_slice(&(self.trees.len() as u16).to_le_bytes());
        for tree in &self.trees {
            out.extend_from_slice(&(tree.len() as u16).to_le_bytes());
            for n in tree {
                match n.feature {
                    None => out.push(LEAF),
                    Some(feat) => {
                        out.push(feat);
                        out.push(u8::from(n.missing_left));
                        out.extend_from_slice(&n.threshold.to_le_bytes());
                        out.extend_from_slice(&n.right.to_le_bytes());
                    }
                }
                out.extend_from_slice(&n.value.to_le_bytes());
            }
        }
        out
    }

    /// Parses an artifact; `None` when it is malformed in any way.
    pub fn parse(bytes: &[u8]) -> Option<Model> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return None;
        }
        let vlen = usize::from(r.u8()?);
        let version = String::from_utf8(r.take(vlen)?.to_vec()).ok()?;
        let kind = match r.u8()? {
            0 => Kind::Boosted,
            1 => Kind::Forest,
            _ => return None,
        };
        let base = r.f32()?;
        let nb = usize::from(r.u16()?);
        let bigrams = match nb {
            0 => None,
            n if n == SYMBOLS * SYMBOLS => Some(Bigrams {
                log_p: (0..n).map(|_| r.f32()).collect::<Option<Vec<_>>>()?,
            }),
            _ => return None,
        };
        let nc = usize::from(r.u16()?);
        let calibration = (0..nc)
            .map(|_| Some((r.f32()?, r.f32()?)))
            .collect::<Option<Vec<_>>>()?;
        let mut level = || {
            Some(StoredLevel {
                threshold: r.f32()?,
                fpr: r.f32()?,
                recall: r.f32()?,
            })
        };
        let levels = [level()?, level()?, level()?];
        let default_level = r.u8()?;
        if usize::from(default_level) >= levels.len() {
            return None;
        }
        let nt = usize::from(r.u16()?);
        let mut trees = Vec::with_capacity(nt);
        for _ in 0..nt {
            let nn = usize::from(r.u16()?);
            let mut tree = Vec::with_capacity(nn);
            for i in 0..nn {
                let tag = r.u8()?;
                let node = if tag == LEAF {
                    Node {
                        feature: None,
                        missing_left: false,
                        threshold: 0.0,
                        left: 0,
                        right: 0,
                        value: r.f32()?,
                    }
                } else {
                    let missing_left = r.u8()? & 1 == 1;
                    let threshold = r.f32()?;
                    let right = r.u16()?;
                    let left = u16::try_from(i + 1).ok()?;
                    if usize::from(tag) >= crate::features::idx::COUNT
                        || usize::from(right) >= nn
                        || usize::from(right) <= i + 1
                    {
                        return None;
                    }
                    Node {
                        feature: Some(tag),
                        missing_left,
                        threshold,
                        left,
                        right,
                        value: r.f32()?,
                    }
                };
                tree.push(node);
            }
            trees.push(tree);
        }
        if r.pos != bytes.len() {
            return None;
        }
        Some(Model {
            version,
            kind,
            base,
            bigrams,
            calibration,
            levels,
            default_level,
            trees,
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

/// The embedded model, parsed once; `None` if the artifact is malformed (every score is then
/// "unknown", which a test rules out).
pub fn shipped() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(ARTIFACT)).as_ref()
}

/// The shipped handle model, for feature extraction.
pub fn bigrams() -> Option<&'static Bigrams> {
    shipped().and_then(|m| m.bigrams.as_ref())
}

/// The calibrated probability and each feature's contribution (positive = towards bot, in
/// the model's raw units: logits for a boosted model). NaN when no model is available.
pub fn predict(f: &Features) -> (f64, Vec<f64>) {
    let mut c = vec![0.0f64; crate::features::idx::COUNT];
    let Some(m) = shipped() else {
        return (f64::NAN, c);
    };
    let raw = m.raw_with_contributions(f, &mut c);
    (m.calibrate(raw), c)
}

/// FNV-1a (64-bit) of a byte string: the artifact's fingerprint in tests and `botlens train`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Version and the measured sensitivity levels.
pub fn info() -> ModelInfo {
    let Some(m) = shipped() else {
        return ModelInfo {
            version: "unavailable",
            default_level: "low",
            levels: Vec::new(),
        };
    };
    let round = |x: f32| (f64::from(x) * 10_000.0).round() / 10_000.0;
    ModelInfo {
        version: m.version.as_str(),
        default_level: LEVEL_IDS[usize::from(m.default_level).min(2)],
        levels: LEVEL_IDS
            .iter()
            .zip(m.levels.iter())
            .map(|(id, l)| Level {
                id,
                threshold: round(l.threshold),
                fpr: Some(round(l.fpr)),
                recall: Some(round(l.recall)),
            })
            .collect(),
    }
}
