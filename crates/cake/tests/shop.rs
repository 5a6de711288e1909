//! The real shop, threads and channels, checked on the order of what its
//! cooks did: never with a stopwatch, so a busy machine only makes it slow.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use cake::{Event, Run, Shop, Step, Who};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A small, quick shop: `cakes` cakes, 1 ms a step.
fn quick(cakes: usize) -> Shop {
    Shop {
        cakes,
        bake_time: ms(1),
        ice_time: ms(1),
        inscribe_time: ms(1),
        ..Shop::default()
    }
}

fn one_run(shop: &Shop, seed: u64) -> Run {
    shop.work(1, seed, &|_| {}).unwrap().remove(0)
}

/// Where in the log the first event that `is` describes is.
fn position(events: &[Event], is: impl Fn(&Event) -> bool) -> usize {
    events.iter().position(is).expect("no such event")
}

#[test]
fn with_one_icer_each_cake_goes_down_the_line_and_they_finish_in_order() {
    let shop = Shop {
        verbose: true,
        ..quick(10)
    };
    let said = Mutex::new(Vec::new());
    let say = |line: &str| said.lock().unwrap().push(line.to_string());
    let run = shop.work(1, 7, &say).unwrap().remove(0);
    let said = said.into_inner().unwrap();
    assert_eq!(said, run.lines(), "the printed lines are the logged ones");
    assert_eq!(said.len(), 4 * 10);

    let at = |line: String| said.iter().position(|l| *l == line).unwrap();
    for c in 0..10 {
        let steps = ["baking", "icing", "inscribing", "finished"].map(|s| at(format!("{s} {c}")));
        assert!(steps.is_sorted(), "cake {c} went {steps:?}");
    }
    let finished: Vec<&String> = said.iter().filter(|l| l.starts_with("finished")).collect();
    let in_order: Vec<String> = (0..10).map(|c| format!("finished {c}")).collect();
    assert_eq!(finished, in_order.iter().collect::<Vec<_>>());
}

#[test]
fn quiet_shops_say_nothing() {
    let said = Mutex::new(0);
    quick(3)
        .work(2, 1, &|_| *said.lock().unwrap() += 1)
        .unwrap();
    assert_eq!(said.into_inner().unwrap(), 0);
}

#[test]
fn with_many_icers_each_cake_finishes_exactly_once() {
    let shop = Shop {
        num_icers: 5,
        ice_time: ms(5),
        bake_stddev: Duration::from_micros(500),
        ice_stddev: ms(2),
        ..quick(30)
    };
    for run in shop.work(2, 3, &|_| {}).unwrap() {
        let mut finished = HashMap::new();
        for e in &run.events {
            if let (Who::Inscriber, Step::Worked(_)) = (e.who, e.step) {
                *finished.entry(e.cake).or_insert(0) += 1;
            }
        }
        assert_eq!(finished.len(), 30);
        assert!(
            finished.iter().all(|(&c, &n)| c < 30 && n == 1),
            "{finished:?}"
        );
        let icers: std::collections::HashSet<Who> = run
            .events
            .iter()
            .filter(|e| matches!(e.who, Who::Icer(_)))
            .map(|e| e.who)
            .collect();
        assert!(
            icers.iter().all(|&w| matches!(w, Who::Icer(1..=5))),
            "{icers:?}"
        );
    }
}

/// With `bake_buf` slots, the baker can hand cake k + 1 + bake_buf over only
/// once the icer has taken cake k + 1, that is, after it finished icing
/// cake k. Baking takes no time and icing 20 ms, so the baker is always
/// ahead and would break the rule at once if it could.
fn baker_is_held_back_by_the_buffer(bake_buf: usize) {
    let shop = Shop {
        cakes: 6,
        bake_time: Duration::ZERO,
        ice_time: ms(20),
        inscribe_time: Duration::ZERO,
        bake_buf,
        ..Shop::default()
    };
    let run = one_run(&shop, 1);
    for k in 0..shop.cakes - 1 - bake_buf {
        let iced = position(&run.events, |e| {
            e.who == Who::Icer(1) && e.cake == k && matches!(e.step, Step::Worked(_))
        });
        let handed = position(&run.events, |e| {
            e.who == Who::Baker && e.cake == k + 1 + bake_buf && e.step == Step::HandedOn
        });
        assert!(
            iced < handed,
            "bake_buf {bake_buf}: the baker handed cake {} over before the icer was done with cake {k}",
            k + 1 + bake_buf
        );
    }
}

#[test]
fn unbuffered_the_baker_waits_for_the_icer_to_take_each_cake() {
    baker_is_held_back_by_the_buffer(0);
}

#[test]
fn with_two_slots_the_baker_gets_no_more_than_two_cakes_ahead() {
    baker_is_held_back_by_the_buffer(2);
}

#[test]
fn a_seed_replays_the_same_durations() {
    let shop = Shop {
        bake_stddev: Duration::from_micros(300),
        ice_stddev: Duration::from_micros(300),
        inscribe_stddev: Duration::from_micros(300),
        ..quick(5)
    };
    let durations = |seed| one_run(&shop, seed).durations;
    assert_eq!(durations(42), durations(42));
    assert_ne!(durations(42), durations(43));
    let d = durations(42);
    assert!(
        d.bake
            .iter()
            .chain(&d.ice)
            .chain(&d.inscribe)
            .all(|&t| t < ms(3))
    );
    assert!(d.bake.iter().any(|&t| t != ms(1)), "the stddev varies them");
}
