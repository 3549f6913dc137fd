//! Two tree-ensemble learners over one histogram tree builder: gradient-boosted trees
//! (logistic loss, Newton leaves) and a random forest (bootstrap rows, `sqrt(F)` features per
//! node, variance = Gini for 0/1 labels). Native only; the result is a [`Model`] in the
//! artifact's node format, so inference never needs this code.
//!
//! Missing values: every split learns a default direction (the side that gains most for the
//! rows whose feature is NaN), stored per node and used the same way at inference.
//! Deterministic: fixed seeds, single thread, fixed summation order.

use crate::features::Features;
use crate::model::{Kind, Model, Node, StoredLevel};

/// Bins per feature at most (quantile cut points over the training rows).
const MAX_BINS: usize = 64;
const MISSING: u8 = u8::MAX;

/// Features of the training rows, binned.
pub struct Binned {
    /// Global feature indices used.
    pub features: Vec<usize>,
    /// Per used feature: sorted cut points; bin `b` holds `cuts[b-1] < x <= cuts[b]`.
    pub cuts: Vec<Vec<f32>>,
    /// Per used feature, per row: the bin, or [`MISSING`].
    pub bins: Vec<Vec<u8>>,
}

impl Binned {
    pub fn new(x: &[Features], features: &[usize]) -> Binned {
        let mut cuts = Vec::new();
        let mut bins = Vec::new();
        for &j in features {
            let mut v: Vec<f32> = x.iter().map(|r| r[j]).filter(|v| !v.is_nan()).collect();
            v.sort_by(f32::total_cmp);
            let mut c: Vec<f32> = if v.is_empty() {
                Vec::new()
            } else {
                (1..MAX_BINS)
                    .map(|q| v[q * (v.len() - 1) / MAX_BINS])
                    .collect()
            };
            c.dedup();
            // The largest value needs no cut: nothing lies beyond it.
            if let (Some(&last), Some(&max)) = (c.last(), v.last()) {
                if last >= max {
                    c.pop();
                }
            }
            let b = x
                .iter()
                .map(|r| {
                    let x = r[j];
                    if x.is_nan() {
                        MISSING
                    } else {
                        c.partition_point(|&cut| cut < x) as u8
                    }
                })
                .collect();
            cuts.push(c);
            bins.push(b);
        }
        Binned {
            features: features.to_vec(),
            cuts,
            bins,
        }
    }
}

/// A small, seeded generator (splitmix64): reproducible across platforms.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

struct TreeParams {
    max_depth: usize,
    min_hess: f64,
    lambda: f64,
    mtry: Option<usize>,
    scale: f64,
}

struct Builder<'a> {
    b: &'a Binned,
    g: &'a [f64],
    h: &'a [f64],
    p: &'a TreeParams,
    nodes: Vec<Node>,
}

struct Split {
    gain: f64,
    feature: usize,
    bin: usize,
    missing_left: bool,
}

impl Builder<'_> {
    fn grow(&mut self, rows: Vec<u32>, depth: usize, rng: &mut Rng) {
        let (gs, hs) = rows.iter().fold((0.0, 0.0), |(g, h), &r| {
            (g + self.g[r as usize], h + self.h[r as usize])
        });
        let value = (self.p.scale * -gs / (hs + self.p.lambda)) as f32;
        let at = self.nodes.len();
        self.nodes.push(Node {
            feature: None,
            missing_left: false,
            threshold: 0.0,
            left: 0,
            right: 0,
            value,
        });
        if depth >= self.p.max_depth || hs < 2.0 * self.p.min_hess {
            return;
        }
        let Some(split) = self.best_split(&rows, gs, hs, rng) else {
            return;
        };
        let col = &self.b.bins[split.feature];
        let (left, right): (Vec<u32>, Vec<u32>) = rows.into_iter().partition(|&r| {
            let bin = col[r as usize];
            if bin == MISSING {
                split.missing_left
            } else {
                usize::from(bin) <= split.bin
            }
        });
        self.grow(left, depth + 1, rng);
        let right_at = self.nodes.len();
        self.grow(right, depth + 1, rng);
        self.nodes[at] = Node {
            feature: Some(self.b.features[split.feature] as u8),
            missing_left: split.missing_left,
            threshold: self.b.cuts[split.feature][split.bin],
            left: (at + 1) as u16,
            right: right_at as u16,
            value,
        };
    }

    fn best_split(&self, rows: &[u32], gs: f64, hs: f64, rng: &mut Rng) -> Option<Split> {
        let nf = self.b.features.len();
        let candidates: Vec<usize> = match self.p.mtry {
            Some(m) if m < nf => {
                // Partial Fisher-Yates: m distinct features.
                let mut all: Vec<usize> = (0..nf).collect();
                for i in 0..m {
                    let j = i + rng.below(nf - i);
                    all.swap(i, j);
                }
                all.truncate(m);
                all
            }
            _ => (0..nf).collect(),
        };
        let lambda = self.p.lambda;
        let score = |g: f64, h: f64| g * g / (h + lambda);
        let parent = score(gs, hs);
        let mut best: Option<Split> = None;
        for fi in candidates {
            let ncuts = self.b.cuts[fi].len();
            if ncuts == 0 {
                continue;
            }
            let col = &self.b.bins[fi];
            let mut hg = vec![0.0f64; ncuts + 1];
            let mut hh = vec![0.0f64; ncuts + 1];
            let (mut mg, mut mh) = (0.0, 0.0);
            for &r in rows {
                let r = r as usize;
                let bin = col[r];
                if bin == MISSING {
                    mg += self.g[r];
                    mh += self.h[r];
                } else {
                    hg[usize::from(bin)] += self.g[r];
                    hh[usize::from(bin)] += self.h[r];
                }
            }
            let (mut lg, mut lh) = (0.0, 0.0);
            for bin in 0..ncuts {
                lg += hg[bin];
                lh += hh[bin];
                for missing_left in [false, true] {
                    let (gl, hl) = if missing_left {
                        (lg + mg, lh + mh)
                    } else {
                        (lg, lh)
                    };
                    let (gr, hr) = (gs - gl, hs - hl);
                    if hl < self.p.min_hess || hr < self.p.min_hess {
                        continue;
                    }
                    let gain = score(gl, hl) + score(gr, hr) - parent;
                    if gain > 1e-9 && best.as_ref().map_or(true, |b| gain > b.gain) {
                        best = Some(Split {
                            gain,
                            feature: fi,
                            bin,
                            missing_left,
                        });
                    }
                }
            }
        }
        best
    }
}

/// Walks one tree (the same rule as inference).
fn tree_value(tree: &[Node], f: &Features) -> f64 {
    let mut i = 0usize;
    while let Some(n) = tree.get(i) {
        let Some(feature) = n.feature else {
            return f64::from(n.value);
        };
        let x = f[usize::from(feature)];
        let left = if x.is_nan() {
            n.missing_left
        } else {
            x <= n.threshold
        };
        i = usize::from(if left { n.left } else { n.right });
    }
    0.0
}

fn empty_model(kind: Kind, base: f32, trees: Vec<Vec<Node>>) -> Model {
    let zero = StoredLevel {
        threshold: 1.0,
        fpr: 0.0,
        recall: 0.0,
    };
    Model {
        version: String::new(),
        kind,
        base,
        bigrams: None,
        calibration: Vec::new(),
        levels: [zero; 3],
        default_level: 0,
        value_min: 0.0,
        value_max: 1.0,
        trees,
    }
}

/// Gradient-boosted trees settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GbdtParams {
    pub n_trees: usize,
    pub max_depth: usize,
    pub learning_rate: f64,
    pub lambda: f64,
    pub min_hess: f64,
    /// Features tried per node (`None` = all).
    pub mtry: Option<usize>,
}

impl Default for GbdtParams {
    fn default() -> Self {
        GbdtParams {
            n_trees: 150,
            max_depth: 4,
            learning_rate: 0.1,
            lambda: 1.0,
            min_hess: 2.0,
            mtry: None,
        }
    }
}

/// Trains boosted trees on `features` of `x` (logistic loss). `raw` of the result is a logit.
pub fn train_gbdt(
    x: &[Features],
    y: &[bool],
    weight: &[f64],
    features: &[usize],
    p: &GbdtParams,
) -> Model {
    let b = Binned::new(x, features);
    let n = x.len();
    let pos: f64 = y
        .iter()
        .zip(weight)
        .filter(|(&v, _)| v)
        .map(|(_, w)| w)
        .sum();
    let total: f64 = weight.iter().sum();
    let prior = ((pos + 1.0) / (total + 2.0)).clamp(1e-6, 1.0 - 1e-6);
    let base = (prior / (1.0 - prior)).ln() as f32;
    let mut margin = vec![f64::from(base); n];
    let mut g = vec![0.0; n];
    let mut h = vec![0.0; n];
    let params = TreeParams {
        max_depth: p.max_depth,
        min_hess: p.min_hess * 0.25, // hessians are at most 1/4
        lambda: p.lambda,
        mtry: p.mtry,
        scale: p.learning_rate,
    };
    let mut rng = Rng(11);
    let mut trees = Vec::with_capacity(p.n_trees);
    for _ in 0..p.n_trees {
        for i in 0..n {
            let q = 1.0 / (1.0 + (-margin[i]).exp());
            g[i] = weight[i] * (q - if y[i] { 1.0 } else { 0.0 });
            h[i] = weight[i] * (q * (1.0 - q)).max(1e-6);
        }
        let mut builder = Builder {
            b: &b,
            g: &g,
            h: &h,
            p: &params,
            nodes: Vec::new(),
        };
        builder.grow((0..n as u32).collect(), 0, &mut rng);
        let tree = builder.nodes;
        for (m, row) in margin.iter_mut().zip(x) {
            // Values are stored as f32; update with the stored value so training and
            // inference see the same sums.
            *m += tree_value(&tree, row);
        }
        trees.push(tree);
    }
    empty_model(Kind::Boosted, base, trees)
}

/// Random forest settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForestParams {
    pub n_trees: usize,
    pub max_depth: usize,
    pub min_leaf: f64,
    pub seed: u64,
    /// Features tried per node; 0 = `floor(sqrt(F))`.
    pub mtry: usize,
    /// Weight every (dataset, label) group equally (the caller passes the weights).
    pub balanced: bool,
}

/// Trains a random forest; `raw` of the result is the mean vote (a probability). `weight`
/// (one per row, or empty for all 1) scales each row's bootstrap count.
pub fn train_forest(
    x: &[Features],
    y: &[bool],
    weight: &[f64],
    features: &[usize],
    p: &ForestParams,
) -> Model {
    let b = Binned::new(x, features);
    let n = x.len();
    let mtry = if p.mtry > 0 {
        p.mtry
    } else {
        ((features.len() as f64).sqrt().floor() as usize).max(1)
    };
    let params = TreeParams {
        max_depth: p.max_depth,
        min_hess: p.min_leaf,
        lambda: 0.0,
        mtry: Some(mtry),
        scale: 1.0,
    };
    let mut rng = Rng(p.seed);
    let mut trees = Vec::with_capacity(p.n_trees);
    let mut w = vec![0.0f64; n];
    let mut g = vec![0.0f64; n];
    for _ in 0..p.n_trees {
        w.iter_mut().for_each(|v| *v = 0.0);
        for _ in 0..n {
            w[rng.below(n)] += 1.0;
        }
        if weight.len() == n {
            w.iter_mut().zip(weight).for_each(|(v, k)| *v *= k);
        }
        for i in 0..n {
            g[i] = if y[i] { -w[i] } else { 0.0 };
        }
        let rows: Vec<u32> = (0..n as u32).filter(|&i| w[i as usize] > 0.0).collect();
        let mut builder = Builder {
            b: &b,
            g: &g,
            h: &w,
            p: &params,
            nodes: Vec::new(),
        };
        builder.grow(rows, 0, &mut rng);
        trees.push(builder.nodes);
    }
    empty_model(Kind::Forest, 0.0, trees)
}
