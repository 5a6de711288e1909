//! The links of a page, and the same links rewritten to the saved files.
//!
//! Both go through `lol_html`, a streaming rewriter: what the crawl
//! follows is exactly what the rewrite changes, and a rewritten page is
//! the page as served, byte for byte, but for the values of those
//! attributes. The links are `a href` (as `links::extract` follows) and
//! the page's requisites: `img src`, `link href`, `script src`.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path};

use lol_html::{HtmlRewriter, Settings, element};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::{Origin, Url};

use crate::files::{self, Saved};

/// The elements whose attribute is a link to follow and rewrite.
const LINKS: [(&str, &str); 4] = [
    ("a", "href"),
    ("img", "src"),
    ("link", "href"),
    ("script", "src"),
];

/// What stays as it is in a file name written in a relative URL (never
/// `:`, which would make the name's start a scheme).
const NAME: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'@')
    .remove(b'=')
    .remove(b'+')
    .remove(b',')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Calls `change` on the value of each link of `html` (entities and all,
/// as written), and puts what it returns in the value's place.
fn each_link(
    html: &[u8],
    mut change: impl FnMut(&str) -> Option<String>,
) -> Result<Vec<u8>, lol_html::errors::RewritingError> {
    let mut output = Vec::with_capacity(html.len());
    let mut rewriter = HtmlRewriter::new(
        Settings::new().append_element_content_handler(element!("*", |el| {
            let tag = el.tag_name();
            for (name, attr) in LINKS {
                if !tag.eq_ignore_ascii_case(name) {
                    continue;
                }
                let Some(value) = el.get_attribute(attr) else {
                    continue;
                };
                if let Some(new) = change(&value) {
                    el.set_attribute(attr, &new)?;
                }
            }
            Ok(())
        })),
        |chunk: &[u8]| output.extend_from_slice(chunk),
    );
    rewriter.write(html)?;
    rewriter.end()?;
    Ok(output)
}

/// The http and https links of the page `html`, fetched from `base`, made
/// absolute, without their fragments.
pub fn links(html: &[u8], base: &Url) -> Vec<Url> {
    let mut links = Vec::new();
    // A page lol_html gives up on (it never does on bad HTML) has no links.
    let _ = each_link(html, |value| {
        let value = html_escape::decode_html_entities(value);
        if let Ok(mut link) = base.join(&value) {
            if matches!(link.scheme(), "http" | "https") {
                link.set_fragment(None);
                links.push(link);
            }
        }
        None
    });
    links
}

/// Rewrites the links of the saved page `page` (if HTML): a link to a URL
/// of `mirrored` becomes a relative link to its file, fragment kept; any
/// other link within `domain` becomes absolute, to the original; links to
/// other sites, and to a place in the page itself, stay as they are.
pub fn rewrite(
    out: &Path,
    page: &Saved,
    domain: &Origin,
    mirrored: &HashMap<Url, Saved>,
) -> Result<(), String> {
    if !page.html {
        return Ok(());
    }
    let file = out.join(&page.path);
    let failed = |err: String| format!("rewriting the links of {}: {err}", file.display());
    let html = fs::read(&file).map_err(|err| failed(common::go_error(&err)))?;
    let rewritten = each_link(&html, |value| {
        let value = html_escape::decode_html_entities(value);
        if value.trim_start().starts_with('#') {
            return None; // a place in this page
        }
        let mut link = page.base.join(&value).ok()?;
        if link.origin() != *domain {
            return None; // another site, or no site at all (mailto:)
        }
        let fragment = link.fragment().map(str::to_string);
        link.set_fragment(None);
        let new = match mirrored.get(&link) {
            Some(target) => {
                let mut new = relative(&page.path, &target.path);
                if let Some(fragment) = fragment {
                    new = format!("{new}#{fragment}");
                }
                new
            }
            None => {
                link.set_fragment(fragment.as_deref());
                link.to_string() // not saved: the original
            }
        };
        Some(html_escape::encode_double_quoted_attribute(&new).into_owned())
    })
    .map_err(|err| failed(err.to_string()))?;
    if rewritten != html {
        files::write(out, &page.path, &rewritten).map_err(|err| failed(common::go_error(&err)))?;
    }
    Ok(())
}

/// A relative URL from the file `from` to the file `to`, both relative to
/// the same folder.
fn relative(from: &Path, to: &Path) -> String {
    let names = |path: &Path| -> Vec<String> {
        path.components()
            .filter_map(|c| match c {
                Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    };
    let mut from = names(from);
    from.pop(); // its folder
    let to = names(to);
    let (file, to_folder) = to.split_last().expect("a file has a name");
    let common = from
        .iter()
        .zip(to_folder)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts = vec!["..".to_string(); from.len() - common];
    for name in to_folder[common..].iter().chain([file]) {
        parts.push(utf8_percent_encode(name, NAME).to_string());
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        let rel = |a: &str, b: &str| relative(Path::new(a), Path::new(b));
        assert_eq!(rel("index.html", "page/0.html"), "page/0.html");
        assert_eq!(rel("page/0.html", "index.html"), "../index.html");
        assert_eq!(rel("a/b/c.html", "a/d/e.html"), "../d/e.html");
        assert_eq!(rel("a/b.html", "a/b.html"), "b.html");
        assert_eq!(rel("x.html", "p@q=1 %:.html"), "p@q=1%20%25%3A.html");
        assert_eq!(rel("x.html", "café.html"), "caf%C3%A9.html");
    }

    #[test]
    fn rewriting_changes_only_the_links() {
        let page = b"<!doctype html><P class=x>\xe9<a href='a.html#t'>a</a><img src=i.png>";
        let out = each_link(page, |v| Some(format!("{v}!"))).unwrap();
        assert_eq!(
            out,
            b"<!doctype html><P class=x>\xe9<a href=\"a.html#t!\">a</a><img src=\"i.png!\">"
        );
    }
}
