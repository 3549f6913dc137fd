//! The scoring model: features -> calibrated probability plus per-feature contributions.
//!
//! The model is a tree ensemble trained by `botlens train` (native only, `src/train/`) and
//! shipped as a compact binary artifact (`model/botlens-model.bin`) embedded with
//! `include_bytes!`. This module parses and runs it; it knows nothing of how it was trained
//! and pulls in no training library (the wasm stays small).
//!
//! Artifact format (all little-endian), version `BLMODEL2`:
//! ```text
//! magic      8 bytes  "BLMODEL2"
//! version    u8 len, utf-8 bytes
//! kind       u8       0 = sum of tree values is a logit (boosting), 1 = mean of trees (forest)
//! base       f32      added to the tree sum (boosting) before calibration
//! bigrams    u16 n (0 or 39*39), n x f32   handle model, see features::Bigrams
//! calib      u16 n, n x (raw f32, probability f32)  piecewise-linear, increasing raw
//! levels     3 x (threshold f32, fpr f32, recall f32)   low, medium, high
//! default    u8       index of the default level
//! values     min f32, max f32: node values lie in min..max, quantized (below)
//! cuts       u8 n tables, each: u8 feature, u8 m, m x f32 increasing
//!            (the split thresholds of that feature: a node names one by its index)
//! trees      u16 n, then per tree its nodes in pre-order, self-delimiting:
//!            leaf:     u16 big-endian 0x8000 | q15, value = min + q15 * (max - min) / 32767
//!            internal: u8 feature | 0x40 when missing goes left, u8 cut index,
//!                      u8 q8, value = min + q8 * (max - min) / 255
//!            (left child = next node; the right child follows the left subtree)
//! ```
//! A node's value is the tree's output had it stopped there (the mean of its training
//! rows): the differences along the path are the per-feature contributions (Saabas).
//! Rows go left when `x <= threshold`; a missing (NaN) feature follows the node's flag.
//! Thresholds are exact (the learner's histogram cut points, at most 64 per feature); only
//! node values are quantized: leaves (the score) to 1/32767 of their range, internal nodes
//! (used only for attribution) to 1/255. Attribution still adds up exactly: it telescopes
//! over the same stored values. A forest's range is 0..1.

use crate::features::{idx, Bigrams, Features, SYMBOLS};
use crate::verdict::{Level, ModelInfo};
use std::sync::OnceLock;

/// The committed artifact.
pub const ARTIFACT: &[u8] = include_bytes!("../model/botlens-model.bin");

const MAGIC: &[u8; 8] = b"BLMODEL2";
/// Flag bit of the feature byte: a missing value goes left.
const MISSING_LEFT: u8 = 0x40;
/// The leaf bit of a node's first byte.
const LEAF: u8 = 0x80;
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
    /// The range of node values, for their quantization (see [`Model::quantize`]).
    pub value_min: f32,
    pub value_max: f32,
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
        let mut scratch = [0.0f64; idx::COUNT];
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

    /// Snaps every node value to the artifact's grid (leaves 15 bits, internal nodes 8 bits
    /// of the value range; forests: 0..1), so the model in memory is exactly what the
    /// artifact holds.
    pub fn quantize(&mut self) {
        let (min, max) = match self.kind {
            Kind::Forest => (0.0f32, 1.0f32),
            Kind::Boosted => self
                .trees
                .iter()
                .flatten()
                .fold((0.0f32, 0.0f32), |(a, b), n| {
                    (a.min(n.value), b.max(n.value))
                }),
        };
        self.value_min = min;
        self.value_max = max;
        for n in self.trees.iter_mut().flatten() {
            let levels = if n.feature.is_some() { INNER } else { LEAVES };
            n.value = dequant(quant(n.value, min, max, levels), min, max, levels);
        }
    }

    /// The sorted distinct thresholds of each feature the trees split on.
    fn cut_tables(&self) -> Vec<(u8, Vec<f32>)> {
        let mut tables: Vec<(u8, Vec<f32>)> = Vec::new();
        for n in self.trees.iter().flatten() {
            let Some(f) = n.feature else { continue };
            match tables.iter_mut().find(|t| t.0 == f) {
                Some(t) => t.1.push(n.threshold),
                None => tables.push((f, vec![n.threshold])),
            }
        }
        tables.sort_by_key(|t| t.0);
        for t in &mut tables {
            t.1.sort_by(f32::total_cmp);
            t.1.dedup_by(|a, b| a.to_bits() == b.to_bits());
        }
        tables
    }

    /// Serializes the model in the artifact format. Node values are written on the
    /// quantization grid ([`Model::quantize`] first to keep memory and artifact equal); a
    /// feature may have at most 256 distinct thresholds (the learner makes at most 63).
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
        out.extend_from_slice(&self.value_min.to_le_bytes());
        out.extend_from_slice(&self.value_max.to_le_bytes());
        let tables = self.cut_tables();
        out.push(tables.len() as u8);
        for (f, cuts) in &tables {
            out.push(*f);
            out.push(cuts.len().min(256) as u8);
            cuts.iter()
                .for_each(|c| out.extend_from_slice(&c.to_le_bytes()));
        }
        out.extend_from_slice(&(self.trees.len() as u16).to_le_bytes());
        for tree in &self.trees {
            for n in tree {
                let (min, max) = (self.value_min, self.value_max);
                match n.feature {
                    None => {
                        let q = 0x8000 | quant(n.value, min, max, LEAVES);
                        out.extend_from_slice(&(q as u16).to_be_bytes());
                    }
                    Some(feat) => {
                        out.push(feat | if n.missing_left { MISSING_LEFT } else { 0 });
                        let cuts = tables
                            .iter()
                            .find(|t| t.0 == feat)
                            .map_or(&[][..], |t| &t.1[..]);
                        let k = cuts.partition_point(|c| c.total_cmp(&n.threshold).is_lt());
                        out.push(k.min(255) as u8);
                        out.push(quant(n.value, min, max, INNER) as u8);
                    }
                }
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
        let value_min = r.f32()?;
        let value_max = r.f32()?;
        if !(value_min.is_finite() && value_max.is_finite() && value_max >= value_min) {
            return None;
        }
        let mut cuts: Vec<Vec<f32>> = vec![Vec::new(); idx::COUNT];
        for _ in 0..r.u8()? {
            let f = usize::from(r.u8()?);
            let m = usize::from(r.u8()?);
            let table = (0..m).map(|_| r.f32()).collect::<Option<Vec<_>>>()?;
            *cuts.get_mut(f)? = table;
        }
        let nt = usize::from(r.u16()?);
        let mut trees = Vec::with_capacity(nt);
        for _ in 0..nt {
            trees.push(parse_tree(&mut r, &cuts, value_min, value_max)?);
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
            value_min,
            value_max,
            trees,
        })
    }
}

/// One tree of the artifact (pre-order, self-delimiting). A function of its own, called once
/// per tree: V8 starts the wasm in its baseline compiler and optimizes a function only for
/// later calls, so the model load (most of a cold start) speeds up after the first trees.
#[inline(never)]
fn parse_tree(
    r: &mut Reader,
    cuts: &[Vec<f32>],
    value_min: f32,
    value_max: f32,
) -> Option<Vec<Node>> {
    let mut tree: Vec<Node> = Vec::new();
    // Internal nodes still waiting for their right child.
    let mut open: Vec<usize> = Vec::new();
    loop {
        let i = tree.len();
        if i >= usize::from(u16::MAX) {
            return None;
        }
        if i > 0 && tree[i - 1].feature.is_none() {
            // After a leaf: this node is the right child of the innermost open node.
            let parent = open.pop()?;
            tree[parent].right = i as u16;
        }
        let tag = r.u8()?;
        let (feature, missing_left, threshold, value) = if tag & LEAF != 0 {
            let q = u32::from(tag & !LEAF) << 8 | u32::from(r.u8()?);
            (None, false, 0.0, dequant(q, value_min, value_max, LEAVES))
        } else {
            let f = tag & !MISSING_LEFT;
            let k = usize::from(r.u8()?);
            let t = *cuts.get(usize::from(f))?.get(k)?;
            let q = u32::from(r.u8()?);
            let v = dequant(q, value_min, value_max, INNER);
            (Some(f), tag & MISSING_LEFT != 0, t, v)
        };
        tree.push(Node {
            feature,
            missing_left,
            threshold,
            left: if feature.is_some() { (i + 1) as u16 } else { 0 },
            right: 0,
            value,
        });
        if feature.is_some() {
            open.push(i);
        } else if open.is_empty() {
            break;
        }
    }
    Some(tree)
}

/// Quantization levels of leaf and internal node values.
const LEAVES: u32 = 32_767;
const INNER: u32 = 255;

fn quant(v: f32, min: f32, max: f32, levels: u32) -> u32 {
    if max <= min {
        return 0;
    }
    (f64::from(v - min) / f64::from(max - min) * f64::from(levels))
        .round()
        .clamp(0.0, f64::from(levels)) as u32
}

fn dequant(q: u32, min: f32, max: f32, levels: u32) -> f32 {
    (f64::from(min) + f64::from(q) * f64::from(max - min) / f64::from(levels)) as f32
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

/// Contribution slots: the features, then unused slots (indexing by a masked byte needs no
/// bounds check).
pub const SLOTS: usize = 32;
/// The rank slot of a leaf: always [`NEVER`], so a leaf never goes left.
const LEAF_SLOT: u32 = idx::COUNT as u32;
/// The accumulator slot of the leaf values (the forest's output), after the features.
const TOTAL: u32 = SLOTS as u32 - 1;
/// A rank above every cut index: goes right at every node.
const NEVER: u8 = u8::MAX;
/// Trees walked in lockstep.
const LANES: usize = 64;
/// Bits of a compiled node: 0..6 the rank slot, 6..14 the cut index, from 14 on the index of
/// the right child (a leaf: its own), so at most 2^18 nodes.
const RIGHT_SHIFT: u32 = 14;

/// The trees flattened into one contiguous array of 4-byte nodes for fast scoring.
///
/// Each feature's thresholds are kept as a sorted table; a node names its threshold by index
/// `k`, and the walk compares the input's *rank* in that table (how many thresholds lie
/// below it, computed once per account) with `k`: `x <= cuts[k]` exactly when
/// `rank(x) <= k`, so every node is one byte comparison. A missing value has rank 255 (goes
/// right) in the first half of the rank slots and 0 (goes left) in the second; a node's slot
/// says which half its missing direction needs. A leaf is its own right child with rank
/// slot 255, so every tree walks the same fixed number of steps, all in lockstep, without a
/// data-dependent branch. Each leaf carries its path's Saabas contributions summed per
/// feature ahead of time, and its value in the [`TOTAL`] slot, so the walk only chases
/// offsets.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    nodes: Vec<u32>,
    /// Per feature: the thresholds its nodes use, increasing (in total order: -0 before 0).
    cuts: Vec<Vec<f32>>,
    /// Per node: where its leaf path's entries start in `path` (leaves only; the next
    /// node's entry is the end).
    path_at: Vec<u32>,
    /// `(slot, contribution)` of every leaf's path, features ascending, then `(TOTAL, value)`.
    path: Vec<(u32, f32)>,
    roots: Vec<u32>,
    steps: usize,
    forest: bool,
    base: f64,
}

impl Compiled {
    /// Flattens `m`; `None` when a tree is not in the pre-order layout `Model::parse` and
    /// the learners produce (left child = next node, right child further on), or is too large
    /// for the node format (over 2^18 nodes, a feature with 255 thresholds or more, a NaN
    /// threshold): use [`Model::raw_with_contributions`] then.
    pub fn new(m: &Model) -> Option<Compiled> {
        // Sorted by insertion (binary search), not by a sort: the wasm then carries no sort.
        let mut cuts: Vec<Vec<f32>> = vec![Vec::new(); idx::COUNT];
        for n in m.trees.iter().flatten() {
            if let Some(f) = n.feature {
                let table = cuts.get_mut(usize::from(f))?;
                if n.threshold.is_nan() || table.len() >= usize::from(NEVER) {
                    return None;
                }
                if let Err(at) = table.binary_search_by(|t| t.total_cmp(&n.threshold)) {
                    table.insert(at, n.threshold);
                }
            }
        }
        let mut c = Compiled {
            nodes: Vec::new(),
            cuts,
            path_at: Vec::new(),
            path: Vec::new(),
            roots: Vec::with_capacity(m.trees.len()),
            steps: 0,
            forest: m.kind == Kind::Forest,
            base: f64::from(m.base),
        };
        let total: usize = m.trees.iter().map(Vec::len).sum();
        c.nodes.reserve_exact(total);
        c.path_at.reserve_exact(total + 1);
        c.path.reserve(total * 4);
        let mut sums = [0.0f64; SLOTS];
        for tree in &m.trees {
            c.add_tree(tree, &mut sums)?;
        }
        c.path_at.push(c.path.len() as u32);
        Some(c)
    }

    /// Appends one tree (see [`Compiled::new`]). A function of its own, called once per tree,
    /// for the reason given at `parse_tree`.
    #[inline(never)]
    fn add_tree(&mut self, tree: &[Node], sums: &mut [f64; SLOTS]) -> Option<()> {
        let offset = self.nodes.len();
        if tree.is_empty() || offset + tree.len() > 1 << (32 - RIGHT_SHIFT) {
            return None;
        }
        self.roots.push(offset as u32);
        let mut depth = vec![0usize; tree.len()];
        let mut parent = vec![usize::MAX; tree.len()];
        for (i, n) in tree.iter().enumerate() {
            let word = match n.feature {
                None => LEAF_SLOT | ((offset + i) as u32) << RIGHT_SHIFT,
                Some(f) => {
                    let (l, r) = (usize::from(n.left), usize::from(n.right));
                    if usize::from(f) >= idx::COUNT || l != i + 1 || r <= l || r >= tree.len() {
                        return None;
                    }
                    for child in [l, r] {
                        depth[child] = depth[i] + 1;
                        parent[child] = i;
                    }
                    let table = &self.cuts[usize::from(f)];
                    let k = table.binary_search_by(|t| t.total_cmp(&n.threshold)).ok()?;
                    let slot = u32::from(f) + if n.missing_left { SLOTS as u32 } else { 0 };
                    slot | (k as u32) << 6 | ((offset + r) as u32) << RIGHT_SHIFT
                }
            };
            self.nodes.push(word);
            self.path_at.push(self.path.len() as u32);
            if n.feature.is_none() {
                self.steps = self.steps.max(depth[i]);
                // The path's changes summed per feature, leaf to root; only the features
                // on the path are touched (a bit mask), which keeps this cheap in the
                // wasm's first, unoptimized run (it is most of a cold start's model load).
                let mut touched = 0u32;
                let mut at = i;
                while let Some(&p) = parent.get(at).filter(|p| **p != usize::MAX) {
                    let f = tree[p].feature.map_or(0, usize::from) & (SLOTS - 1);
                    sums[f] += f64::from(tree[at].value) - f64::from(tree[p].value);
                    touched |= 1 << f;
                    at = p;
                }
                while touched != 0 {
                    let f = touched.trailing_zeros() as usize;
                    touched &= touched - 1;
                    let v = std::mem::take(&mut sums[f]);
                    if v != 0.0 {
                        self.path.push((f as u32, v as f32));
                    }
                }
                self.path.push((TOTAL, n.value));
            }
        }
        Some(())
    }

    /// The raw output and each feature's share of it (Saabas), added into `c` (slots past
    /// the features stay zero). The output equals [`Model::raw_with_contributions`] exactly,
    /// the contributions up to rounding.
    pub fn raw_with_contributions(&self, f: &Features, c: &mut [f64; SLOTS]) -> f64 {
        // Each feature's rank among its thresholds, twice: a missing value as NEVER (goes
        // right) in the first half and as 0 (goes left) in the second.
        let mut rank = [NEVER; 2 * SLOTS];
        for ((i, x), cuts) in f.iter().enumerate().zip(&self.cuts) {
            if x.is_nan() {
                rank[SLOTS + i] = 0;
            } else {
                let r = cuts.partition_point(|t| t < x) as u8;
                rank[i] = r;
                rank[SLOTS + i] = r;
            }
        }
        let nodes = &self.nodes[..];
        // The leaf values add up in the TOTAL slot, from the base, in tree order (as the
        // reference walk adds them, so the output is the same to the bit).
        let saved = c[TOTAL as usize];
        c[TOTAL as usize] = self.base;
        let mut at = [0u32; LANES];
        for group in self.roots.chunks(LANES) {
            let at = &mut at[..group.len()];
            at.copy_from_slice(group);
            for _ in 0..self.steps {
                for a in at.iter_mut() {
                    let Some(&n) = nodes.get(*a as usize) else {
                        continue;
                    };
                    // Left: the next node; right: the stored index (a leaf: itself). This
                    // shape compiles to a conditional move, not a branch on data.
                    let left = rank[(n & 0x3F) as usize] <= (n >> 6) as u8;
                    *a = if left { *a + 1 } else { n >> RIGHT_SHIFT };
                }
            }
            for &a in at.iter() {
                let a = a as usize;
                let (Some(&from), Some(&to)) = (self.path_at.get(a), self.path_at.get(a + 1))
                else {
                    continue;
                };
                for &(slot, v) in self.path.get(from as usize..to as usize).unwrap_or(&[]) {
                    c[(slot & 0x1F) as usize] += f64::from(v);
                }
            }
        }
        let mut total = std::mem::replace(&mut c[TOTAL as usize], saved);
        if self.forest && !self.roots.is_empty() {
            let n = self.roots.len() as f64;
            c[..idx::COUNT].iter_mut().for_each(|v| *v /= n);
            total = (total - self.base) / n + self.base;
        }
        total
    }

    /// The raw output only.
    pub fn raw(&self, f: &Features) -> f64 {
        self.raw_with_contributions(f, &mut [0.0; SLOTS])
    }
}

/// The embedded model, parsed and compiled once; `None` if the artifact is malformed
/// (every score is then "unknown", which a test rules out).
fn embedded() -> Option<&'static (Model, Compiled)> {
    static MODEL: OnceLock<Option<(Model, Compiled)>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let m = Model::parse(ARTIFACT)?;
            let c = Compiled::new(&m)?;
            Some((m, c))
        })
        .as_ref()
}

/// The embedded model, parsed once.
pub fn shipped() -> Option<&'static Model> {
    embedded().map(|(m, _)| m)
}

/// The shipped handle model, for feature extraction.
pub fn bigrams() -> Option<&'static Bigrams> {
    shipped().and_then(|m| m.bigrams.as_ref())
}

/// The calibrated probability and each feature's contribution (positive = towards bot, in
/// the model's raw units: logits for a boosted model). NaN when no model is available.
/// No allocation: the contributions come back in a fixed array.
pub fn predict(f: &Features) -> (f64, [f64; idx::COUNT]) {
    let mut c = [0.0f64; SLOTS];
    let mut out = [0.0f64; idx::COUNT];
    let Some((m, compiled)) = embedded() else {
        return (f64::NAN, out);
    };
    let raw = compiled.raw_with_contributions(f, &mut c);
    out.copy_from_slice(&c[..idx::COUNT]);
    (m.calibrate(raw), out)
}

/// Presence flags that are unknown when a site has no such profile field (see
/// `features::site_fields`).
const SITE_FLAGS: [usize; 2] = [idx::HAS_LOCATION, idx::HAS_URL];

/// [`predict`], except that an unknown presence flag (NaN in `has_location` / `has_url`: the
/// site has no such field) is resolved to whichever of "has none" (0) and "has one" (1) gives
/// the lower score: the conservative, human-side value for this account. The trees never saw
/// a NaN there in training, so their default direction for it is a tie-break, not learned
/// (docs/DECISIONS.md). The returned contributions are those of the chosen variant.
pub fn predict_conservative(f: &Features) -> (f64, [f64; idx::COUNT]) {
    let mut unknown = [usize::MAX; SITE_FLAGS.len()];
    let mut n = 0;
    for i in SITE_FLAGS {
        if f[i].is_nan() {
            unknown[n] = i;
            n += 1;
        }
    }
    let mut best = predict(f);
    if n == 0 || !best.0.is_finite() {
        return best;
    }
    best.0 = f64::INFINITY;
    for mask in 0..1u32 << n {
        let mut g = *f;
        for (k, &i) in unknown[..n].iter().enumerate() {
            g[i] = if mask >> k & 1 == 1 { 1.0 } else { 0.0 };
        }
        let r = predict(&g);
        if r.0 < best.0 {
            best = r;
        }
    }
    best
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
