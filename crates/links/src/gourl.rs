//! Go's `net/url`, as much of it as `links.Extract` uses: `Parse`,
//! `ResolveReference` and `String`, on bytes, as Go's strings are.
//!
//! Why not the `url` crate: it follows the WHATWG URL standard, which
//! strips spaces, reads `\` as `/`, drops default ports, gives `/` to an
//! empty path and leaves `|` unescaped; Go's `net/url` follows RFC 3986 and
//! escapes what it must on output. The crawlers print Go's URLs, so this
//! is a port of Go's code (its names kept), not of the standard.

use std::fmt::Write as _;

/// A parsed URL, Go's `url.URL`: `Path` and `Fragment` unescaped, with
/// the escaping they came with in `raw_path` and `raw_fragment`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub opaque: Vec<u8>,
    pub user: Option<Userinfo>,
    pub host: Vec<u8>,
    pub path: Vec<u8>,
    raw_path: Vec<u8>,
    omit_host: bool,
    force_query: bool,
    pub raw_query: Vec<u8>,
    fragment: Vec<u8>,
    raw_fragment: Vec<u8>,
}

/// Go's `url.Userinfo`: a user name and, maybe, a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Userinfo {
    username: Vec<u8>,
    password: Option<Vec<u8>>,
}

/// Go's `url.Parse`: the fragment, then the rest.
pub fn parse(raw: &[u8]) -> Result<Url, String> {
    let (u, frag) = cut(raw, b'#');
    let mut url = parse_no_fragment(u)?;
    if let Some(frag) = frag {
        url.set_fragment(frag)?;
    }
    Ok(url)
}

fn parse_no_fragment(raw: &[u8]) -> Result<Url, String> {
    if raw.iter().any(|&b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url::default();
    if raw == b"*" {
        url.path = b"*".to_vec();
        return Ok(url);
    }
    let (scheme, mut rest) = get_scheme(raw)?;
    url.scheme = String::from_utf8_lossy(scheme).to_ascii_lowercase(); // ASCII only
    if rest.ends_with(b"?") && rest.iter().filter(|&&b| b == b'?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let (r, Some(query)) = cut(rest, b'?') {
        rest = r;
        url.raw_query = query.to_vec();
    }
    if !rest.starts_with(b"/") {
        if !url.scheme.is_empty() {
            // We consider rootless paths per RFC 3986 as opaque.
            url.opaque = rest.to_vec();
            return Ok(url);
        }
        if cut(rest, b'/').0.contains(&b':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with(b"///")) && rest.starts_with(b"//") {
        let authority = &rest[2..];
        let i = authority
            .iter()
            .position(|&b| b == b'/')
            .unwrap_or(authority.len());
        (url.user, url.host) = parse_authority(&authority[..i])?;
        rest = &authority[i..];
    } else if !url.scheme.is_empty() && rest.starts_with(b"/") {
        url.omit_host = true;
    }
    url.set_path(rest)?;
    Ok(url)
}

/// The scheme, if `raw` starts with one, and what follows its colon.
fn get_scheme(raw: &[u8]) -> Result<(&[u8], &[u8]), String> {
    for (i, &c) in raw.iter().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".into()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok((b"", raw)), // no valid scheme
        }
    }
    Ok((b"", raw))
}

fn parse_authority(authority: &[u8]) -> Result<(Option<Userinfo>, Vec<u8>), String> {
    let Some(i) = authority.iter().rposition(|&b| b == b'@') else {
        return Ok((None, parse_host(authority)?));
    };
    let host = parse_host(&authority[i + 1..])?;
    let userinfo = &authority[..i];
    if !userinfo
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&c))
    {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match cut(userinfo, b':') {
        (name, None) => Userinfo {
            username: unescape(name, Mode::UserPassword)?,
            password: None,
        },
        (name, Some(password)) => Userinfo {
            username: unescape(name, Mode::UserPassword)?,
            password: Some(unescape(password, Mode::UserPassword)?),
        },
    };
    Ok((Some(user), host))
}

fn parse_host(host: &[u8]) -> Result<Vec<u8>, String> {
    let colon_port = if host.starts_with(b"[") {
        let Some(i) = host.iter().rposition(|&b| b == b']') else {
            return Err("missing ']' in host".into());
        };
        Some(&host[i + 1..])
    } else {
        host.iter().rposition(|&b| b == b':').map(|i| &host[i..])
    };
    if let Some(port) = colon_port {
        let valid =
            port.is_empty() || (port[0] == b':' && port[1..].iter().all(u8::is_ascii_digit));
        if !valid {
            return Err(format!("invalid port {} after host", quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

impl Url {
    fn set_path(&mut self, escaped: &[u8]) -> Result<(), String> {
        self.path = unescape(escaped, Mode::Path)?;
        self.raw_path = if escape(&self.path, Mode::Path) == escaped {
            Vec::new()
        } else {
            escaped.to_vec()
        };
        Ok(())
    }

    fn set_fragment(&mut self, escaped: &[u8]) -> Result<(), String> {
        self.fragment = unescape(escaped, Mode::Fragment)?;
        self.raw_fragment = if escape(&self.fragment, Mode::Fragment) == escaped {
            Vec::new()
        } else {
            escaped.to_vec()
        };
        Ok(())
    }

    /// Go's `EscapedPath`: the path as it came, if that is a valid escaping.
    fn escaped_path(&self) -> Vec<u8> {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path, Mode::Path)
            && unescape(&self.raw_path, Mode::Path).as_ref() == Ok(&self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == b"*" {
            return b"*".to_vec();
        }
        escape(&self.path, Mode::Path)
    }

    fn escaped_fragment(&self) -> Vec<u8> {
        if !self.raw_fragment.is_empty()
            && valid_encoded(&self.raw_fragment, Mode::Fragment)
            && unescape(&self.raw_fragment, Mode::Fragment).as_ref() == Ok(&self.fragment)
        {
            return self.raw_fragment.clone();
        }
        escape(&self.fragment, Mode::Fragment)
    }

    /// Go's `u.Parse(ref)`: `ref` parsed, then resolved against `self`.
    pub fn join(&self, reference: &[u8]) -> Result<Url, String> {
        Ok(self.resolve_reference(&parse(reference)?))
    }

    /// Go's `ResolveReference`, RFC 3986 section 5.2.
    fn resolve_reference(&self, r: &Url) -> Url {
        let mut url = r.clone();
        if r.scheme.is_empty() {
            url.scheme = self.scheme.clone();
        }
        if !r.scheme.is_empty() || !r.host.is_empty() || r.user.is_some() {
            // The "absoluteURI" or "net_path" cases: a valid escaping.
            let _ = url.set_path(&resolve_path(&r.escaped_path(), b""));
            return url;
        }
        if !r.opaque.is_empty() {
            url.user = None;
            url.host.clear();
            url.path.clear();
            return url;
        }
        if r.path.is_empty() && !r.force_query && r.raw_query.is_empty() {
            url.raw_query = self.raw_query.clone();
            if r.fragment.is_empty() {
                url.fragment = self.fragment.clone();
                url.raw_fragment = self.raw_fragment.clone();
            }
        }
        if r.path.is_empty() && !self.opaque.is_empty() {
            url.opaque = self.opaque.clone();
            url.user = None;
            url.host.clear();
            url.path.clear();
            return url;
        }
        // The "abs_path" or "rel_path" cases.
        url.host = self.host.clone();
        url.user = self.user.clone();
        let _ = url.set_path(&resolve_path(&self.escaped_path(), &r.escaped_path()));
        url
    }

    /// Go's `String()`: the URL, escaped as Go escapes it. The query and
    /// an opaque part are written as they came, raw bytes included.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.write(false)
    }

    /// [`Url::to_bytes`] with the password, if any, as `***`: Go's
    /// `stripPassword`, for errors.
    pub fn redacted(&self) -> Vec<u8> {
        self.write(true)
    }

    fn write(&self, hide_password: bool) -> Vec<u8> {
        let mut buf = Vec::new();
        if !self.scheme.is_empty() {
            buf.extend_from_slice(self.scheme.as_bytes());
            buf.push(b':');
        }
        if !self.opaque.is_empty() {
            buf.extend_from_slice(&self.opaque);
        } else {
            let no_authority = self.host.is_empty() && self.user.is_none();
            // Go: no "//" without a scheme or host, nor for an empty host
            // omitted (OmitHost).
            if !(no_authority && (self.scheme.is_empty() || self.omit_host)) {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.extend_from_slice(b"//");
                }
                if let Some(user) = &self.user {
                    buf.extend(escape(&user.username, Mode::UserPassword));
                    if let Some(password) = &user.password {
                        buf.push(b':');
                        match hide_password {
                            true => buf.extend_from_slice(b"***"),
                            false => buf.extend(escape(password, Mode::UserPassword)),
                        }
                    }
                    buf.push(b'@');
                }
                buf.extend(escape(&self.host, Mode::Host));
            }
            let path = self.escaped_path();
            if !path.is_empty() && path[0] != b'/' && !self.host.is_empty() {
                buf.push(b'/');
            }
            if buf.is_empty() && cut(&path, b'/').0.contains(&b':') {
                buf.extend_from_slice(b"./"); // RFC 3986 section 4.2
            }
            buf.extend(path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push(b'?');
            buf.extend_from_slice(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push(b'#');
            buf.extend(self.escaped_fragment());
        }
        buf
    }

    /// Go's `RequestURI`: the path and query a request line carries.
    pub fn request_uri(&self) -> Vec<u8> {
        let mut uri = if !self.opaque.is_empty() {
            self.opaque.clone()
        } else {
            self.escaped_path()
        };
        if uri.is_empty() {
            uri = b"/".to_vec();
        }
        if self.force_query || !self.raw_query.is_empty() {
            uri.push(b'?');
            uri.extend_from_slice(&self.raw_query);
        }
        uri
    }
}

/// Go's `resolvePath`: `reference` against `base`, dot segments removed.
fn resolve_path(base: &[u8], reference: &[u8]) -> Vec<u8> {
    let full = if reference.is_empty() {
        base.to_vec()
    } else if reference[0] != b'/' {
        let i = base.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
        [&base[..i], reference].concat()
    } else {
        reference.to_vec()
    };
    if full.is_empty() {
        return full;
    }
    let mut dst = vec![b'/'];
    let mut first = true;
    let mut elem: &[u8] = b"";
    for e in full.split(|&b| b == b'/') {
        elem = e;
        if elem == b"." {
            first = false;
        } else if elem == b".." {
            let str = &dst[1..];
            match str.iter().rposition(|&b| b == b'/') {
                None => {
                    dst = vec![b'/'];
                    first = true;
                }
                Some(index) => dst = [b"/", &str[..index]].concat(),
            }
        } else {
            if !first {
                dst.push(b'/');
            }
            dst.extend_from_slice(elem);
            first = false;
        }
    }
    if elem == b"." || elem == b".." {
        dst.push(b'/');
    }
    if dst.len() > 1 && dst[1] == b'/' {
        dst.remove(0);
    }
    dst
}

/// Which part of a URL is escaped: Go's `encoding` modes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host => true,
            };
        }
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

/// Go's `unescape`: `%XX` decoded; a bad escape is an error.
fn unescape(s: &[u8], mode: Mode) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                let (Some(hi), Some(lo)) = (hex(s.get(i + 1)), hex(s.get(i + 2))) else {
                    let bad = &s[i..s.len().min(i + 3)];
                    return Err(format!("invalid URL escape {}", quote(bad)));
                };
                if mode == Mode::Host && hi < 8 && &s[i..i + 3] != b"%25" {
                    return Err(format!("invalid URL escape {}", quote(&s[i..i + 3])));
                }
                out.push(hi << 4 | lo);
                i += 3;
            }
            c => {
                if mode == Mode::Host && c < 0x80 && should_escape(c, mode) {
                    return Err(format!("invalid character {} in host name", quote(&[c])));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn hex(c: Option<&u8>) -> Option<u8> {
    (*c? as char).to_digit(16).map(|d| d as u8)
}

/// Go's `escape`: every byte [`should_escape`] says, as `%XX`.
fn escape(s: &[u8], mode: Mode) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &c in s {
        if should_escape(c, mode) {
            out.extend_from_slice(format!("%{c:02X}").as_bytes());
        } else {
            out.push(c);
        }
    }
    out
}

/// Go's `validEncoded`: whether `s` is an escaping Go would keep as given.
fn valid_encoded(s: &[u8], mode: Mode) -> bool {
    s.iter()
        .all(|&c| b"!$&'()*+,;=:@[]%".contains(&c) || !should_escape(c, mode))
}

/// `s` split at the first `sep`, as Go's `strings.Cut`.
fn cut(s: &[u8], sep: u8) -> (&[u8], Option<&[u8]>) {
    match s.iter().position(|&b| b == sep) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

/// Go's `%q` of a string of bytes, as its error messages quote.
pub fn quote(s: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `reference` resolved against `base`, as Go's `String()` writes it.
    fn join(base: &str, reference: &[u8]) -> Result<String, String> {
        let base = parse(base.as_bytes())?;
        let url = base.join(reference)?;
        Ok(String::from_utf8_lossy(&url.to_bytes()).into_owned())
    }

    const B: &str = "http://127.0.0.1:8000/weird.html";

    /// Each as Go's crawl2 printed it on the same page.
    #[test]
    fn as_go_resolves_and_writes() {
        for (href, want) in [
            (&b"back\\slash"[..], "http://127.0.0.1:8000/back%5Cslash"),
            (b"pipe|x", "http://127.0.0.1:8000/pipe%7Cx"),
            (b"?q=a b", "http://127.0.0.1:8000/weird.html?q=a b"),
            (b" c.txt ", "http://127.0.0.1:8000/%20c.txt%20"),
            (
                b"a{b}c^d`e.html",
                "http://127.0.0.1:8000/a%7Bb%7Dc%5Ed%60e.html",
            ),
            (b"#fr ag|x", "http://127.0.0.1:8000/weird.html#fr%20ag%7Cx"),
            (b"//host.invalid:80/p", "http://host.invalid:80/p"),
            (
                b"HTTP://127.0.0.1:8000/Up.html",
                "http://127.0.0.1:8000/Up.html",
            ),
            (b"/a/./b/../c.html", "http://127.0.0.1:8000/a/c.html"),
            (
                b"http://user@127.0.0.1:8000/u.html",
                "http://user@127.0.0.1:8000/u.html",
            ),
            (
                b"q.html?a=%41&b=x",
                "http://127.0.0.1:8000/q.html?a=%41&b=x",
            ),
            (b"caf%C3%A9.html", "http://127.0.0.1:8000/caf%C3%A9.html"),
            (b"caf\xe9.html", "http://127.0.0.1:8000/caf%E9.html"),
            (
                b"http://127.0.0.1:0080/zero.html",
                "http://127.0.0.1:0080/zero.html",
            ),
            (b"http://127.0.0.1:8000", "http://127.0.0.1:8000"),
            (b"http://127.0.0.1:8000#top", "http://127.0.0.1:8000#top"),
            (b"http://127.0.0.1:99999/", "http://127.0.0.1:99999/"),
            (b"mailto:x@y.z", "mailto:x@y.z"),
            (b"../../../x", "http://127.0.0.1:8000/x"),
            (b"a(b)!.html", "http://127.0.0.1:8000/a(b)!.html"),
            (b"", "http://127.0.0.1:8000/weird.html"),
        ] {
            assert_eq!(join(B, href).as_deref(), Ok(want), "{}", quote(href));
        }
    }

    #[test]
    fn what_go_refuses() {
        for (href, err) in [
            (&b"%zz.html"[..], r#"invalid URL escape "%zz""#),
            (b"x\t\ny.html", "net/url: invalid control character in URL"),
            (b"http://[::1", "missing ']' in host"),
            (b"http://a b/", r#"invalid character " " in host name"#),
            (b"http://h:8x/", r#"invalid port ":8x" after host"#),
            (b"1a:b/c", "first path segment in URL cannot contain colon"),
            (b":x", "missing protocol scheme"),
        ] {
            assert_eq!(join(B, href), Err(err.to_string()), "{}", quote(href));
        }
    }

    #[test]
    fn request_uri() {
        let url = parse(b"http://h").unwrap();
        assert_eq!(url.request_uri(), b"/");
        let url = parse(b"http://h/a%20b?q=a b#f").unwrap();
        assert_eq!(url.request_uri(), b"/a%20b?q=a b");
    }
}
