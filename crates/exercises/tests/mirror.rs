//! Exercise 8.7: mirror saves every page of one site and what the pages
//! use, asks nothing of any other host, writes nothing outside `--out`,
//! and rewrites the saved pages' links so that the copy browses offline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::mirror_site::{self, Answer, MirrorSite, html};
use testkit::{PATIENCE, Program};
use url::Url;

const MIRROR: &str = env!("CARGO_BIN_EXE_mirror");

/// Runs mirror to the end; returns its status, the URLs it printed (each
/// once) and its standard error.
fn mirror(args: &[&str]) -> (Option<i32>, BTreeSet<String>, String) {
    let (status, out, err) = Program::start(MIRROR, args).finish();
    assert!(!err.contains("panicked"), "{err}");
    let mut urls = BTreeSet::new();
    for line in String::from_utf8(out).unwrap().lines() {
        assert!(urls.insert(line.to_string()), "printed twice: {line}");
    }
    (status.code(), urls, err)
}

/// Every file under `dir`, by path relative to it, with its contents.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// The values of the `href` and `src` attributes of `html`, entities decoded.
fn links_in(html: &[u8]) -> Vec<String> {
    let mut links = Vec::new();
    let handler = lol_html::element!("*", |el| {
        for attr in ["href", "src"] {
            if let Some(value) = el.get_attribute(attr) {
                links.push(html_escape::decode_html_entities(&value).into_owned());
            }
        }
        Ok(())
    });
    let settings = lol_html::Settings::new().append_element_content_handler(handler);
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html).unwrap();
    rewriter.end().unwrap();
    links
}

/// A 2×2 PNG.
fn png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(2, 2)
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

/// The start page of [`site`]: every kind of link, and a script that
/// writes into the page what a browser made of its image and a link.
const INDEX: &str = r##"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Test site</title>
<link rel="stylesheet" href="style.css">
<script src="/js/app.js"></script>
</head><body id="top">
<img id="logo" src="/img/logo.png" alt="logo">
<p><a id="docs" href="docs/">docs</a> <a href="page.html?q=1&amp;r=2">q1</a>
<a href="page.html?q=a/b">q2</a> <a href='page.html'>plain</a>
<a href="caf%C3%A9.html#menu">café</a> <a href="old.html">moved</a>
<a href="missing.html">missing</a> <a href="#top">top</a>
<a href="mailto:x@y.z">mail</a> <a href="to-other.html">moved away</a>
<a href="{other}/away.html">elsewhere</a> <img src="{other}/away.png">
<script src="{other}/away.js"></script></p>
<script>
window.addEventListener("load", () => {
  const img = document.getElementById("logo");
  const a = document.getElementById("docs");
  document.body.dataset.seen = `img=${img.naturalWidth} src=${img.src} href=${a.href}`;
});
</script>
</body></html>
"##;

/// What [`site`] saves: URL path → file.
const SAVED: [(&str, &str); 12] = [
    ("/", "index.html"),
    ("/style.css", "style.css"),
    ("/js/app.js", "js/app.js"),
    ("/img/logo.png", "img/logo.png"),
    ("/docs/", "docs/index.html"),
    ("/docs/intro.html", "docs/intro.html"),
    ("/page.html?q=1&r=2", "page.html@q=1&r=2.html"),
    ("/page.html?q=a/b", "page.html@q=a%2Fb.html"),
    ("/page.html", "page.html"),
    ("/caf%C3%A9.html", "café.html"),
    ("/old.html", "old.html"),
    ("/new/next.html", "new/next.html"),
];

/// A site on 127.0.0.1 with all that [`SAVED`] holds, a 404, a redirect
/// within it and one to `other`, and links to `other`.
fn site(other: &MirrorSite) -> MirrorSite {
    let other = other.url("");
    MirrorSite::serve("127.0.0.1", Duration::ZERO, move |_| {
        let page = |text: &str| {
            html(&format!(
                "<!DOCTYPE html>\n<html><body>{text}</body></html>\n"
            ))
        };
        vec![
            ("/".into(), html(&INDEX.replace("{other}", &other))),
            (
                "/style.css".into(),
                Answer::Body("text/css", b"img { border: 1px solid; }\n".to_vec()),
            ),
            (
                "/js/app.js".into(),
                Answer::Body("text/javascript", b"var app = 1;\n".to_vec()),
            ),
            ("/img/logo.png".into(), Answer::Body("image/png", png())),
            (
                "/docs/".into(),
                page(r#"<a href="intro.html">intro</a> <a href="../">home</a>"#),
            ),
            (
                "/docs/intro.html".into(),
                page(r#"<a href="/">home</a> <a href="./">docs</a>"#),
            ),
            ("/page.html?q=1&r=2".into(), page("query one")),
            ("/page.html?q=a/b".into(), page("query two")),
            ("/page.html".into(), page("no query")),
            (
                "/caf%C3%A9.html".into(),
                page(r#"<p id="menu">menu</p><a href="café.html#menu">me</a>"#),
            ),
            (
                "/old.html".into(),
                Answer::Redirect("/new/landing.html".into()),
            ),
            (
                "/new/landing.html".into(),
                page(r#"<a href="next.html">next</a>"#),
            ),
            (
                "/new/next.html".into(),
                page(r#"<a href="../old.html">back</a>"#),
            ),
            (
                "/to-other.html".into(),
                Answer::Redirect(format!("{other}/landed.html")),
            ),
        ]
    })
}

/// The other host: answers everything, so that a request would succeed.
fn other_host() -> MirrorSite {
    MirrorSite::serve("127.0.0.2", Duration::ZERO, |_| {
        vec![("*".into(), html("<a href=\"/more.html\">more</a>"))]
    })
}

/// Mirrors [`site`] into a new folder; returns the folder (kept while
/// the `TempDir` lives), the two sites and what mirror said.
struct Mirrored {
    scratch: tempfile::TempDir,
    out: PathBuf,
    site: MirrorSite,
    other: MirrorSite,
    urls: BTreeSet<String>,
    err: String,
}

fn mirror_site() -> Mirrored {
    let other = other_host();
    let site = site(&other);
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("copy");
    let (status, urls, err) = mirror(&["--out", out.to_str().unwrap(), &site.url("/")]);
    assert_eq!(status, Some(0), "{err}");
    Mirrored {
        scratch,
        out,
        site,
        other,
        urls,
        err,
    }
}

#[test]
fn saves_the_site_and_what_its_pages_use_and_nothing_of_other_hosts() {
    let m = mirror_site();
    let want: BTreeSet<String> = SAVED.iter().map(|(url, _)| m.site.url(url)).collect();
    assert_eq!(m.urls, want, "{}", m.err);
    let files: BTreeSet<String> = tree(&m.out).into_keys().collect();
    let want: BTreeSet<String> = SAVED.iter().map(|(_, file)| file.to_string()).collect();
    assert_eq!(files, want);
    assert_eq!(m.other.requests(), 0, "{:?}", m.other.targets());
    assert_eq!(
        m.site.targets().len(),
        m.site.targets().iter().collect::<BTreeSet<_>>().len()
    );
    // A redirect is saved under the name linked, with the page it led to.
    let old = std::fs::read_to_string(m.out.join("old.html")).unwrap();
    assert!(old.contains("next</a>"), "{old}");
    let queries = std::fs::read_to_string(m.out.join("page.html@q=a%2Fb.html")).unwrap();
    assert!(queries.contains("query two"));
    // Errors in Go's words, one a line.
    let missing = format!("getting {}: 404 Not Found", m.site.url("/missing.html"));
    let away = format!(
        "Get \"{}\": redirect to another site not followed",
        m.site.url("/to-other.html")
    );
    for want in [missing, away] {
        assert!(
            m.err
                .lines()
                .any(|l| testkit::cli::go_log_message(&format!("{l}\n")).starts_with(&want)),
            "{want} in {}",
            m.err
        );
    }
}

#[test]
fn links_become_relative_to_the_saved_files_and_resolve() {
    let m = mirror_site();
    let index = std::fs::read(m.out.join("index.html")).unwrap();
    let links = links_in(&index);
    let other = m.other.url("");
    let expect = [
        "style.css",
        "js/app.js",
        "img/logo.png",
        "docs/index.html",
        "page.html@q=1%26r=2.html",
        "page.html@q=a%252Fb.html",
        "page.html",
        "caf%C3%A9.html#menu",
        "old.html",
        "#top",
        "mailto:x@y.z",
    ];
    for want in expect {
        assert!(links.iter().any(|l| l == want), "{want} in {links:?}");
    }
    // Failed pages are absolute, to the original; other hosts as they were.
    for want in [
        m.site.url("/missing.html"),
        m.site.url("/to-other.html"),
        format!("{other}/away.html"),
        format!("{other}/away.png"),
    ] {
        assert!(links.contains(&want), "{want} in {links:?}");
    }
    // All but the rewritten attributes is as served, byte for byte.
    let served = INDEX.replace("{other}", &other);
    let kept = |text: &str| {
        text.lines()
            .filter(|l| !l.contains("href") && !l.contains("src="))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kept(&String::from_utf8(index.clone()).unwrap()),
        kept(&served)
    );
    // Every relative link of every saved page leads to a file of the copy.
    let mut checked = 0;
    for (name, body) in tree(&m.out) {
        if !name.ends_with(".html") {
            continue;
        }
        let page = Url::from_file_path(m.out.join(&name)).unwrap();
        for link in links_in(&body) {
            if link.starts_with('#') || link.contains(':') {
                continue;
            }
            let target = page.join(&link).unwrap().to_file_path().unwrap();
            assert!(
                target.is_file(),
                "{link} in {name}: no {}",
                target.display()
            );
            assert!(target.starts_with(&m.out));
            checked += 1;
        }
    }
    assert_eq!(checked, 16, "relative links checked");
    drop(m.scratch);
}

#[test]
fn a_second_run_refreshes_the_copy_into_the_same_tree() {
    let m = mirror_site();
    let first = tree(&m.out);
    let (status, urls, err) = mirror(&["--out", m.out.to_str().unwrap(), &m.site.url("/")]);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(urls, m.urls);
    assert_eq!(tree(&m.out), first, "the second copy differs");
    assert!(
        first.keys().all(|name| !name.contains("%mirror")),
        "a temporary file left"
    );
    assert_eq!(m.other.requests(), 0);
}

#[test]
fn no_name_leads_outside_the_folder() {
    let hrefs = [
        "../../../escape1.html",
        "/%2e%2e/%2e%2e/escape2.html",
        "..%2F..%2Fescape3.html",
        "%2F..%2F..%2Fescape4.html",
        "..\\..\\escape5.html",
        "..%5C..%5Cescape6.html",
        "%2e%2e%2f%2e%2e%2fescape7.html",
        ".%2e/.%2E/escape8.html",
        "redirect.html",
        "%00%0a.html",
        "sub/%2e%2e%2f%2e%2e%2f%2e%2e%2fescape10.html",
    ];
    let long = format!("{}.html", "x".repeat(300));
    let long_dir = format!("{}/deep.html", "é".repeat(200));
    let site = MirrorSite::serve("127.0.0.1", Duration::ZERO, |_| {
        let mut links: String = hrefs
            .iter()
            .map(|h| format!("<a href=\"{h}\">x</a>\n"))
            .collect();
        links.push_str(&format!(
            "<a href=\"{long}\">long</a><a href=\"{long_dir}\">long dir</a>"
        ));
        vec![
            ("/".into(), html(&links)),
            (
                "/redirect.html".into(),
                Answer::Redirect("/../../../escape9.html".into()),
            ),
            ("*".into(), html("<p>a page</p>")),
        ]
    });
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("inside").join("copy");
    let (status, urls, err) = mirror(&["--out", out.to_str().unwrap(), &site.url("/")]);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(
        urls.len(),
        hrefs.len() + 3,
        "every page saved: {urls:?} {err}"
    );
    // Nothing beside the copy, and nothing named escape anywhere above it.
    let all = tree(scratch.path());
    assert!(
        all.keys().all(|name| name.starts_with("inside/copy/")),
        "{:?}",
        all.keys()
    );
    assert_eq!(all.len(), urls.len());
    for dir in [
        scratch.path().to_path_buf(),
        scratch.path().parent().unwrap().to_path_buf(),
        PathBuf::from("/"),
    ] {
        for i in 1..=10 {
            assert!(
                !dir.join(format!("escape{i}.html")).exists(),
                "escape{i}.html in {}",
                dir.display()
            );
        }
    }
    // Each file name fits the file system, and the long ones are told apart.
    for name in all.keys() {
        for part in name.split('/') {
            assert!(part.len() <= 255, "{part}");
        }
    }
    // The links of the start page still resolve, to files inside the copy.
    let index = out.join("index.html");
    let base = Url::from_file_path(&index).unwrap();
    for link in links_in(&std::fs::read(&index).unwrap()) {
        let target = base.join(&link).unwrap().to_file_path().unwrap();
        assert!(
            target.is_file() && target.starts_with(&out),
            "{link}: {}",
            target.display()
        );
    }
}

#[test]
fn at_most_concurrency_requests_in_flight() {
    let site = MirrorSite::serve("127.0.0.1", Duration::from_millis(50), |_| {
        mirror_site::generated(40)
    });
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("copy");
    let (status, urls, err) = mirror(&[
        "--concurrency",
        "3",
        "--out",
        out.to_str().unwrap(),
        &site.url("/"),
    ]);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(urls.len(), 1 + 40 + 10 + 2);
    let most = site.max_in_flight();
    assert!((2..=3).contains(&most), "{most} requests at once");
}

#[test]
fn a_tiny_thread_budget_and_max_pages() {
    let site = MirrorSite::serve("127.0.0.1", Duration::ZERO, |_| mirror_site::generated(30));
    for max in ["1", "2"] {
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("copy");
        let (status, urls, err) = mirror(&[
            "--max-threads",
            max,
            "--out",
            out.to_str().unwrap(),
            &site.url("/"),
        ]);
        assert_eq!(status, Some(0), "{err}");
        assert_eq!(urls.len(), 1 + 30 + 10 + 2, "--max-threads {max}");
    }
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("copy");
    let (status, urls, err) = mirror(&[
        "--max-pages",
        "2",
        "--out",
        out.to_str().unwrap(),
        &site.url("/"),
    ]);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(
        urls,
        BTreeSet::from([site.url("/"), site.url("/page/0.html")])
    );
    // Links to pages not fetched point at the original.
    let page = std::fs::read(out.join("page/0.html")).unwrap();
    let links = links_in(&page);
    assert!(links.contains(&site.url("/page/1.html")), "{links:?}");
    assert!(links.contains(&"../index.html".to_string()), "{links:?}");
}

#[test]
fn a_page_that_never_answers_costs_only_its_timeout() {
    let site = MirrorSite::serve("127.0.0.1", Duration::ZERO, |_| {
        vec![
            (
                "/".into(),
                html("<a href=\"hang.html\">hang</a> <a href=\"a.html\">a</a>"),
            ),
            ("/hang.html".into(), Answer::Hang),
            ("/a.html".into(), html("a")),
        ]
    });
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("copy");
    let start = Instant::now();
    let (status, urls, err) = mirror(&[
        "--timeout",
        "1s",
        "--out",
        out.to_str().unwrap(),
        &site.url("/"),
    ]);
    assert_eq!(status, Some(0), "{err}");
    assert!(start.elapsed() < PATIENCE);
    assert_eq!(urls, BTreeSet::from([site.url("/"), site.url("/a.html")]));
    assert!(
        err.contains(&format!("Get \"{}\": ", site.url("/hang.html"))),
        "{err}"
    );
}

#[test]
fn exit_1_if_the_start_fails_and_nothing_is_left() {
    let site = MirrorSite::serve("127.0.0.1", Duration::ZERO, |_| Vec::new());
    let (_refusing, refused) = testkit::refusing_addr();
    let refused = format!("http://{refused}/");
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("copy");
    for (url, why) in [
        (
            site.url("/"),
            format!("getting {}: 404 Not Found", site.url("/")),
        ),
        (
            refused.clone(),
            format!(
                "Get \"{refused}\": dial tcp {}: connect: connection refused",
                &refused[7..refused.len() - 1]
            ),
        ),
    ] {
        let (status, urls, err) = mirror(&["--out", out.to_str().unwrap(), &url]);
        assert_eq!(status, Some(1), "{err}");
        assert!(urls.is_empty());
        assert_eq!(testkit::cli::go_log_message(&err), why);
        assert!(!out.exists(), "a folder left behind");
    }
    for bad in ["ftp://x/", "not a url"] {
        let (status, _, err) = mirror(&[bad]);
        assert_eq!(status, Some(2), "{err}");
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{err}"
        );
    }
}

#[test]
fn the_default_folder_is_host_and_port_as_wget_names_it() {
    let site = MirrorSite::serve("127.0.0.1", Duration::ZERO, |_| {
        vec![("/".into(), html("hi"))]
    });
    let scratch = tempfile::tempdir().unwrap();
    let status = Command::new(MIRROR)
        .arg(site.url("/"))
        .current_dir(scratch.path())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let host_port = site.url("").trim_start_matches("http://").to_string();
    assert!(scratch.path().join(host_port).join("index.html").is_file());
}

#[test]
fn help_explains_the_flags() {
    let (status, out, _) = Program::start(MIRROR, &["--help"]).finish();
    assert!(status.success());
    let help = String::from_utf8(out).unwrap();
    for flag in [
        "--out",
        "--max-pages",
        "--concurrency",
        "--timeout",
        "--max-threads",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}

/// The copy in a real browser: headless Chromium opens the saved start
/// page from file://, and its script reports what the image and a link
/// resolved to.
#[test]
fn chromium_browses_the_copy_offline() {
    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        println!("skipped: no chromium (apt-get install -y chromium)");
        return;
    };
    let m = mirror_site();
    drop(m.site); // offline now
    let profile = m.scratch.path().join("profile");
    let index = m.out.join("index.html");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--virtual-time-budget=5000")
        .arg("--dump-dom")
        .arg(Url::from_file_path(&index).unwrap().as_str())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = std::io::read_to_string(child.stdout.take().unwrap()).unwrap();
    let seen = dom
        .split("data-seen=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no report in {dom}"));
    let field = |name: &str| {
        seen.split(' ')
            .find_map(|f| f.strip_prefix(name))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(field("img="), "2", "the image did not load: {seen}");
    for (name, want) in [("src=", "img/logo.png"), ("href=", "docs/index.html")] {
        let url = Url::parse(&field(name)).unwrap();
        assert_eq!(url.scheme(), "file", "{seen}");
        let path = url.to_file_path().unwrap();
        assert_eq!(path, m.out.join(want), "{seen}");
        assert!(path.is_file());
    }
}
