//! Latencies in microseconds, recorded into an HDR histogram (three significant digits)
//! and read back as percentiles in milliseconds.

use hdrhistogram::Histogram;

/// A set of latencies.
pub struct Latencies {
    histogram: Histogram<u64>,
}

impl Default for Latencies {
    fn default() -> Self {
        Self::new()
    }
}

impl Latencies {
    /// No latencies yet.
    #[must_use]
    pub fn new() -> Self {
        // 1 µs to u32::MAX µs (71 minutes, the largest latency `record` takes), three significant
        // digits. Fixed bounds: `saturating_record` clamps rather than grows an auto-resizing
        // histogram, which would read every latency past ~2 ms as 2 µs.
        let histogram = Histogram::new_with_bounds(1, u64::from(u32::MAX), 3)
            .unwrap_or_else(|_| unreachable!("1 µs to u32::MAX µs at 3 significant digits are valid bounds"));
        Self { histogram }
    }

    /// The latencies `micros` (microseconds).
    #[must_use]
    pub fn of(micros: impl IntoIterator<Item = u32>) -> Self {
        let mut latencies = Self::new();
        for m in micros {
            latencies.record(m);
        }
        latencies
    }

    /// Adds one latency in microseconds.
    pub fn record(&mut self, micros: u32) {
        self.histogram.saturating_record(u64::from(micros));
    }

    /// How many latencies there are.
    #[must_use]
    pub fn count(&self) -> usize {
        usize::try_from(self.histogram.len()).unwrap_or(usize::MAX)
    }

    /// The `q` quantile in milliseconds (0 when there are none).
    #[must_use]
    pub fn p(&self, q: f64) -> f64 {
        if self.histogram.is_empty() {
            return 0.0;
        }
        ms(self.histogram.value_at_quantile(q))
    }

    /// The largest latency in milliseconds (0 when there are none).
    #[must_use]
    pub fn max(&self) -> f64 {
        if self.histogram.is_empty() {
            return 0.0;
        }
        ms(self.histogram.max())
    }

    /// `p50 …  p90 …  p99 …  max …` in milliseconds.
    #[must_use]
    pub fn line(&self) -> String {
        format!(
            "p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
            self.p(0.5),
            self.p(0.9),
            self.p(0.99),
            self.max()
        )
    }
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::Latencies;

    #[test]
    fn percentiles_are_read_to_three_significant_digits() {
        let lat = Latencies::of(1..=1000);
        assert_eq!(lat.count(), 1000);
        assert!((lat.p(0.5) - 0.5).abs() < 0.001, "{}", lat.p(0.5));
        assert!((lat.p(0.99) - 0.99).abs() < 0.001, "{}", lat.p(0.99));
        assert!((lat.max() - 1.0).abs() < 0.001, "{}", lat.max());
    }

    #[test]
    fn latencies_of_seconds_are_read_as_they_were() {
        let lat = Latencies::of([2_500, 40_000, 5_000_000]);
        assert!((lat.p(0.0) - 2.5).abs() < 0.01, "{}", lat.p(0.0));
        assert!((lat.p(0.5) - 40.0).abs() < 0.05, "{}", lat.p(0.5));
        assert!((lat.max() - 5_000.0).abs() < 5.0, "{}", lat.max());
    }

    #[test]
    fn no_latencies_read_as_zero() {
        let lat = Latencies::new();
        assert_eq!((lat.count(), lat.p(0.5), lat.max()), (0, 0.0, 0.0));
    }
}
