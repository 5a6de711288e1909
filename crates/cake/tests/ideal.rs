//! The ideal time, checked against cases worked out by hand.

use std::time::Duration;

use cake::Shop;
use cake::book::SCENARIOS;
use cake::ideal::{Durations, makespan};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn all_ms(list: &[u64]) -> Vec<Duration> {
    list.iter().map(|&n| ms(n)).collect()
}

fn scenario(name: &str) -> Shop {
    let scenario = SCENARIOS.iter().find(|s| s.name == name).unwrap();
    (scenario.change)(Shop::default())
}

fn exact(shop: &Shop) -> Option<Duration> {
    makespan(shop, &Durations::exact(shop))
}

#[test]
fn baseline_and_buffers_take_22_steps() {
    // Cake c is baked in [10c, 10c+10], iced next, inscribed next: the last
    // one is finished at (20 + 2) × 10 ms, with or without buffers.
    assert_eq!(exact(&scenario("Baseline")), Some(ms(220)));
    assert_eq!(exact(&scenario("Buffers")), Some(ms(220)));
}

#[test]
fn slow_icing_is_on_the_critical_path() {
    // Icer: cake c in [10 + 50c, 60 + 50c]; the last is iced at 1010 and
    // inscribed by 1020.
    assert_eq!(exact(&scenario("SlowIcing")), Some(ms(1020)));
}

#[test]
fn five_icers_take_turns() {
    // Cake c is baked by 10c+10 and an icer is free just then (icer c mod 5
    // finished cake c-5 at 10c+10): iced in [10c+10, 10c+60], inscribed in
    // [10c+60, 10c+70]. The last, cake 19, is finished at 260.
    assert_eq!(exact(&scenario("SlowIcingManyIcers")), Some(ms(260)));
}

fn three_cakes() -> Shop {
    Shop {
        cakes: 3,
        ..Shop::default()
    }
}

#[test]
fn a_buffer_absorbs_a_slow_patch() {
    // Bake 10, 10, 30; ice 30, 10, 10; inscribe 10 each.
    let work = Durations {
        bake: all_ms(&[10, 10, 30]),
        ice: all_ms(&[30, 10, 10]),
        inscribe: all_ms(&[10, 10, 10]),
    };
    // Unbuffered: cake 0 iced in [10, 40], so the baker holds cake 1 from
    // 20 until 40 and bakes cake 2 in [40, 70]; iced [70, 80], inscribed
    // [80, 90].
    assert_eq!(makespan(&three_cakes(), &work), Some(ms(90)));
    // One slot: cake 1 waits in the buffer from 20, cake 2 is baked in
    // [20, 50], iced [50, 60], inscribed [60, 70].
    let buffered = Shop {
        bake_buf: 1,
        ..three_cakes()
    };
    assert_eq!(makespan(&buffered, &work), Some(ms(70)));
}

#[test]
fn a_buffer_of_n_holds_n_cakes_not_yet_taken() {
    // Bake 10, 10, 10, 30; ice 40, 10, 10, 10; inscribe 10 each. The icer
    // takes cake 0 at 10 and cake 1 at 50.
    let work = Durations {
        bake: all_ms(&[10, 10, 10, 30]),
        ice: all_ms(&[40, 10, 10, 10]),
        inscribe: all_ms(&[10, 10, 10, 10]),
    };
    let shop = |bake_buf| Shop {
        cakes: 4,
        bake_buf,
        ..Shop::default()
    };
    // 0 slots: cake 1 handed over at 50, cake 2 at 60, cake 3 baked in
    // [60, 90], iced [90, 100], inscribed [100, 110].
    assert_eq!(makespan(&shop(0), &work), Some(ms(110)));
    // 1 slot: cake 1 in it at 20; cake 2 ready at 30, in it at 50 when the
    // icer takes cake 1; cake 3 baked [50, 80], iced [80, 90], done at 100.
    assert_eq!(makespan(&shop(1), &work), Some(ms(100)));
    // 2 slots: cakes 1 and 2 in them by 30; cake 3 baked [30, 60], waits
    // for the icer until 70, iced [70, 80], done at 90.
    assert_eq!(makespan(&shop(2), &work), Some(ms(90)));
}

#[test]
fn the_inscriber_takes_cakes_in_the_order_they_are_iced() {
    // Two icers; cake 0 takes 50 ms to ice, the others 10. Icer 1 ices
    // cake 0 in [10, 60]; icer 2 ices cake 1 in [20, 30] and cake 2 in
    // [30, 40]. Inscribed: cake 1 [30, 40], cake 2 [40, 50], cake 0 [60, 70].
    let work = Durations {
        bake: all_ms(&[10, 10, 10]),
        ice: all_ms(&[50, 10, 10]),
        inscribe: all_ms(&[10, 10, 10]),
    };
    let shop = Shop {
        num_icers: 2,
        ..three_cakes()
    };
    assert_eq!(makespan(&shop, &work), Some(ms(70)));
}

#[test]
fn a_buffer_between_icing_and_inscribing_absorbs_a_slow_patch_too() {
    // Bake 10 each; ice 10, 10, 30; inscribe 30, 10, 10. Cake 0: baked
    // [0, 10], iced [10, 20], inscribed [20, 50]; cake 1 iced [20, 30].
    let work = Durations {
        bake: all_ms(&[10, 10, 10]),
        ice: all_ms(&[10, 10, 30]),
        inscribe: all_ms(&[30, 10, 10]),
    };
    // Unbuffered: the icer holds cake 1 until 50, then ices cake 2 in
    // [50, 80]; inscribed [80, 90].
    assert_eq!(makespan(&three_cakes(), &work), Some(ms(90)));
    // One slot: cake 1 waits in it from 30 while cake 2 is iced in
    // [30, 60]; the inscriber does cake 1 in [50, 60], cake 2 in [60, 70].
    let buffered = Shop {
        ice_buf: 1,
        ..three_cakes()
    };
    assert_eq!(makespan(&buffered, &work), Some(ms(70)));
}

#[test]
fn no_cakes_take_no_time_and_no_icers_never_finish() {
    let none = Shop {
        cakes: 0,
        ..Shop::default()
    };
    assert_eq!(exact(&none), Some(Duration::ZERO));
    let no_icers = Shop {
        num_icers: 0,
        ..Shop::default()
    };
    assert_eq!(exact(&no_icers), None);
}

#[test]
fn steps_of_no_time_are_fine() {
    let instant = Shop {
        bake_time: Duration::ZERO,
        ice_time: Duration::ZERO,
        inscribe_time: Duration::ZERO,
        ..Shop::default()
    };
    assert_eq!(exact(&instant), Some(Duration::ZERO));
    let only_icing = Shop {
        ice_time: ms(10),
        ..instant
    };
    assert_eq!(exact(&only_icing), Some(ms(200)));
}
