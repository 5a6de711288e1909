//! thumbnail_rayon: thumbnail's own behaviour tests (main.go's output), and
//! what a thread per image could not do so simply: a few workers, whatever
//! the number of images, and the output in the input's order.

use testkit::same_job;

const EXE: &str = env!("CARGO_BIN_EXE_thumbnail_rayon");

#[test]
fn prints_each_name_logs_each_failure_and_goes_on() {
    same_job::thumbnail_prints_each_name_logs_each_failure_and_goes_on(EXE);
}

#[test]
fn a_line_too_long_ends_the_input_after_the_names_before_it() {
    same_job::thumbnail_a_line_too_long_ends_the_input(EXE);
}

#[test]
fn a_directory_on_standard_input_is_a_read_error() {
    same_job::thumbnail_a_directory_on_standard_input_is_a_read_error(EXE);
}

#[test]
fn help_and_version() {
    testkit::cli::assert_help_and_version_of(EXE, "thumbnail", "thumbnail_rayon");
}

#[test]
fn many_images_in_a_few_threads_in_the_inputs_order() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let (files, thumbs) = testkit::photos::photos(dir.path(), 60);
    let input: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let mut program = testkit::Program::start(EXE, &[]);
    let pid = program.child.id();
    let mut stdin = program.child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    // rayon's pool: one worker per CPU and the main thread, never one
    // thread per image.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut most = 0;
    while program.child.try_wait().unwrap().is_none() {
        most = most.max(testkit::threads_of(pid));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(most <= cpus + 1, "{most} threads");
    let (status, out, err) = program.finish();
    assert!(status.success(), "{err}");
    let want: String = thumbs
        .iter()
        .map(|f| format!("{}\n", f.display()))
        .collect();
    assert_eq!(String::from_utf8(out).unwrap(), want);
}
