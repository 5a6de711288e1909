//! `bench mirror`: exercise 8.7's mirror against `wget --mirror`.
//!
//! It serves a generated site (`testkit::mirror_site::generated`) of PAGES
//! (default 200) pages, each using an image, a stylesheet and a script,
//! every answer 50 ms late, on a loopback port. In turns, ROUNDS (default
//! 3) times, each into a new folder: the mirror (its 20 fetches at once),
//! `wget --mirror --convert-links --adjust-extension --page-requisites`
//! (one fetch at a time), and crawl2 over the same site for its pages a
//! second (crawl2 fetches each URL with a fragment again, and no images).
//! The mirror and wget must save the same set of files; the goal is the
//! mirror at least 4× faster than wget, medians compared.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use clap::Args;
use testkit::mirror_site::{self, MirrorSite};

use crate::procs::{self, Bins};
use crate::stats::{Turns, alternate, median, ratio, spread};

/// What `bench mirror` takes.
#[derive(Args, Debug, Clone)]
pub struct MirrorArgs {
    /// How many pages the generated site has (each 50 ms late)
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    pub pages: u64,

    /// Rounds of the cases, in turns; the medians count
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
}

/// The goal: the mirror at least this many times faster than wget.
const GOAL: f64 = 4.0;

/// Mirrors the site with each case and prints the times, the URLs a second
/// and the ratio; `Ok(false)` if the goal is missed.
pub fn run(bins: &Bins, args: &MirrorArgs) -> Result<bool, String> {
    let mirror = bins.path("mirror")?;
    let crawl2 = bins.path("crawl2")?;
    let wget = which("wget").ok_or("wget is not installed: apt-get install -y wget")?;
    let pages = args.pages as usize;
    let site = MirrorSite::serve("127.0.0.1", Duration::from_millis(50), |_| {
        mirror_site::generated(pages)
    });
    let start = site.url("/");
    let host_port = start.trim_start_matches("http://").trim_end_matches('/');
    let scratch = tempfile::tempdir().map_err(|err| format!("a scratch folder: {err}"))?;
    let names = [
        "mirror (20 at once)",
        "wget --mirror (1 at a time)",
        "crawl2 (20 at once)",
    ];
    let mut files: [Option<BTreeSet<String>>; 2] = [None, None];
    let runs = alternate(
        args.rounds as usize,
        names.len(),
        Turns::Rotated,
        |case, round| {
            let folder = scratch.path().join(format!("{case}-{round}"));
            let (time, out) = match case {
                0 => procs::run_timed(Command::new(&mirror).arg("--out").arg(&folder).arg(&start))?,
                1 => procs::run_timed(
                    Command::new(&wget)
                        .args(["--mirror", "--convert-links", "--adjust-extension"])
                        .args(["--page-requisites", "--quiet", "--directory-prefix"])
                        .arg(&folder)
                        .arg(&start),
                )?,
                _ => procs::run_timed(Command::new(&crawl2).arg(&start))?,
            };
            let urls = String::from_utf8_lossy(&out).lines().count();
            if case < 2 {
                let root = if case == 0 {
                    folder.clone()
                } else {
                    folder.join(host_port)
                };
                let saved = tree(&root)?;
                match &files[case] {
                    Some(before) if *before != saved => {
                        return Err(format!("{}: another set of files than before", names[case]));
                    }
                    _ => files[case] = Some(saved),
                }
            }
            let _ = std::fs::remove_dir_all(&folder);
            Ok::<_, String>((time, urls))
        },
    )?;
    let [Some(ours), Some(wgets)] = &files else {
        return Err("no run".into());
    };
    if ours != wgets {
        let only_ours: Vec<_> = ours.difference(wgets).take(5).collect();
        let only_wget: Vec<_> = wgets.difference(ours).take(5).collect();
        return Err(format!(
            "mirror and wget saved different files: only mirror {only_ours:?}, only wget {only_wget:?}"
        ));
    }
    println!(
        "\nA site of {pages} pages and {} files in all, each answered after 50 ms; median of {} rounds",
        ours.len(),
        args.rounds
    );
    let medians: Vec<Duration> = runs
        .iter()
        .map(|runs| median(&runs.iter().map(|r| r.0).collect::<Vec<_>>()))
        .collect();
    for (case, runs) in runs.iter().enumerate() {
        let times: Vec<Duration> = runs.iter().map(|r| r.0).collect();
        // wget prints nothing: it fetches what the mirror fetches.
        let urls = if case == 1 { ours.len() } else { runs[0].1 };
        println!(
            "  {:<28} {:<28} {:>5} URLs {:>7.1} URLs/s",
            names[case],
            spread(&times),
            urls,
            urls as f64 / medians[case].as_secs_f64()
        );
    }
    let faster = ratio(medians[1], medians[0]);
    let met = faster >= GOAL;
    println!(
        "  the mirror is {faster:.1}x as fast as wget, the same {} files (goal: at least {GOAL}x): {}",
        ours.len(),
        if met { "met" } else { "MISSED" }
    );
    Ok(met)
}

/// The files under `dir`, by path relative to it.
fn tree(dir: &Path) -> Result<BTreeSet<String>, String> {
    let mut files = BTreeSet::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|err| format!("{}: {err}", folder.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(name) = path.strip_prefix(dir) {
                files.insert(name.to_string_lossy().into_owned());
            }
        }
    }
    Ok(files)
}

/// The path of `program` on `$PATH`.
fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}
