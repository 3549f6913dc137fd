//! `creation_burst`: many accounts in one page created within a few days of each other.
//!
//! Chance is the yardstick: if the page's `n` dated accounts were created uniformly over their
//! observed span (at least a year), a window of [`WINDOW_DAYS`] would hold `λ = n·W/span`
//! of them on average. A burst needs at least [`MIN_BURST_ACCOUNTS`] accounts *and* a count
//! that chance reaches in any of the span's `span/W` windows with probability at most
//! [`CHANCE_ALPHA`] (Poisson tail, union bound over the windows). Real creation dates are not
//! uniform (new accounts are over-represented), so the floor and `α` are set conservatively
//! and the false-burst rate on real human accounts is measured in `docs/COORDINATION.md`.

/// Width of the creation window, in days.
pub const WINDOW_DAYS: i64 = 7;
/// A burst never holds fewer accounts than this.
pub const MIN_BURST_ACCOUNTS: usize = 5;
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
            let k = required_accounts(dated.len(), span_days);
            let mut j = 0;
            let mut current: Option<(usize, usize)> = None; // [start, end) of merged windows
            for i in 0..dated.len() {
                j = j.max(i);
                while j < dated.len() && dated[j].0 - dated[i].0 <= WINDOW_DAYS * DAY {
                    j += 1;
                }
                if j - i >= k {
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

/// The smallest count a [`WINDOW_DAYS`] window must reach among `n` accounts spread over
/// `span_days` to be unlikely by chance (see the module docs).
pub fn required_accounts(n: usize, span_days: i64) -> usize {
    let span = span_days.max(WINDOW_DAYS) as f64;
    let windows = span / WINDOW_DAYS as f64;
    let lambda = n as f64 * WINDOW_DAYS as f64 / span;
    // P(X >= k) = 1 - sum_{i<k} e^-λ λ^i / i!
    let mut term = (-lambda).exp();
    let mut below = 0.0;
    for k in 0..=n {
        if k >= MIN_BURST_ACCOUNTS && windows * (1.0 - below) <= CHANCE_ALPHA {
            return k;
        }
        below += term;
        term *= lambda / (k as f64 + 1.0);
    }
    n + 1
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
    fn chance_threshold_grows_with_density() {
        assert_eq!(required_accounts(10, 3650), MIN_BURST_ACCOUNTS);
        let k200 = required_accounts(200, 3650);
        let k2000 = required_accounts(2000, 3650);
        assert!(k200 >= MIN_BURST_ACCOUNTS && k2000 > k200, "{k200} {k2000}");
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
