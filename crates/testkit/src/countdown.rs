//! What the tests of countdown1, countdown2 and countdown3 share.

use crate::process::Program;

/// Asserts that `exe --tick` refuses what is not a duration, and a zero
/// tick, as usage errors (exit status 2) that say why.
pub fn assert_bad_tick_is_a_usage_error(exe: &str) {
    for (tick, why) in [("soon", "expected number"), ("0s", "longer than zero")] {
        let (status, out, err) = Program::start(exe, &["--tick", tick]).finish();
        assert_eq!(status.code(), Some(2), "{err}");
        assert!(out.is_empty());
        assert!(
            err.contains(&format!("invalid value '{tick}' for '--tick <TICK>'")),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
    }
}

/// Asserts that `exe` with `args`, its standard output closed by the
/// reader, ends quietly with status 0, as Go's programs die of SIGPIPE.
pub fn assert_closed_stdout_ends_it_quietly(exe: &str, args: &[&str]) {
    let mut program = Program::start(exe, args);
    drop(program.child.stdout.take());
    let (status, _, err) = program.finish();
    assert!(status.success(), "{status:?}: {err}");
    assert_eq!(err, "");
}
