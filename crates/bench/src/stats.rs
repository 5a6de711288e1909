//! What every benchmark does with its runs: takes them in alternating
//! rounds, sums them up by their median, and sets ours against the
//! reference as a ratio.

use std::cmp::Ordering;
use std::time::Duration;

use crate::report::secs;

/// The middle value of `values` (the upper of the two middle ones for an
/// even count), or the default if there are none.
pub fn median<T: PartialOrd + Copy + Default>(values: &[T]) -> T {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// The least and the most of `times`.
pub fn least_most(times: &[Duration]) -> (Duration, Duration) {
    let least = times.iter().min().copied().unwrap_or_default();
    let most = times.iter().max().copied().unwrap_or_default();
    (least, most)
}

/// `1.23 s` for one run; `1.23 s (1.20–1.31, 3 runs)` for several: the
/// median, then the least and the most.
pub fn spread(times: &[Duration]) -> String {
    let (least, most) = least_most(times);
    if times.len() > 1 {
        format!(
            "{} ({:.2}–{:.2}, {} runs)",
            secs(median(times)),
            least.as_secs_f64(),
            most.as_secs_f64(),
            times.len()
        )
    } else {
        secs(median(times))
    }
}

/// `ours` over `reference`.
pub fn ratio(ours: Duration, reference: Duration) -> f64 {
    ours.as_secs_f64() / reference.as_secs_f64()
}

/// In what order the cases of a benchmark take their turns, round after
/// round, so that a busy moment of the machine falls on all of them alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Turns {
    /// The same order every round.
    Same,
    /// Forward, then backward in the next round, and so on.
    Reversed,
    /// Each round starts one case later: 0 1 2, then 1 2 0, then 2 0 1.
    Rotated,
}

/// The order of `cases` cases in round `round`.
pub fn order(turns: Turns, round: usize, cases: usize) -> Vec<usize> {
    match turns {
        Turns::Same => (0..cases).collect(),
        Turns::Reversed if round % 2 == 1 => (0..cases).rev().collect(),
        Turns::Reversed => (0..cases).collect(),
        Turns::Rotated => (0..cases).map(|k| (k + round) % cases).collect(),
    }
}

/// Runs each of `cases` cases once per round, in the order `turns` gives,
/// for `rounds` rounds; returns the results of each case, round by round.
/// `run` gets the case and the round. The first error ends it.
pub fn alternate<R, E>(
    rounds: usize,
    cases: usize,
    turns: Turns,
    mut run: impl FnMut(usize, usize) -> Result<R, E>,
) -> Result<Vec<Vec<R>>, E> {
    let mut results: Vec<Vec<R>> = (0..cases).map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for case in order(turns, round, cases) {
            results[case].push(run(case, round)?);
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_or_the_upper_middle() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(median(&[ms(4), ms(1), ms(3), ms(2)]), ms(3));
        assert_eq!(median::<Duration>(&[]), Duration::ZERO);
        assert_eq!(median(&[2.5, 0.5, 1.5]), 1.5);
        assert_eq!(median(&[(ms(2), 7), (ms(1), 9), (ms(3), 1)]), (ms(2), 7));
    }

    #[test]
    fn runs_are_summed_up_by_their_median() {
        let ms = Duration::from_millis;
        let runs = [ms(1310), ms(1200), ms(1230)];
        assert_eq!(spread(&runs), "1.23 s (1.20–1.31, 3 runs)");
        assert_eq!(spread(&[ms(1200)]), "1.20 s");
    }

    #[test]
    fn turns_alternate() {
        assert_eq!(order(Turns::Same, 1, 3), [0, 1, 2]);
        assert_eq!(order(Turns::Reversed, 0, 3), [0, 1, 2]);
        assert_eq!(order(Turns::Reversed, 1, 3), [2, 1, 0]);
        assert_eq!(order(Turns::Rotated, 1, 3), [1, 2, 0]);
        assert_eq!(order(Turns::Rotated, 2, 3), [2, 0, 1]);
        let mut seen = Vec::new();
        let results = alternate(2, 2, Turns::Reversed, |case, round| {
            seen.push((round, case));
            Ok::<_, ()>(10 * round + case)
        });
        assert_eq!(results, Ok(vec![vec![0, 10], vec![1, 11]]));
        assert_eq!(seen, [(0, 0), (0, 1), (1, 1), (1, 0)]);
    }
}
