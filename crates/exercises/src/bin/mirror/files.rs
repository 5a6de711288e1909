//! Where a URL is saved, and saving it there, never outside `--out`.
//!
//! A URL's path becomes folders and a file: each segment percent-decoded,
//! then made a plain name, which can hold no `/` and never be `.`, `..` or
//! empty. In a name `%` `/` `\` `@`, control bytes and bytes that are not
//! UTF-8 are written `%XX`, so that no two segments give one name, and
//! `@` stands only before a query: `/docs/` is `docs/index.html`,
//! `/page?q=1` is `page@q=1.html` (an HTML page's name ends in `.html`, as
//! `wget --adjust-extension` makes it). A name longer than the file
//! system's 255 bytes keeps its start and gets a hash of the whole. So
//! every path made here is inside `--out`; [`write`] checks it again on
//! the disk, and writes to a temporary file first, then renames it.

use std::fs;
use std::hash::Hasher;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use url::Url;

/// The longest file name Linux's file systems take, in bytes (`NAME_MAX`).
const NAME_MAX: usize = 255;

/// Where a URL was saved under `--out`, and what its links resolve against.
pub struct Saved {
    /// The file, relative to `--out`.
    pub path: PathBuf,
    /// The URL of the page after redirects: its links are relative to it.
    pub base: Url,
    /// Whether it is an HTML page, whose links are rewritten.
    pub html: bool,
}

/// The folder wget would make for `url`: its host, and `:port` unless
/// the port is the scheme's own (`127.0.0.1:8080`, `gopl.io`).
pub fn default_out(url: &Url) -> PathBuf {
    let host = url.host_str().unwrap_or("localhost");
    match url.port() {
        Some(port) => PathBuf::from(format!("{host}:{port}")),
        None => PathBuf::from(host),
    }
}

/// The file `url` is saved in, relative to `--out`; `html` if it is a page.
pub fn local_path(url: &Url, html: bool) -> PathBuf {
    // The url crate has already resolved `.`, `..` and their %2e forms,
    // and made every `\` a `/`.
    let mut segments: Vec<&str> = url.path().split('/').collect();
    let last = segments.pop().unwrap_or_default();
    let mut path = PathBuf::new();
    for segment in segments {
        let name = name_of(segment);
        if !name.is_empty() {
            path.push(shorten(name, ""));
        }
    }
    let mut file = match name_of(last) {
        name if name.is_empty() => "index.html".to_string(),
        name => name,
    };
    if let Some(query) = url.query() {
        file.push('@');
        escape_into(&mut file, query.as_bytes());
    }
    let ends_html =
        file.to_ascii_lowercase().ends_with(".html") || file.to_ascii_lowercase().ends_with(".htm");
    if html && !ends_html {
        file.push_str(".html");
    }
    let extension = if html { ".html" } else { "" };
    path.push(shorten(file, extension));
    path
}

/// A path segment of a URL, percent-decoded, as a plain file name: empty
/// for an empty segment, `%2E` and `%2E%2E` for `.` and `..`.
fn name_of(segment: &str) -> String {
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(segment).collect();
    match &bytes[..] {
        b"." => "%2E".into(),
        b".." => "%2E%2E".into(),
        _ => {
            let mut name = String::new();
            escape_into(&mut name, &bytes);
            name
        }
    }
}

/// Appends `bytes` to `name`, each byte that may not stand in a name
/// written `%XX`: `%` `/` `\` `@`, control characters, and bytes that are
/// not UTF-8. (A query is not decoded: `?q=a%2Fb` and `?q=a/b` differ.)
fn escape_into(name: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if matches!(c, '%' | '/' | '\\' | '@') || c.is_control() {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    name.push_str(&format!("%{b:02X}"));
                }
            } else {
                name.push(c);
            }
        }
        for b in chunk.invalid() {
            name.push_str(&format!("%{b:02X}"));
        }
    }
}

/// `name` if it fits in `NAME_MAX` bytes; else its start, `-`, a hash of
/// the whole name and `extension`, in `NAME_MAX` bytes.
fn shorten(name: String, extension: &str) -> String {
    if name.len() <= NAME_MAX {
        return name;
    }
    let mut hasher = siphasher::sip128::SipHasher13::new();
    hasher.write(name.as_bytes());
    let hash = format!(
        "{:032x}",
        siphasher::sip128::Hasher128::finish128(&hasher).as_u128()
    );
    let mut keep = NAME_MAX - 1 - hash.len() - extension.len();
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}-{hash}{extension}", &name[..keep])
}

/// Writes `body` to `path` (relative to `out`, made by [`local_path`]):
/// to a temporary file in the same folder, then renamed, so the file is
/// always whole. Refuses a path that would lead outside `out`.
pub fn write(out: &Path, path: &Path, body: &[u8]) -> io::Result<()> {
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(io::Error::other(format!(
            "{} is not a plain path",
            path.display()
        )));
    }
    let file = out.join(path);
    let folder = file.parent().unwrap_or(out);
    fs::create_dir_all(folder)?;
    // No folder on the way may be a link that leads out (we make none).
    if !folder.canonicalize()?.starts_with(out.canonicalize()?) {
        return Err(io::Error::other(format!(
            "{} leads outside {}",
            folder.display(),
            out.display()
        )));
    }
    // `%m` is never in a name made by local_path: no clash with a page.
    let mut temp = tempfile::Builder::new()
        .prefix("%mirror-")
        .permissions(fs::Permissions::from_mode(0o644))
        .tempfile_in(folder)?;
    temp.write_all(body)?;
    temp.persist(&file).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(url: &str, html: bool) -> String {
        let url = Url::parse(url).unwrap();
        local_path(&url, html).to_str().unwrap().to_string()
    }

    #[test]
    fn names() {
        let at = |p: &str| path(&format!("http://h{p}"), true);
        assert_eq!(at("/"), "index.html");
        assert_eq!(at("/docs/"), "docs/index.html");
        assert_eq!(at("/docs"), "docs.html");
        assert_eq!(at("/a.html?q=1"), "a.html@q=1.html");
        assert_eq!(at("/a.html?q=a/b"), "a.html@q=a%2Fb.html");
        assert_eq!(at("/a.html?q=a%2Fb"), "a.html@q=a%252Fb.html");
        assert_eq!(at("/a@q=1"), "a%40q=1.html");
        assert_eq!(at("/caf%C3%A9.html"), "café.html");
        assert_eq!(at("/%2e%2e/%2e%2e/x.html"), "x.html");
        assert_eq!(at("/..%2F..%2Fx.html"), "..%2F..%2Fx.html");
        assert_eq!(at("/a%5C..%5Cx.html"), "a%5C..%5Cx.html");
        assert_eq!(at("/a\\..\\..\\x.html"), "x.html");
        assert_eq!(at("/%ff.html"), "%FF.html");
        assert_eq!(path("http://h/s.css", false), "s.css");
        let long = at(&format!("/{}.html", "é".repeat(200)));
        assert!(long.len() <= 255 && long.len() > 250, "{long}");
        assert!(long.ends_with(".html"));
    }
}
