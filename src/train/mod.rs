//! Training and evaluation (native only, never in the wasm): data loading, two tree
//! learners, cross-validation, leave-one-dataset-out, calibration and sensitivity levels,
//! and the export of the shipped artifact. Driven by `botlens train` and `botlens eval`.

pub mod curves;
pub mod data;
pub mod metrics;
pub mod tree;

use crate::features::{extract_with, idx, Bigrams, Features};
use crate::model::{Model, StoredLevel};
use data::Row;
use metrics::{at_threshold, auc, Counts};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The shipped model's version string (bump when features or training change).
pub const VERSION: &str = "rf-page-noage-2";

/// Features X's current page gives (no listed count, no default-profile flag).
pub const PAGE: &[usize] = &[
    idx::STATUSES,
    idx::FOLLOWERS,
    idx::FRIENDS,
    idx::FAVOURITES,
    idx::DEFAULT_AVATAR,
    idx::AGE_DAYS,
    idx::STATUS_RATE,
    idx::FOLLOWER_RATE,
    idx::FRIEND_RATE,
    idx::FAVOURITE_RATE,
    idx::FOLLOW_RATIO,
    idx::HANDLE_LEN,
    idx::HANDLE_DIGITS,
    idx::NAME_LEN,
    idx::NAME_DIGITS,
    idx::BIO_LEN,
    idx::HAS_LOCATION,
    idx::HAS_URL,
    idx::HANDLE_LIKELIHOOD,
];

/// BotometerLite's profile features as issue 3 lists them (Yang et al. 2020), `verified`
/// left out (a label proxy in these data).
pub const BOTOMETER_LITE: &[usize] = &[
    idx::STATUSES,
    idx::FOLLOWERS,
    idx::FRIENDS,
    idx::FAVOURITES,
    idx::LISTED,
    idx::DEFAULT_PROFILE,
    idx::DEFAULT_AVATAR,
    idx::STATUS_RATE,
    idx::FOLLOWER_RATE,
    idx::FRIEND_RATE,
    idx::FAVOURITE_RATE,
    idx::LISTED_RATE,
    idx::FOLLOW_RATIO,
    idx::HANDLE_LEN,
    idx::HANDLE_DIGITS,
    idx::NAME_LEN,
    idx::NAME_DIGITS,
    idx::BIO_LEN,
    idx::HANDLE_LIKELIHOOD,
];

/// [`BOTOMETER_LITE`] restricted to what the page gives.
pub const BOTOMETER_LITE_PAGE: &[usize] = &[
    idx::STATUSES,
    idx::FOLLOWERS,
    idx::FRIENDS,
    idx::FAVOURITES,
    idx::DEFAULT_AVATAR,
    idx::STATUS_RATE,
    idx::FOLLOWER_RATE,
    idx::FRIEND_RATE,
    idx::FAVOURITE_RATE,
    idx::FOLLOW_RATIO,
    idx::HANDLE_LEN,
    idx::HANDLE_DIGITS,
    idx::NAME_LEN,
    idx::NAME_DIGITS,
    idx::BIO_LEN,
    idx::HANDLE_LIKELIHOOD,
];

/// A learner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Learner {
    /// Boosted trees; `balanced` weights every (dataset, label) group equally.
    Gbdt {
        params: tree::GbdtParams,
        balanced: bool,
    },
    Forest {
        params: tree::ForestParams,
    },
}

/// The BotometerLite baseline's forest (as SGBot: full-depth-ish trees, `sqrt(F)` features).
pub const BASELINE_FOREST: tree::ForestParams = tree::ForestParams {
    n_trees: 100,
    max_depth: 12,
    min_leaf: 2.0,
    seed: 7,
    mtry: 0,
    balanced: false,
};

/// Boosting settings of the first candidate (experiment O).
pub const SHIPPED_GBDT: tree::GbdtParams = tree::GbdtParams {
    n_trees: 150,
    max_depth: 4,
    learning_rate: 0.1,
    lambda: 1.0,
    min_hess: 2.0,
    mtry: None,
};

/// A learner over a feature set, as compared in the model card.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub name: &'static str,
    pub learner: Learner,
    pub features: &'static [usize],
}

/// The shipped forest (experiment W): 60 trees of depth <= 10, >= 20 rows (weighted) per
/// leaf, 3 features tried per node, every (dataset, label) group weighted equally. Fits the
/// 100 KB artifact budget in the quantized format.
pub const SHIPPED_FOREST: tree::ForestParams = tree::ForestParams {
    n_trees: 60,
    max_depth: 10,
    min_leaf: 20.0,
    seed: 7,
    mtry: 3,
    balanced: true,
};

/// The shipped configuration: a random forest over the page features without account age
/// (age is confounded with each dataset's collection date; docs/MODEL.md).
pub const OURS: Config = Config {
    name: "ours (RF, balanced, page, no age)",
    learner: Learner::Forest {
        params: SHIPPED_FOREST,
    },
    features: PAGE_NO_AGE,
};

const fn gbdt(
    n_trees: usize,
    max_depth: usize,
    learning_rate: f64,
    min_hess: f64,
) -> tree::GbdtParams {
    tree::GbdtParams {
        n_trees,
        max_depth,
        learning_rate,
        lambda: 1.0,
        min_hess,
        mtry: None,
    }
}

const fn forest(n_trees: usize, max_depth: usize, min_leaf: f64) -> tree::ForestParams {
    tree::ForestParams {
        n_trees,
        max_depth,
        min_leaf,
        seed: 7,
        mtry: 0,
        balanced: false,
    }
}

const fn forest_s(
    n_trees: usize,
    max_depth: usize,
    min_leaf: f64,
    mtry: usize,
    balanced: bool,
    seed: u64,
) -> tree::ForestParams {
    tree::ForestParams {
        n_trees,
        max_depth,
        min_leaf,
        seed,
        mtry,
        balanced,
    }
}

const fn forest_b(
    n_trees: usize,
    max_depth: usize,
    min_leaf: f64,
    mtry: usize,
) -> tree::ForestParams {
    tree::ForestParams {
        n_trees,
        max_depth,
        min_leaf,
        seed: 7,
        mtry,
        balanced: true,
    }
}

/// Page features without account age (collection-date confound).
pub const PAGE_NO_AGE: &[usize] = &[
    idx::STATUSES,
    idx::FOLLOWERS,
    idx::FRIENDS,
    idx::FAVOURITES,
    idx::DEFAULT_AVATAR,
    idx::STATUS_RATE,
    idx::FOLLOWER_RATE,
    idx::FRIEND_RATE,
    idx::FAVOURITE_RATE,
    idx::FOLLOW_RATIO,
    idx::HANDLE_LEN,
    idx::HANDLE_DIGITS,
    idx::NAME_LEN,
    idx::NAME_DIGITS,
    idx::BIO_LEN,
    idx::HAS_LOCATION,
    idx::HAS_URL,
    idx::HANDLE_LIKELIHOOD,
];

/// [`PAGE_NO_AGE`] without the handle likelihood (does it leak dataset identity?): the same
/// list less its last entry.
pub const PAGE_NO_AGE_NO_LIKELIHOOD: &[usize] = match PAGE_NO_AGE.split_last() {
    Some((_, rest)) => rest,
    None => &[],
};
const _: () = assert!(PAGE_NO_AGE[PAGE_NO_AGE.len() - 1] == idx::HANDLE_LIKELIHOOD);

/// Everything `botlens eval --cv/--lodo` compares, ours first.
pub const CONFIGS: &[Config] = &[
    OURS,
    Config {
        name: "GBDT, same features",
        learner: Learner::Gbdt {
            params: tree::GbdtParams {
                mtry: Some(4),
                ..gbdt(300, 3, 0.05, 10.0)
            },
            balanced: true,
        },
        features: PAGE_NO_AGE,
    },
    Config {
        name: "ours without handle likelihood",
        learner: Learner::Forest {
            params: SHIPPED_FOREST,
        },
        features: PAGE_NO_AGE_NO_LIKELIHOOD,
    },
    Config {
        name: "BotometerLite RF (full)",
        learner: Learner::Forest {
            params: BASELINE_FOREST,
        },
        features: BOTOMETER_LITE,
    },
    Config {
        name: "BotometerLite RF (page)",
        learner: Learner::Forest {
            params: BASELINE_FOREST,
        },
        features: BOTOMETER_LITE_PAGE,
    },
];

/// The exploration behind the choice (`botlens eval --lodo --experiments 0,1,...`), kept so
/// the model card's exploration table can be repeated.
#[rustfmt::skip]
pub const EXPERIMENTS: &[Config] = &[
    Config { name: "A GBDT d3 balanced", learner: Learner::Gbdt { params: gbdt(200, 3, 0.05, 10.0), balanced: true }, features: PAGE },
    Config { name: "B GBDT d4 balanced", learner: Learner::Gbdt { params: SHIPPED_GBDT, balanced: true }, features: PAGE },
    Config { name: "C GBDT d3", learner: Learner::Gbdt { params: gbdt(200, 3, 0.05, 10.0), balanced: false }, features: PAGE },
    Config { name: "D GBDT d3 balanced BL-page", learner: Learner::Gbdt { params: gbdt(200, 3, 0.05, 10.0), balanced: true }, features: BOTOMETER_LITE_PAGE },
    Config { name: "E GBDT d3 balanced no-age", learner: Learner::Gbdt { params: gbdt(200, 3, 0.05, 10.0), balanced: true }, features: PAGE_NO_AGE },
    Config { name: "F GBDT d2 balanced", learner: Learner::Gbdt { params: gbdt(300, 2, 0.05, 10.0), balanced: true }, features: PAGE },
    Config { name: "G RF 60 d6 page", learner: Learner::Forest { params: forest(60, 6, 5.0) }, features: PAGE },
    Config { name: "H RF 60 d6 no-age", learner: Learner::Forest { params: forest(60, 6, 5.0) }, features: PAGE_NO_AGE },
    Config { name: "I RF 60 d8 no-age", learner: Learner::Forest { params: forest(60, 8, 5.0) }, features: PAGE_NO_AGE },
    Config { name: "J GBDT mtry4 no-age", learner: Learner::Gbdt { params: tree::GbdtParams { mtry: Some(4), ..gbdt(300, 3, 0.05, 10.0) }, balanced: true }, features: PAGE_NO_AGE },
    Config { name: "K RF 100 d12 no-age", learner: Learner::Forest { params: BASELINE_FOREST }, features: PAGE_NO_AGE },
    Config { name: "L RF 40 d12 leaf10 no-age", learner: Learner::Forest { params: forest(40, 12, 10.0) }, features: PAGE_NO_AGE },
    Config { name: "M RF 30 d10 leaf20 no-age", learner: Learner::Forest { params: forest(30, 10, 20.0) }, features: PAGE_NO_AGE },
    Config { name: "N RF 50 d12 leaf20 no-age", learner: Learner::Forest { params: forest(50, 12, 20.0) }, features: PAGE_NO_AGE },
    Config { name: "O GBDT d4 page (first candidate)", learner: Learner::Gbdt { params: SHIPPED_GBDT, balanced: false }, features: PAGE },
    Config { name: "P RF 100 d12 page", learner: Learner::Forest { params: BASELINE_FOREST }, features: PAGE },
    Config { name: "Q RF 60 d12 leaf10 no-age", learner: Learner::Forest { params: forest(60, 12, 10.0) }, features: PAGE_NO_AGE },
    Config { name: "R RF 60 d12 leaf10 balanced", learner: Learner::Forest { params: forest_b(60, 12, 10.0, 0) }, features: PAGE_NO_AGE },
    Config { name: "S RF 60 d12 leaf5 balanced", learner: Learner::Forest { params: forest_b(60, 12, 5.0, 0) }, features: PAGE_NO_AGE },
    Config { name: "T RF 60 d12 leaf10 balanced mtry3", learner: Learner::Forest { params: forest_b(60, 12, 10.0, 3) }, features: PAGE_NO_AGE },
    Config { name: "U RF 60 d12 leaf10 balanced mtry6", learner: Learner::Forest { params: forest_b(60, 12, 10.0, 6) }, features: PAGE_NO_AGE },
    Config { name: "V RF 60 d16 leaf10 balanced", learner: Learner::Forest { params: forest_b(60, 16, 10.0, 0) }, features: PAGE_NO_AGE },
    Config { name: "W RF 60 d10 leaf20 bal mtry3", learner: Learner::Forest { params: forest_b(60, 10, 20.0, 3) }, features: PAGE_NO_AGE },
    Config { name: "X RF 100 d10 leaf40 bal mtry3", learner: Learner::Forest { params: forest_b(100, 10, 40.0, 3) }, features: PAGE_NO_AGE },
    Config { name: "Y RF 100 d8 leaf20 bal mtry3", learner: Learner::Forest { params: forest_b(100, 8, 20.0, 3) }, features: PAGE_NO_AGE },
    Config { name: "Z RF 40 d12 leaf20 bal mtry3", learner: Learner::Forest { params: forest_b(40, 12, 20.0, 3) }, features: PAGE_NO_AGE },
    Config { name: "AA RF 60 d12 leaf10 bal mtry2", learner: Learner::Forest { params: forest_b(60, 12, 10.0, 2) }, features: PAGE_NO_AGE },
    Config { name: "AB BL page seed 8", learner: Learner::Forest { params: forest_s(100, 12, 2.0, 0, false, 8) }, features: BOTOMETER_LITE_PAGE },
    Config { name: "AC BL full seed 8", learner: Learner::Forest { params: forest_s(100, 12, 2.0, 0, false, 8) }, features: BOTOMETER_LITE },
    Config { name: "AD T seed 8", learner: Learner::Forest { params: forest_s(60, 12, 10.0, 3, true, 8) }, features: PAGE_NO_AGE },
];

/// Rows with their features (handle likelihood left unknown: it is fitted per training set).
pub struct Prepared {
    pub rows: Vec<Row>,
    pub x: Vec<Features>,
    pub y: Vec<bool>,
}

impl Prepared {
    pub fn new(rows: Vec<Row>) -> Prepared {
        let x = rows
            .iter()
            .map(|r| extract_with(&r.account, r.observed, None))
            .collect();
        let y = rows.iter().map(|r| r.bot).collect();
        Prepared { rows, x, y }
    }

    /// The datasets, sorted.
    pub fn datasets(&self) -> Vec<String> {
        let mut d: Vec<String> = self.rows.iter().map(|r| r.dataset.clone()).collect();
        d.sort();
        d.dedup();
        d
    }

    /// Handle model of the training rows' human handles.
    fn bigrams(&self, train: &[usize]) -> Bigrams {
        Bigrams::fit(
            train
                .iter()
                .filter(|&&i| !self.y[i])
                .filter_map(|&i| self.rows[i].account.screen_name.as_deref()),
        )
    }

    fn features(&self, ids: &[usize], b: &Bigrams) -> Vec<Features> {
        ids.iter()
            .map(|&i| {
                let mut f = self.x[i];
                if let Some(h) = self.rows[i].account.screen_name.as_deref() {
                    f[idx::HANDLE_LIKELIHOOD] = b.likelihood(h);
                }
                f
            })
            .collect()
    }

    /// Weights that give every (dataset, label) group of `train` the same total, scaled so
    /// the mean weight is 1.
    fn group_weights(&self, train: &[usize]) -> Vec<f64> {
        let mut count: BTreeMap<(&str, bool), usize> = BTreeMap::new();
        for &i in train {
            *count
                .entry((self.rows[i].dataset.as_str(), self.y[i]))
                .or_default() += 1;
        }
        let per_group = train.len() as f64 / count.len().max(1) as f64;
        train
            .iter()
            .map(|&i| per_group / count[&(self.rows[i].dataset.as_str(), self.y[i])] as f64)
            .collect()
    }

    /// Trains `cfg` on `train`; returns the model (with its handle model) and the raw
    /// outputs on `test`.
    pub fn fit_predict(&self, cfg: &Config, train: &[usize], test: &[usize]) -> (Model, Vec<f64>) {
        let b = self.bigrams(train);
        let xtr = self.features(train, &b);
        let ytr: Vec<bool> = train.iter().map(|&i| self.y[i]).collect();
        let mut model = match cfg.learner {
            Learner::Gbdt { params, balanced } => {
                let w = if balanced {
                    self.group_weights(train)
                } else {
                    vec![1.0; train.len()]
                };
                tree::train_gbdt(&xtr, &ytr, &w, cfg.features, &params)
            }
            Learner::Forest { params } => {
                let w = if params.balanced {
                    self.group_weights(train)
                } else {
                    Vec::new()
                };
                tree::train_forest(&xtr, &ytr, &w, cfg.features, &params)
            }
        };
        if std::env::var_os("BOTLENS_NO_QUANT").is_none() {
            model.quantize();
        }
        let compiled = crate::model::Compiled::new(&model);
        let raw = self
            .features(test, &b)
            .iter()
            .map(|f| compiled.as_ref().map_or_else(|| model.raw(f), |c| c.raw(f)))
            .collect();
        model.bigrams = Some(b);
        (model, raw)
    }
}

/// Raw output -> an uncalibrated probability (for the 0.5 cut of the comparison tables).
pub fn to_prob(learner: Learner, raw: f64) -> f64 {
    match learner {
        Learner::Gbdt { .. } => 1.0 / (1.0 + (-raw).exp()),
        Learner::Forest { .. } => raw,
    }
}

/// Out-of-fold raw outputs of `cfg` over all rows of `p` (5 folds by row hash).
pub fn out_of_fold(p: &Prepared, cfg: &Config) -> Vec<f64> {
    let mut oof = vec![0.0; p.rows.len()];
    for k in 0..5 {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..p.rows.len()).partition(|&i| data::fold(&p.rows[i], 5) == k);
        let (_, raw) = p.fit_predict(cfg, &train, &test);
        for (i, r) in test.into_iter().zip(raw) {
            oof[i] = r;
        }
    }
    oof
}

/// One cell of a comparison table.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub auc: Option<f64>,
    pub counts: Counts,
}

/// 5-fold CV within each two-class dataset: `result[dataset][config]`.
pub fn cross_validate(p: &Prepared, configs: &[Config]) -> BTreeMap<String, Vec<Cell>> {
    let mut out = BTreeMap::new();
    for d in p.datasets() {
        let ids: Vec<usize> = (0..p.rows.len())
            .filter(|&i| p.rows[i].dataset == d)
            .collect();
        let bots = ids.iter().filter(|&&i| p.y[i]).count();
        if bots == 0 || bots == ids.len() {
            continue;
        }
        let cells = configs
            .iter()
            .map(|cfg| {
                let mut scores = Vec::new();
                let mut labels = Vec::new();
                for k in 0..5 {
                    let (test, train): (Vec<usize>, Vec<usize>) =
                        ids.iter().partition(|&&i| data::fold(&p.rows[i], 5) == k);
                    let (_, raw) = p.fit_predict(cfg, &train, &test);
                    scores.extend(raw.into_iter().map(|r| to_prob(cfg.learner, r)));
                    labels.extend(test.iter().map(|&i| p.y[i]));
                }
                Cell {
                    auc: auc(&scores, &labels),
                    counts: at_threshold(&scores, &labels, 0.5),
                }
            })
            .collect();
        eprintln!("cv: {d} done");
        out.insert(d, cells);
    }
    out
}

/// Leave-one-dataset-out: train on all other datasets, test on the one left out.
/// Also returns the pooled cells (all held-out predictions together).
pub fn leave_one_out(p: &Prepared, configs: &[Config]) -> (BTreeMap<String, Vec<Cell>>, Vec<Cell>) {
    let mut out = BTreeMap::new();
    let mut pooled: Vec<(Vec<f64>, Vec<bool>)> = vec![(Vec::new(), Vec::new()); configs.len()];
    for d in p.datasets() {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..p.rows.len()).partition(|&i| p.rows[i].dataset == d);
        let labels: Vec<bool> = test.iter().map(|&i| p.y[i]).collect();
        let cells = configs
            .iter()
            .zip(pooled.iter_mut())
            .map(|(cfg, pool)| {
                let (m, raw) = p.fit_predict(cfg, &train, &test);
                if std::env::var_os("BOTLENS_SIZES").is_some() {
                    let nodes: usize = m.trees.iter().map(Vec::len).sum();
                    eprintln!("{}: {} bytes, {nodes} nodes", cfg.name, m.to_bytes().len());
                }
                let scores: Vec<f64> = raw.into_iter().map(|r| to_prob(cfg.learner, r)).collect();
                pool.0.extend(&scores);
                pool.1.extend(&labels);
                Cell {
                    auc: auc(&scores, &labels),
                    counts: at_threshold(&scores, &labels, 0.5),
                }
            })
            .collect();
        eprintln!("lodo: {d} done");
        out.insert(d, cells);
    }
    let pooled = pooled
        .iter()
        .map(|(s, l)| Cell {
            auc: auc(s, l),
            counts: at_threshold(s, l, 0.5),
        })
        .collect();
    (out, pooled)
}

/// Pool-adjacent-violators isotonic fit of `labels` on `raw`; returns the increasing
/// `(raw, probability)` points (block means) for piecewise-linear calibration.
pub fn isotonic(raw: &[f64], labels: &[bool]) -> Vec<(f32, f32)> {
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]).then(a.cmp(&b)));
    // Blocks: (sum x, sum y, n).
    let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
    for i in order {
        blocks.push((raw[i], if labels[i] { 1.0 } else { 0.0 }, 1.0));
        while blocks.len() >= 2 {
            let (a, b) = (blocks[blocks.len() - 2], blocks[blocks.len() - 1]);
            if a.1 / a.2 >= b.1 / b.2 {
                blocks.pop();
                blocks.pop();
                blocks.push((a.0 + b.0, a.1 + b.1, a.2 + b.2));
            } else {
                break;
            }
        }
    }
    let mut pts: Vec<(f32, f32)> = blocks
        .iter()
        .map(|(x, y, n)| ((x / n) as f32, (y / n) as f32))
        .collect();
    pts.dedup_by(|b, a| b.0 <= a.0);
    pts
}

/// What `botlens train` produced: the model and the figures for the model card.
pub struct Trained {
    pub model: Model,
    pub report: String,
}

/// Target false-positive rates of the levels low, medium, high.
pub const TARGET_FPR: [f64; 3] = [0.01, 0.03, 0.10];
/// The default level is the most conservative one whose measured recall is at least this.
pub const DEFAULT_MIN_RECALL: f64 = 0.5;

/// Trains the shipped model: out-of-fold predictions -> isotonic calibration -> levels at
/// the target false-positive rates -> the final model on all rows.
pub fn train_shipped(p: &Prepared) -> Trained {
    let oof = out_of_fold(p, &OURS);
    let calibration = isotonic(&oof, &p.y);
    let all: Vec<usize> = (0..p.rows.len()).collect();
    let (mut model, _) = p.fit_predict(&OURS, &all, &[]);
    model.calibration = calibration;
    let prob: Vec<f64> = oof.iter().map(|&r| model.calibrate(r)).collect();
    let mut human: Vec<f64> = prob
        .iter()
        .zip(&p.y)
        .filter(|(_, &y)| !y)
        .map(|(&s, _)| s)
        .collect();
    human.sort_by(|a, b| b.total_cmp(a));
    let mut report = String::new();
    let mut levels = [StoredLevel {
        threshold: 1.0,
        fpr: 0.0,
        recall: 0.0,
    }; 3];
    let _ = writeln!(
        report,
        "| level | target FPR | threshold | measured FPR | recall |\n|---|---:|---:|---:|---:|"
    );
    for (k, target) in TARGET_FPR.iter().enumerate() {
        // The lowest threshold among the calibrated scores whose FPR stays within target.
        let mut threshold = 1.0f64;
        for &s in &human {
            let t = next_up(s);
            let c = at_threshold(&prob, &p.y, t);
            if c.fpr() <= *target {
                threshold = t;
            } else {
                break;
            }
        }
        let threshold = f64::from(threshold as f32);
        let c = at_threshold(&prob, &p.y, threshold);
        levels[k] = StoredLevel {
            threshold: threshold as f32,
            fpr: c.fpr() as f32,
            recall: c.recall() as f32,
        };
        let _ = writeln!(
            report,
            "| {} | {:.0}% | {:.4} | {:.2}% | {:.1}% |",
            crate::model::LEVEL_IDS[k],
            target * 100.0,
            threshold,
            c.fpr() * 100.0,
            c.recall() * 100.0
        );
    }
    model.default_level = levels
        .iter()
        .position(|l| f64::from(l.recall) >= DEFAULT_MIN_RECALL)
        .unwrap_or(2) as u8;
    model.levels = levels;
    model.version = VERSION.to_owned();
    let _ = writeln!(
        report,
        "\ndefault level: {}\n\nout-of-fold AUC {:.4} over {} accounts\n",
        crate::model::LEVEL_IDS[usize::from(model.default_level)],
        auc(&prob, &p.y).unwrap_or(f64::NAN),
        p.rows.len()
    );
    report.push_str(&calibration_table(&prob, &p.y));
    report.push_str("\n| dataset (out-of-fold) | n |");
    for id in crate::model::LEVEL_IDS {
        let _ = write!(report, " {id}: recall / FPR |");
    }
    report.push_str("\n|---|---:|---:|---:|---:|\n");
    for d in p.datasets() {
        let ids: Vec<usize> = (0..p.rows.len())
            .filter(|&i| p.rows[i].dataset == d)
            .collect();
        let s: Vec<f64> = ids.iter().map(|&i| prob[i]).collect();
        let y: Vec<bool> = ids.iter().map(|&i| p.y[i]).collect();
        let _ = write!(report, "| {d} | {} |", ids.len());
        for l in &model.levels {
            let c = at_threshold(&s, &y, f64::from(l.threshold));
            let rec = if c.positives() > 0 {
                format!("{:.1}%", c.recall() * 100.0)
            } else {
                "–".into()
            };
            let fpr = if c.fp + c.tn > 0 {
                format!("{:.1}%", c.fpr() * 100.0)
            } else {
                "–".into()
            };
            let _ = write!(report, " {rec} / {fpr} |");
        }
        report.push('\n');
    }
    Trained { model, report }
}

/// The smallest score strictly above `s` that a level threshold can be (flag when `>=`).
fn next_up(s: f64) -> f64 {
    let t = s as f32;
    f64::from(f32::from_bits(t.to_bits() + 1)).max(s)
}

/// One 0.1-wide bin of calibrated score: its bounds, how many accounts fall in it, their mean
/// predicted score and the observed bot share.
pub struct CalibrationBin {
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
    pub predicted: f64,
    pub observed: f64,
}

/// The non-empty calibration bins of `prob` against `labels` (the last bin includes 1.0).
pub fn calibration_bins(prob: &[f64], labels: &[bool]) -> Vec<CalibrationBin> {
    let mut bins = Vec::new();
    for b in 0..10 {
        let (lo, hi) = (f64::from(b) / 10.0, f64::from(b + 1) / 10.0);
        let ids: Vec<usize> = (0..prob.len())
            .filter(|&i| prob[i] >= lo && (prob[i] < hi || (b == 9 && prob[i] <= 1.0)))
            .collect();
        if ids.is_empty() {
            continue;
        }
        let n = ids.len() as f64;
        bins.push(CalibrationBin {
            lo,
            hi,
            n: ids.len(),
            predicted: ids.iter().map(|&i| prob[i]).sum::<f64>() / n,
            observed: ids.iter().filter(|&&i| labels[i]).count() as f64 / n,
        });
    }
    bins
}

/// Predicted vs observed bot share per probability bin (out-of-fold).
pub fn calibration_table(prob: &[f64], labels: &[bool]) -> String {
    let mut s = String::from(
        "| predicted | accounts | mean predicted | observed bot share |\n|---|---:|---:|---:|\n",
    );
    for b in calibration_bins(prob, labels) {
        let (lo, hi) = (b.lo, b.hi);
        let _ = writeln!(
            s,
            "| {lo:.1}–{hi:.1} | {} | {:.3} | {:.3} |",
            b.n, b.predicted, b.observed
        );
    }
    s
}

/// A markdown table of comparison cells: AUC and F1 (at 0.5) per dataset and config; for
/// one-class datasets, the share flagged at 0.5 (recall for bots, FPR for humans).
pub fn markdown(
    title: &str,
    configs: &[Config],
    rows: &BTreeMap<String, Vec<Cell>>,
    pooled: Option<&[Cell]>,
) -> String {
    let mut s = format!("### {title}\n\n| dataset |");
    for c in configs {
        let _ = write!(s, " {} AUC | F1 |", c.name);
    }
    s.push_str("\n|---|");
    s.push_str(&"---:|---:|".repeat(configs.len()));
    s.push('\n');
    let mut sums = vec![(0.0, 0usize); configs.len()];
    for (d, cells) in rows {
        let _ = write!(s, "| {d} |");
        for (k, c) in cells.iter().enumerate() {
            match c.auc {
                Some(a) => {
                    sums[k].0 += a;
                    sums[k].1 += 1;
                    let _ = write!(s, " {:.3} | {:.1} |", a, c.counts.f1() * 100.0);
                }
                None if c.counts.positives() > 0 => {
                    let _ = write!(s, " – | recall {:.1}% |", c.counts.recall() * 100.0);
                }
                None => {
                    let _ = write!(s, " – | FPR {:.1}% |", c.counts.fpr() * 100.0);
                }
            }
        }
        s.push('\n');
    }
    s.push_str("| **mean AUC (two-class sets)** |");
    for (sum, n) in &sums {
        let _ = write!(s, " **{:.3}** | |", sum / (*n).max(1) as f64);
    }
    s.push('\n');
    if let Some(pooled) = pooled {
        s.push_str("| pooled held-out |");
        for c in pooled {
            let _ = write!(
                s,
                " {:.3} | {:.1} |",
                c.auc.unwrap_or(f64::NAN),
                c.counts.f1() * 100.0
            );
        }
        s.push('\n');
    }
    s
}
