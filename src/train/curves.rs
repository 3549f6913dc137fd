//! `botlens eval --curves`: the model card's plot data (`model/eval-curves.json`, the shape
//! `www/README.md` documents): per-dataset ROC and precision-recall points, calibration bins
//! and the sensitivity levels, from held-out scores of the shipped configuration. Native only.

use super::metrics::{at_threshold, auc};
use super::{data, out_of_fold, Prepared, OURS, VERSION};
use serde_json::{json, Map, Value};

/// At most this many points per curve (the file stays small; the plots are 300 px wide).
pub const MAX_POINTS: usize = 100;

/// Rounds to 4 decimals so the file is stable and small.
fn r4(x: f64) -> Value {
    json!((x * 1e4).round() / 1e4)
}

/// Curve points `(x, y)`.
type Curve = Vec<(f64, f64)>;

/// `(fpr, tpr)` and `(recall, precision)` points, one per distinct score from the highest
/// down (flag when `score >= threshold`), both starting at recall 0. `None` for one class.
fn curves(scores: &[f64], labels: &[bool]) -> Option<(Curve, Curve, f64)> {
    let pos = labels.iter().filter(|&&y| y).count();
    let neg = labels.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut roc = vec![(0.0, 0.0)];
    let mut pr = Vec::new();
    let mut ap = 0.0;
    let mut last_recall = 0.0;
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            if labels[order[i]] {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        let recall = tp as f64 / pos as f64;
        let precision = tp as f64 / (tp + fp) as f64;
        if pr.is_empty() {
            pr.push((0.0, precision));
        }
        ap += (recall - last_recall) * precision;
        last_recall = recall;
        roc.push((fp as f64 / neg as f64, recall));
        pr.push((recall, precision));
    }
    Some((roc, pr, ap))
}

/// At most [`MAX_POINTS`] points, evenly spaced along the curve's length, ends kept.
fn downsample(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points.to_vec();
    }
    let seg = |a: (f64, f64), b: (f64, f64)| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let total: f64 = points.windows(2).map(|w| seg(w[0], w[1])).sum();
    let step = total / (MAX_POINTS - 1) as f64;
    let mut out = vec![points[0]];
    let mut along = 0.0;
    let mut next = step;
    for w in points.windows(2) {
        along += seg(w[0], w[1]);
        if along >= next && out.len() < MAX_POINTS - 1 {
            out.push(w[1]);
            next = (along / step).floor() * step + step;
        }
    }
    let last = points[points.len() - 1];
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

fn points(p: &[(f64, f64)]) -> Value {
    Value::Array(
        downsample(p)
            .iter()
            .map(|&(x, y)| json!([r4(x), r4(y)]))
            .collect(),
    )
}

/// Bins of width 0.1 of calibrated score: mean predicted, observed bot share, count.
fn calibration(prob: &[f64], labels: &[bool]) -> Value {
    let bins = super::calibration_bins(prob, labels).into_iter();
    Value::Array(
        bins.map(|b| json!({"predicted": r4(b.predicted), "observed": r4(b.observed), "n": b.n}))
            .collect(),
    )
}

/// The shipped levels measured on `prob`: threshold, and FPR / recall where defined.
fn levels_on(prob: &[f64], labels: &[bool]) -> Value {
    let info = crate::model_info();
    Value::Array(
        info.levels
            .iter()
            .map(|l| {
                let c = at_threshold(prob, labels, l.threshold);
                let mut m = Map::new();
                m.insert("id".into(), json!(l.id));
                m.insert("threshold".into(), r4(l.threshold));
                if c.fp + c.tn > 0 {
                    m.insert("fpr".into(), r4(c.fpr()));
                }
                if c.positives() > 0 {
                    m.insert("recall".into(), r4(c.recall()));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

/// One dataset's block: counts, AUC, average precision, ROC and PR points (two-class sets),
/// calibration bins and the levels measured on these scores.
fn block(prob: &[f64], labels: &[bool]) -> Value {
    let bots = labels.iter().filter(|&&y| y).count();
    let mut m = Map::new();
    m.insert("n".into(), json!(labels.len()));
    m.insert("bots".into(), json!(bots));
    m.insert("humans".into(), json!(labels.len() - bots));
    if let Some((roc, pr, ap)) = curves(prob, labels) {
        m.insert("auc".into(), r4(auc(prob, labels).unwrap_or(f64::NAN)));
        m.insert("average_precision".into(), r4(ap));
        m.insert("roc".into(), points(&roc));
        m.insert("pr".into(), points(&pr));
    }
    m.insert("calibration".into(), calibration(prob, labels));
    m.insert("levels".into(), levels_on(prob, labels));
    Value::Object(m)
}

/// The whole file. Scores are calibrated with the shipped model's isotonic map (fitted on the
/// pooled 5-fold out-of-fold scores of this configuration, so the pooled calibration bins
/// reproduce the model card's table). Deterministic: fixed folds and seeds, 4 decimals.
pub fn eval_curves(p: &Prepared) -> Result<Value, String> {
    let shipped = crate::model::shipped().ok_or("no shipped model")?;
    let cal = |raw: &[f64]| -> Vec<f64> { raw.iter().map(|&r| shipped.calibrate(r)).collect() };
    let oof = cal(&out_of_fold(p, &OURS));
    eprintln!("curves: pooled out-of-fold done");
    let mut lodo = Map::new();
    let mut cv = Map::new();
    for d in p.datasets() {
        let ids: Vec<usize> = (0..p.rows.len())
            .filter(|&i| p.rows[i].dataset == d)
            .collect();
        let others: Vec<usize> = (0..p.rows.len())
            .filter(|&i| p.rows[i].dataset != d)
            .collect();
        let labels: Vec<bool> = ids.iter().map(|&i| p.y[i]).collect();
        let (_, raw) = p.fit_predict(&OURS, &others, &ids);
        lodo.insert(d.clone(), block(&cal(&raw), &labels));
        let bots = labels.iter().filter(|&&y| y).count();
        if bots > 0 && bots < labels.len() {
            // 5-fold CV within the dataset (out-of-fold scores of models trained on it alone).
            let mut prob = Vec::new();
            let mut lab = Vec::new();
            for k in 0..5 {
                let (test, train): (Vec<usize>, Vec<usize>) =
                    ids.iter().partition(|&&i| data::fold(&p.rows[i], 5) == k);
                let (_, raw) = p.fit_predict(&OURS, &train, &test);
                prob.extend(cal(&raw));
                lab.extend(test.iter().map(|&i| p.y[i]));
            }
            cv.insert(d.clone(), block(&prob, &lab));
        }
        eprintln!("curves: {d} done");
    }
    let info = crate::model_info();
    let levels: Vec<Value> = info
        .levels
        .iter()
        .map(|l| {
            json!({"id": l.id, "threshold": r4(l.threshold), "fpr": l.fpr.map(|v| (v * 1e4).round() / 1e4), "recall": l.recall.map(|v| (v * 1e4).round() / 1e4)})
        })
        .collect();
    Ok(json!({
        "schema": 1,
        "model": VERSION,
        "source": "botlens eval --curves: per_dataset = leave-one-dataset-out (the shipped configuration trained on all other datasets, scored on the one left out); per_dataset_cv = 5-fold cross-validation within each two-class dataset; calibration and levels = pooled 5-fold out-of-fold scores over all datasets. Scores calibrated with the shipped isotonic map.",
        "per_dataset_method": "leave-one-dataset-out",
        "per_dataset_cv_method": "5-fold cross-validation within each dataset (folds by row hash)",
        "calibration_method": "pooled 5-fold out-of-fold, all datasets",
        "n": p.rows.len(),
        "auc": r4(auc(&oof, &p.y).unwrap_or(f64::NAN)),
        "default_level": info.default_level,
        "levels": levels,
        "calibration": calibration(&oof, &p.y),
        "per_dataset": lodo,
        "per_dataset_cv": cv,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_of_a_small_ranking() {
        let (roc, pr, ap) =
            curves(&[0.9, 0.8, 0.7, 0.2], &[true, false, true, false]).expect("two classes");
        assert_eq!(
            roc,
            vec![(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]
        );
        assert_eq!(pr[0], (0.0, 1.0));
        assert!((ap - (0.5 + 0.5 * 2.0 / 3.0)).abs() < 1e-12);
        assert!(curves(&[0.1, 0.2], &[true, true]).is_none());
    }

    #[test]
    fn downsampling_keeps_ends_and_caps_points() {
        let pts: Vec<(f64, f64)> = (0..=1000)
            .map(|i| (f64::from(i) / 1000.0, (f64::from(i) / 1000.0).sqrt()))
            .collect();
        let d = downsample(&pts);
        assert!(d.len() <= MAX_POINTS, "{}", d.len());
        assert_eq!(d[0], pts[0]);
        assert_eq!(d[d.len() - 1], pts[1000]);
        assert!(d.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
