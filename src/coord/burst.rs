//! `creation_burst`: many accounts in one page created within a few days of each other.
//!
//! Chance is the yardstick. Creation dates are far from uniform (sign-up waves, and recent
//! accounts are over-represented), so the expected count in a window of [`WINDOW_DAYS`] is
//! the larger of the page-wide rate (`n·W/span`, span at least a year) and the local rate of
//! the accounts created within [`NEIGHBOURHOOD_DAYS`] around the window (the window's own
//! accounts excluded). A burst needs at least [`MIN_BURST_ACCOUNTS`] accounts *and* a count
//! that chance reaches in any of the span's `span/W` windows with probability at most
//! [`CHANCE_ALPHA`] (Poisson tail, union bound over the windows). The false-burst rate on
//! real human accounts is measured in `docs/COORDINATION.md`.

/// Width of the creation window, in days.
pub const WINDOW_DAYS: i64 = 7;
/// A burst never holds fewer accounts than this.
pub const MIN_BURST_ACCOUNTS: usize = 5;
/// Days on each side of a window that set its local background rate.
pub const NEIGHBOURHOOD_DAYS: i64 = 180;
/// Largest chance probability accepted for the burst count.
pub const CHANCE_ALPHA: f64 = 0.001;

const DAY: i64 = 86_400;

/// One burst: its accounts and creation window (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    pub accounts: Vec<u32>,
    pub from: i64,
    pub to: i64,
}

/// The bursts among the accounts seen so far.
#[derive(Debug, Default)]
pub struct Bursts {
    pub groups: Vec<Burst>,
    /// Burst index per account.
    pub group_of: Vec<Option<u32>>,
}

impl Bursts {
    /// Recomputes the bursts from every account's creation time (`O(n log n)` in the number of
    /// dated accounts, cheap next to the text work) and returns the accounts whose burst
    /// changed.
    pub fn recompute(&mut self, created: &[Option<i64>]) -> Vec<u32> {
        let mut dated: Vec<(i64, u32)> = created
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.map(|t| (t, i as u32)))
            .collect();
        dated.sort_unstable();
        let mut groups: Vec<Burst> = Vec::new();
        if dated.len() >= MIN_BURST_ACCOUNTS {
            let (first, last) = (dated[0].0, dated[dated.len() - 1].0);
            let span_days = ((last - first) / DAY).max(365);
            let windows = span_days as f64 / WINDOW_DAYS as f64;
            let global = dated.len() as f64 * WINDOW_DAYS as f64 / span_days as f64;
            let (mut j, mut lo, mut hi) = (0, 0, 0);
            let mut current: Option<(usize, usize)> = None; // [start, end) of merged windows
            for i in 0..dated.len() {
                let t = dated[i].0;
                j = j.max(i);
                while j < dated.len() && dated[j].0 - t <= WINDOW_DAYS * DAY {
                    j += 1;
                }
                while dated[lo].0 < t - NEIGHBOURHOOD_DAYS * DAY {
                    lo += 1;
                }
                while hi < dated.len()
                    && dated[hi].0 <= t + (WINDOW_DAYS + NEIGHBOURHOOD_DAYS) * DAY
                {
                    hi += 1;
                }
                let count = j - i;
                // Accounts around the window but not in it: the local background rate.
                let around = (hi - lo).saturating_sub(count) as f64;
                let local = around * WINDOW_DAYS as f64 / (2 * NEIGHBOURHOOD_DAYS) as f64;
                let lambda = local.max(global);
                if count >= MIN_BURST_ACCOUNTS
                    && windows * poisson_tail(lambda, count) <= CHANCE_ALPHA
                {
                    current = match current {
                        Some((s, e)) if i < e => Some((s, j.max(e))),
                        Some((s, e)) => {
                            groups.push(burst(&dated[s..e]));
                            Some((i, j))
                        }
                        None => Some((i, j)),
                    };
                }
            }
            if let Some((s, e)) = current {
                groups.push(burst(&dated[s..e]));
            }
        }
        let mut group_of = vec![None; created.len()];
        for (g, b) in groups.iter().enumerate() {
            for a in &b.accounts {
                group_of[*a as usize] = Some(g as u32);
            }
        }
        let old = |a: usize| {
            self.group_of
                .get(a)
                .copied()
                .flatten()
                .and_then(|g| self.groups.get(g as usize))
        };
        let changed = (0..created.len())
            .filter(|&a| old(a) != group_of[a].and_then(|g| groups.get(g as usize)))
            .map(|a| a as u32)
            .collect();
        self.groups = groups;
        self.group_of = group_of;
        changed
    }
}

fn burst(window: &[(i64, u32)]) -> Burst {
    let mut accounts: Vec<u32> = window.iter().map(|(_, a)| *a).collect();
    accounts.sort_unstable();
    Burst {
        accounts,
        from: window.first().map_or(0, |w| w.0),
        to: window.last().map_or(0, |w| w.0),
    }
}

/// `P(X >= k)` for `X ~ Poisson(λ)`.
pub fn poisson_tail(lambda: f64, k: usize) -> f64 {
    let mut term = (-lambda).exp();
    let mut below = 0.0;
    for i in 0..k {
        below += term;
        term *= lambda / (i as f64 + 1.0);
    }
    (1.0 - below).max(term)
}

/// `YYYY-MM-DD` of a Unix time (UTC).
pub fn date(t: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = t.div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_values() {
        assert!((poisson_tail(1.0, 0) - 1.0).abs() < 1e-12);
        assert!((poisson_tail(1.0, 1) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        assert!(poisson_tail(0.4, 6) < 1e-5);
    }

    #[test]
    fn a_dense_neighbourhood_is_no_burst() {
        // 200 accounts created over one busy half-year: no window stands out.
        let base = 1_500_000_000;
        let created: Vec<Option<i64>> = (0..200).map(|i| Some(base + i * DAY * 9 / 10)).collect();
        let mut b = Bursts::default();
        b.recompute(&created);
        assert!(b.groups.is_empty());
    }

    #[test]
    fn finds_a_burst_and_reports_changes() {
        let base = 1_500_000_000;
        // 40 accounts spread over 10 years, then 6 created within 3 days.
        let mut created: Vec<Option<i64>> = (0..40).map(|i| Some(base - i * 90 * DAY)).collect();
        let mut b = Bursts::default();
        assert!(b.recompute(&created).is_empty());
        for i in 0..6 {
            created.push(Some(base + 200 * DAY + i * DAY / 2));
        }
        created.push(None);
        let changed = b.recompute(&created);
        assert_eq!(changed, (40..46).collect::<Vec<u32>>());
        assert_eq!(b.groups.len(), 1);
        assert_eq!(date(b.groups[0].from), "2018-01-30");
        assert!(b.recompute(&created).is_empty());
    }
}
