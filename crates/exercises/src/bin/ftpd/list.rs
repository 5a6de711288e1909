//! Directory listings as clients parse them: LIST as `ls -l` prints it,
//! NLST names only, MLSD and MLST as RFC 3659 facts; and MDTM's time.

use std::ffi::OsStr;
use std::fs::{File, Metadata};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use rustix::fs::Dir;

use crate::paths::Root;

/// What a listing is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Style {
    /// LIST: `-rw-r--r--    1 ftp      ftp          1234 Mar 06 13:47 name`.
    Long,
    /// NLST: `name`.
    Names,
    /// MLSD: `type=file;size=1234;modify=20260306134700;perm=r;unix.mode=0644; name`,
    /// the permissions those of a session that may write or not.
    Facts {
        /// Whether the session may write.
        write: bool,
    },
}

/// Writes the listing of `virt`, opened as `opened` (a directory, or one
/// file) with `meta`, to `out`, each line ended by CRLF. Each entry is
/// looked up through the root as a client's path would be, and shown as
/// what it leads to; a symlink that leads outside the root, or nowhere, is
/// left out. A name with a CR or LF in it, which would break the listing's
/// lines, is left out too.
pub fn write(
    root: &Root,
    virt: &Path,
    opened: File,
    meta: &Metadata,
    style: Style,
    out: &mut impl Write,
) -> io::Result<()> {
    let now = SystemTime::now();
    if !meta.is_dir() {
        let name = virt.file_name().map(OsStrExt::as_bytes).unwrap_or(b"");
        return entry(name, meta, style, now, out);
    }
    let mut names: Vec<Vec<u8>> = Dir::new(opened)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_bytes().to_vec())
        .filter(|name| name != b"." && name != b"..")
        .collect();
    names.sort();
    for name in names {
        if name.iter().any(|&b| b == b'\r' || b == b'\n') {
            continue;
        }
        if let Ok(meta) = root.metadata(&virt.join(OsStr::from_bytes(&name))) {
            entry(&name, &meta, style, now, out)?;
        }
    }
    Ok(())
}

/// One line of a listing.
fn entry(
    name: &[u8],
    meta: &Metadata,
    style: Style,
    now: SystemTime,
    out: &mut impl Write,
) -> io::Result<()> {
    match style {
        Style::Names => {}
        Style::Long => {
            let mode = mode_string(meta);
            let size = meta.len();
            let nlink = meta.nlink();
            let date = ls_date(meta.modified().unwrap_or(now), now);
            write!(
                out,
                "{mode} {nlink:>4} ftp      ftp      {size:>12} {date} "
            )?;
        }
        Style::Facts { write } => out.write_all(facts(meta, write).as_bytes())?,
    }
    out.write_all(name)?;
    out.write_all(b"\r\n")
}

/// The RFC 3659 facts of `meta`, followed by the space before the name:
/// `type=file;size=1234;modify=20260306134700;perm=r;unix.mode=0644; `.
pub fn facts(meta: &Metadata, write: bool) -> String {
    let (kind, perm) = match (meta.is_dir(), write) {
        (true, false) => ("dir", "el"),
        (true, true) => ("dir", "elcmpdf"),
        (false, false) => ("file", "r"),
        (false, true) => ("file", "radfw"),
    };
    let modify = mdtm(meta).unwrap_or_default();
    let mode = meta.permissions().mode() & 0o7777;
    let size = meta.len();
    format!("type={kind};size={size};modify={modify};perm={perm};unix.mode={mode:04o}; ")
}

/// MDTM's `YYYYMMDDHHMMSS`, in UTC.
pub fn mdtm(meta: &Metadata) -> Option<String> {
    let ts = Timestamp::try_from(meta.modified().ok()?).ok()?;
    Some(ts.strftime("%Y%m%d%H%M%S").to_string())
}

/// `drwxr-xr-x`, as `ls -l` shows the type and permissions.
fn mode_string(meta: &Metadata) -> String {
    let kind = meta.file_type();
    let mut text = String::with_capacity(10);
    text.push(match () {
        () if kind.is_dir() => 'd',
        () if kind.is_fifo() => 'p',
        () if kind.is_socket() => 's',
        () if kind.is_char_device() => 'c',
        () if kind.is_block_device() => 'b',
        () => '-',
    });
    let mode = meta.permissions().mode();
    for shift in [6, 3, 0] {
        let bits = mode >> shift;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    text
}

/// `Mar 06 13:47` for a time within half a year of now, else
/// `Mar 06  2024`, as `ls -l` shows it (in UTC, as vsftpd does).
fn ls_date(time: SystemTime, now: SystemTime) -> String {
    let half_year = Duration::from_secs(182 * 24 * 3600);
    let recent = match now.duration_since(time) {
        Ok(ago) => ago < half_year,
        Err(ahead) => ahead.duration() < Duration::from_secs(3600),
    };
    let Ok(ts) = Timestamp::try_from(time) else {
        return "Jan 01  1970".to_string();
    };
    let format = if recent { "%b %d %H:%M" } else { "%b %d  %Y" };
    ts.strftime(format).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_ls_shows_them() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_804_820); // 2026-03-06 13:47 UTC
        assert_eq!(ls_date(now, now), "Mar 06 13:47");
        let old = now - Duration::from_secs(400 * 24 * 3600);
        assert_eq!(ls_date(old, now), "Jan 30  2025");
    }
}
