//! One client's session: its state (login, directory, type, pending data
//! connection, REST offset) and a handler per command, each answering
//! with one reply of RFC 959's codes.

use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::net::{IpAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::data::{self, Data, Sent};
use crate::list::{self, Style};
use crate::paths::{self, Entry, Root, Temp};

/// What every session shares: the command line's settings.
#[derive(Debug)]
pub struct Config {
    /// The directory clients see as `/`.
    pub root: Root,
    /// How long a client may be silent, on the control or a data connection.
    pub idle: Duration,
    /// Whether uploads, deletions and renames are allowed (`--write`).
    pub write: bool,
    /// The one account besides anonymous (`--user NAME:PASSWORD`).
    pub user: Option<(String, String)>,
}

/// Every command the server knows, as HELP lists them.
const COMMANDS: &[&str] = &[
    "USER", "PASS", "SYST", "FEAT", "OPTS", "HELP", "NOOP", "QUIT", "PWD", "CWD", "CDUP", "TYPE",
    "MODE", "STRU", "PASV", "EPSV", "PORT", "EPRT", "LIST", "NLST", "MLSD", "MLST", "RETR", "SIZE",
    "MDTM", "REST", "ABOR", "ALLO", "STOR", "APPE", "DELE", "MKD", "RMD", "RNFR", "RNTO",
];

/// The commands a client may give before it has logged in.
const BEFORE_LOGIN: &[&str] = &[
    "USER", "PASS", "SYST", "FEAT", "OPTS", "HELP", "NOOP", "QUIT",
];

/// The commands that change the tree, only with `--write`.
const WRITES: &[&str] = &["STOR", "APPE", "DELE", "MKD", "RMD", "RNFR", "RNTO"];

/// The commands that take an argument, and get 501 without one.
const NEED_ARGUMENT: &[&str] = &[
    "USER", "OPTS", "CWD", "TYPE", "MODE", "STRU", "PORT", "EPRT", "RETR", "SIZE", "MDTM", "REST",
    "STOR", "APPE", "DELE", "MKD", "RMD", "RNFR", "RNTO",
];

/// The commands that may come between REST and the transfer it is for.
const KEEP_REST: &[&str] = &[
    "REST", "PASV", "EPSV", "PORT", "EPRT", "TYPE", "NOOP", "MODE", "STRU",
];

/// What FEAT lists (RFC 2389), one feature a line.
const FEATURES: &[&str] = &[
    "EPRT",
    "EPSV",
    "MDTM",
    "MLST type*;size*;modify*;perm*;unix.mode*;",
    "PASV",
    "REST STREAM",
    "SIZE",
    "TVFS",
    "UTF8",
];

/// Password attempts before the server hangs up.
const MAX_LOGIN_FAILURES: u32 = 3;

/// Whether the session goes on after a command.
#[derive(Debug, PartialEq)]
pub enum Flow {
    /// Read the next command.
    Go,
    /// Close the connection.
    Quit,
}

/// Where the client is in logging in.
#[derive(Debug)]
enum Login {
    Out,
    Named { name: String },
    In { write: bool },
}

/// One client's session.
#[derive(Debug)]
pub struct Session {
    config: Arc<Config>,
    ctrl: TcpStream,
    peer: IpAddr,
    local: IpAddr,
    login: Login,
    failures: u32,
    /// The working directory, as components under the root.
    cwd: PathBuf,
    ascii: bool,
    data: Option<Data>,
    rest: u64,
    /// What RNFR named, as components under the root: RNTO resolves it.
    rename_from: Option<PathBuf>,
    epsv_all: bool,
    /// Whether the last transfer ended at an ABOR, which its reply follows.
    aborted: bool,
}

impl Session {
    /// A session on control connection `conn`.
    pub fn new(conn: &TcpStream, config: Arc<Config>) -> io::Result<Session> {
        Ok(Session {
            config,
            ctrl: conn.try_clone()?,
            peer: conn.peer_addr()?.ip(),
            local: conn.local_addr()?.ip(),
            login: Login::Out,
            failures: 0,
            cwd: PathBuf::new(),
            ascii: true, // RFC 959's default type
            data: None,
            rest: 0,
            rename_from: None,
            epsv_all: false,
            aborted: false,
        })
    }

    /// Sends the one-line reply `code text`. A failed write is not an
    /// error here: the next read finds the connection gone.
    pub fn reply(&mut self, code: u16, text: impl AsRef<[u8]>) {
        let mut line = format!("{code} ").into_bytes();
        line.extend(text.as_ref().iter().map(|&b| match b {
            b'\r' | b'\n' => b'?',
            b => b,
        }));
        line.extend_from_slice(b"\r\n");
        let _ = self.ctrl.write_all(&line);
    }

    /// Sends a multi-line reply: `code-first`, the lines indented, `code last`.
    fn reply_lines(&mut self, code: u16, first: &str, lines: &[&[u8]], last: &str) {
        let mut text = format!("{code}-{first}\r\n").into_bytes();
        for line in lines {
            text.push(b' ');
            text.extend_from_slice(line);
            text.extend_from_slice(b"\r\n");
        }
        text.extend_from_slice(format!("{code} {last}\r\n").as_bytes());
        let _ = self.ctrl.write_all(&text);
    }

    /// Handles one command line (its CRLF gone).
    pub fn command(&mut self, line: &[u8]) -> Flow {
        let line = strip_telnet(line);
        let (verb, arg) = match line.iter().position(|&b| b == b' ') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (&line[..], &b""[..]),
        };
        let verb = String::from_utf8_lossy(verb).to_ascii_uppercase();
        let verb = match verb.as_str() {
            "XPWD" => "PWD", // the X forms of RFC 775, which some clients send
            "XCWD" => "CWD",
            "XCUP" => "CDUP",
            "XMKD" => "MKD",
            "XRMD" => "RMD",
            verb => verb,
        };
        let rest = match KEEP_REST.contains(&verb) {
            true => self.rest,
            false => std::mem::take(&mut self.rest),
        };
        let rename_from = self.rename_from.take();
        let logged_in = matches!(self.login, Login::In { .. });
        if !COMMANDS.contains(&verb) {
            self.reply(502, "Command not implemented.");
        } else if !logged_in && !BEFORE_LOGIN.contains(&verb) {
            self.reply(530, "Please login with USER and PASS.");
        } else if WRITES.contains(&verb) && !matches!(self.login, Login::In { write: true }) {
            self.reply(550, "Permission denied: this server is read-only.");
        } else if arg.is_empty() && NEED_ARGUMENT.contains(&verb) {
            self.reply(501, format!("{verb} needs an argument."));
        } else {
            let text = String::from_utf8_lossy(arg).into_owned();
            return self.run(verb, arg, &text, rest, rename_from);
        }
        Flow::Go
    }

    /// Runs a known command the client may give now.
    fn run(
        &mut self,
        verb: &str,
        arg: &[u8],
        text: &str,
        rest: u64,
        from: Option<PathBuf>,
    ) -> Flow {
        match verb {
            "USER" => self.user(text),
            "PASS" => return self.pass(text),
            "SYST" => self.reply(215, "UNIX Type: L8"),
            "FEAT" => {
                let lines: Vec<&[u8]> = FEATURES.iter().map(|f| f.as_bytes()).collect();
                self.reply_lines(211, "Features:", &lines, "End");
            }
            "OPTS" => match text.to_ascii_uppercase().as_str() {
                "UTF8 ON" | "UTF8" => self.reply(200, "Always in UTF8 mode."),
                opts if opts.starts_with("MLST ") => {
                    self.reply(200, "MLST OPTS type;size;modify;perm;unix.mode;")
                }
                _ => self.reply(501, "Option not understood."),
            },
            "HELP" => self.reply(214, format!("Commands: {}.", COMMANDS.join(" "))),
            "NOOP" => self.reply(200, "NOOP ok."),
            "ALLO" => self.reply(202, "ALLO is superfluous here."),
            "QUIT" => {
                self.reply(221, "Goodbye.");
                return Flow::Quit;
            }
            "PWD" => {
                let quoted = quote(&paths::display(&self.cwd));
                self.reply(257, [&quoted[..], b" is the current directory"].concat());
            }
            "CWD" => self.cwd(arg),
            "CDUP" => self.cwd(b".."),
            "TYPE" => match text.to_ascii_uppercase().as_str() {
                "A" | "A N" => self.set_type(true),
                "I" | "L 8" => self.set_type(false),
                "E" | "A T" | "A C" | "E N" => self.reply(504, "Type not supported."),
                _ => self.reply(501, "Unknown TYPE."),
            },
            "MODE" => self.only(text, "S", "Mode S (stream) only."),
            "STRU" => self.only(text, "F", "Structure F (file) only."),
            "PASV" => self.pasv(),
            "EPSV" => self.epsv(text),
            "PORT" => self.active(data::parse_port(text).ok_or(false)),
            "EPRT" => self.active(data::parse_eprt(text)),
            "LIST" => self.list(arg, Style::Long),
            "NLST" => self.list(arg, Style::Names),
            "MLSD" => {
                let write = matches!(self.login, Login::In { write: true });
                self.list(arg, Style::Facts { write })
            }
            "MLST" => self.mlst(arg),
            "RETR" => self.retr(arg, rest),
            "SIZE" => self.size_or_mdtm(arg, false),
            "MDTM" => self.size_or_mdtm(arg, true),
            "REST" => match text.parse::<u64>() {
                Ok(offset) => {
                    self.rest = offset;
                    self.reply(350, format!("Restart position accepted ({offset})."));
                }
                Err(_) => self.reply(501, "REST needs a byte offset."),
            },
            "ABOR" => match std::mem::take(&mut self.aborted) {
                true => self.reply(226, "ABOR successful."),
                false => self.reply(225, "No transfer to abort."),
            },
            "STOR" => self.stor(arg, rest, false),
            "APPE" => self.stor(arg, 0, true),
            "DELE" => self.change(arg, 250, "Delete operation successful.", Entry::remove_file),
            "MKD" => {
                let shown = quote(&paths::display(&paths::virtual_path(&self.cwd, arg)));
                let text = [&shown[..], b" created"].concat();
                self.change(arg, 257, text, Entry::create_dir);
            }
            "RMD" => self.change(
                arg,
                250,
                "Remove directory operation successful.",
                Entry::remove_dir,
            ),
            "RNFR" => match self.entry(arg) {
                Ok(entry) if entry.exists() => {
                    self.rename_from = Some(paths::virtual_path(&self.cwd, arg));
                    self.reply(350, "Ready for RNTO.");
                }
                Ok(_) => self.reply(550, "RNFR: no such file or directory."),
                Err(err) => self.fail(550, "RNFR", &err),
            },
            // The name RNFR gave is resolved again: its directory may have
            // been swapped for a symlink since.
            "RNTO" => match from {
                Some(from) => match self.config.root.entry(&from) {
                    Ok(from) => {
                        self.change(arg, 250, "Rename successful.", |to| from.rename_to(to))
                    }
                    Err(err) => self.fail(550, "RNTO", &err),
                },
                None => self.reply(503, "RNFR required first."),
            },
            _ => self.reply(502, "Command not implemented."),
        }
        Flow::Go
    }

    fn user(&mut self, name: &str) {
        self.login = Login::Named {
            name: name.to_string(),
        };
        if is_anonymous(name) {
            self.reply(
                331,
                "Anonymous login okay, send your email address as password.",
            );
        } else {
            self.reply(331, "Please specify the password.");
        }
    }

    fn pass(&mut self, password: &str) -> Flow {
        let Login::Named { name } = &self.login else {
            self.reply(503, "Login with USER first.");
            return Flow::Go;
        };
        let config = &self.config;
        let account = config.user.as_ref();
        let write = if is_anonymous(name) {
            Some(config.write && account.is_none())
        } else if account.is_some_and(|(n, p)| n == name && p == password) {
            Some(config.write)
        } else {
            None
        };
        match write {
            Some(write) => {
                self.login = Login::In { write };
                self.reply(230, "Login successful.");
            }
            None => {
                self.login = Login::Out;
                self.failures += 1;
                self.reply(530, "Login incorrect.");
                if self.failures >= MAX_LOGIN_FAILURES {
                    return Flow::Quit;
                }
            }
        }
        Flow::Go
    }

    fn set_type(&mut self, ascii: bool) {
        self.ascii = ascii;
        let name = if ascii { "ASCII" } else { "Binary" };
        self.reply(200, format!("Switching to {name} mode."));
    }

    /// MODE and STRU: only `only` is supported.
    fn only(&mut self, text: &str, only: &str, why: &str) {
        match text.to_ascii_uppercase() {
            arg if arg == only => self.reply(200, format!("{only} ok.")),
            arg if arg.len() == 1 => self.reply(504, why),
            _ => self.reply(501, why),
        }
    }

    fn cwd(&mut self, arg: &[u8]) {
        let virt = paths::virtual_path(&self.cwd, arg);
        match self.config.root.metadata(&virt) {
            Ok(meta) if meta.is_dir() => {
                self.cwd = virt;
                self.reply(250, "Directory successfully changed.");
            }
            Ok(_) => self.reply(550, "Not a directory."),
            Err(err) => self.fail(550, "CWD", &err),
        }
    }

    fn pasv(&mut self) {
        if self.epsv_all {
            return self.reply(500, "Only EPSV after EPSV ALL.");
        }
        if !self.local.is_ipv4() {
            return self.reply(522, "PASV is for IPv4: use EPSV.");
        }
        self.passive(|addr| data::pasv_reply(addr).map(|text| (227, text)));
    }

    fn epsv(&mut self, text: &str) {
        let family = if self.local.is_ipv4() { "1" } else { "2" };
        match text {
            "ALL" | "all" => {
                self.epsv_all = true;
                self.reply(200, "EPSV ALL ok.");
            }
            "" => self.passive(|addr| {
                Some((
                    229,
                    format!("Entering Extended Passive Mode (|||{}|).", addr.port()),
                ))
            }),
            arg if arg == family => self.epsv(""),
            "1" | "2" => self.reply(
                522,
                format!("Network protocol not supported, use ({family})."),
            ),
            _ => self.reply(501, "EPSV takes 1, 2 or ALL."),
        }
    }

    /// Opens a passive listener and replies with `reply`'s code and text.
    fn passive(&mut self, reply: impl Fn(std::net::SocketAddr) -> Option<(u16, String)>) {
        self.data = None; // an older listener closes
        let listener = data::listen(self.local);
        match listener.and_then(|l| Ok((l.local_addr()?, l))) {
            Ok((addr, listener)) => match reply(addr) {
                Some((code, text)) => {
                    self.data = Some(Data::Passive(listener));
                    self.reply(code, text);
                }
                None => self.reply(425, "Can't open a passive connection."),
            },
            Err(err) => self.fail(425, "Can't open a passive connection", &err),
        }
    }

    /// PORT and EPRT, with the address asked for (`Err(true)`: an unknown
    /// network protocol; `Err(false)`: a bad argument).
    fn active(&mut self, addr: Result<std::net::SocketAddr, bool>) {
        match addr {
            _ if self.epsv_all => self.reply(500, "Only EPSV after EPSV ALL."),
            Err(true) => self.reply(522, "Network protocol not supported, use (1,2)."),
            Err(false) => self.reply(501, "Syntax error in the address."),
            Ok(addr)
                if addr.ip().to_canonical() != self.peer.to_canonical() || addr.port() < 1024 =>
            {
                common::log_print!(
                    "refused a data connection to {addr} for client {}",
                    self.peer
                );
                self.reply(
                    500,
                    "Illegal PORT: only to your own address, port 1024 and up.",
                );
            }
            Ok(addr) => {
                self.data = Some(Data::Active(addr));
                self.reply(200, "PORT command successful. Consider using PASV.");
            }
        }
    }

    /// The data connection for a transfer, after `150 text`; or, with a
    /// 425 reply, none.
    fn open_data(&mut self, text: &str) -> Option<TcpStream> {
        let Some(data) = self.data.take() else {
            self.reply(425, "Use PORT or PASV first.");
            return None;
        };
        self.reply(150, text);
        match data.open(self.peer, self.local, self.config.idle) {
            Ok(conn) => Some(conn),
            Err(err) => {
                self.fail(425, "Can't open the data connection", &err);
                None
            }
        }
    }

    /// Sends the reply for how a transfer ended, and notes an ABOR.
    fn transferred(&mut self, sent: io::Result<Sent>) {
        match sent {
            Ok(Sent::Done) => {
                self.aborted = false;
                self.reply(226, "Transfer complete.");
            }
            Ok(Sent::Aborted) => {
                self.aborted = true;
                self.reply(426, "Transfer aborted.");
            }
            Err(err) => {
                self.aborted = true; // an ABOR that follows gets 226
                self.fail(426, "Connection closed; transfer aborted", &err);
            }
        }
    }

    fn list(&mut self, arg: &[u8], style: Style) {
        // `LIST -la dir`: clients pass ls options, which change nothing here.
        let mut arg = arg;
        while arg.starts_with(b"-") {
            let end = arg.iter().position(|&b| b == b' ').unwrap_or(arg.len());
            arg = arg.get(end + 1..).unwrap_or(b"");
        }
        let virt = paths::virtual_path(&self.cwd, arg);
        let opened = self
            .config
            .root
            .open(&virt)
            .and_then(|dir| Ok((dir.metadata()?, dir)));
        let (meta, dir) = match opened {
            Ok((meta, _)) if matches!(style, Style::Facts { .. }) && !meta.is_dir() => {
                return self.reply(501, "MLSD: not a directory.");
            }
            Ok(opened) => opened,
            Err(err) => return self.fail(550, "Listing", &err),
        };
        let Some(mut conn) = self.open_data("Here comes the directory listing.") else {
            return;
        };
        let mut out = BufWriter::new(&mut conn);
        let root = &self.config.root;
        let written =
            list::write(root, &virt, dir, &meta, style, &mut out).and_then(|()| out.flush());
        self.transferred(written.map(|()| Sent::Done));
    }

    fn mlst(&mut self, arg: &[u8]) {
        let virt = paths::virtual_path(&self.cwd, arg);
        match self.config.root.metadata(&virt) {
            Ok(meta) => {
                let shown = paths::display(&virt);
                let write = matches!(self.login, Login::In { write: true });
                let line = [list::facts(&meta, write).as_bytes(), &shown].concat();
                self.reply_lines(250, "Listing", &[&line], "End");
            }
            Err(err) => self.fail(550, "MLST", &err),
        }
    }

    fn size_or_mdtm(&mut self, arg: &[u8], mdtm: bool) {
        let virt = paths::virtual_path(&self.cwd, arg);
        match self.config.root.metadata(&virt) {
            // SIZE gives the file's own size in either type, as vsftpd does.
            Ok(meta) if meta.is_file() && !mdtm => self.reply(213, meta.len().to_string()),
            Ok(meta) if meta.is_file() => match list::mdtm(&meta) {
                Some(time) => self.reply(213, time),
                None => self.reply(550, "No modification time."),
            },
            Ok(_) => self.reply(550, "Not a regular file."),
            Err(err) => self.fail(550, if mdtm { "MDTM" } else { "SIZE" }, &err),
        }
    }

    fn retr(&mut self, arg: &[u8], rest: u64) {
        let virt = paths::virtual_path(&self.cwd, arg);
        let opened = self.config.root.open(&virt).and_then(|file| {
            let meta = file.metadata()?;
            Ok((file, meta))
        });
        let (mut file, meta) = match opened {
            Ok((_, meta)) if !meta.is_file() => return self.reply(550, "Not a regular file."),
            Ok(opened) => opened,
            Err(err) => return self.fail(550, "RETR", &err),
        };
        if rest > meta.len() {
            return self.reply(554, "REST is beyond the end of the file.");
        }
        if let Err(err) = file.seek(SeekFrom::Start(rest)) {
            return self.fail(550, "RETR", &err); // for ASCII, which reads on from there
        }
        let shown = String::from_utf8_lossy(&paths::display(&virt)).into_owned();
        let mode = if self.ascii { "ASCII" } else { "BINARY" };
        let text = format!(
            "Opening {mode} mode data connection for {shown} ({} bytes).",
            meta.len()
        );
        let Some(mut conn) = self.open_data(&text) else {
            return;
        };
        let ctrl = &self.ctrl;
        let sent = data::send(&mut file, rest, &mut conn, self.ascii, || abort_asked(ctrl));
        drop(conn);
        self.transferred(sent);
    }

    /// STOR (from `rest` on, with REST) and APPE: the upload goes to a
    /// temporary file in the same directory, renamed over the name only
    /// once the client has closed the data connection. A reset or an ABOR
    /// keeps nothing; the file stays as it was.
    fn stor(&mut self, arg: &[u8], rest: u64, append: bool) {
        let virt = paths::virtual_path(&self.cwd, arg);
        let entry = match self.entry(arg) {
            Ok(_) if self.config.root.metadata(&virt).is_ok_and(|m| m.is_dir()) => {
                return self.reply(550, "Is a directory.");
            }
            Ok(entry) => entry,
            Err(err) => return self.fail(550, "STOR", &err),
        };
        let start = if append { u64::MAX } else { rest };
        let temp = match temp_beside(&self.config.root, &virt, entry, start) {
            Ok(Some(temp)) => temp,
            Ok(None) => return self.reply(554, "REST is beyond the end of the file."),
            Err(err) => return self.fail(550, "STOR", &err),
        };
        let Some(mut conn) = self.open_data("Ok to send data.") else {
            return;
        };
        let ctrl = &self.ctrl;
        let mut temp = temp;
        let received = data::receive(&mut conn, &mut temp.file, self.ascii, || abort_asked(ctrl));
        drop(conn);
        let kept = match received {
            Ok(Sent::Done) => temp.keep().map(|()| Sent::Done),
            other => {
                drop(temp); // removes it, before the reply says so
                other
            }
        };
        self.transferred(kept);
    }

    /// DELE, MKD, RMD and RNTO: `change` on the entry `arg`, then `code text`.
    fn change(
        &mut self,
        arg: &[u8],
        code: u16,
        text: impl AsRef<[u8]>,
        change: impl FnOnce(&Entry) -> io::Result<()>,
    ) {
        match self.entry(arg).and_then(|entry| change(&entry)) {
            Ok(()) => self.reply(code, text),
            Err(err) => self.fail(550, "", &err),
        }
    }

    /// The entry `arg` names, for creating, removing or renaming it.
    fn entry(&self, arg: &[u8]) -> io::Result<Entry> {
        if arg.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a name is needed",
            ));
        }
        self.config.root.entry(&paths::virtual_path(&self.cwd, arg))
    }

    /// Replies `code what: error`, the error as Go words it.
    fn fail(&mut self, code: u16, what: &str, err: &io::Error) {
        let err = common::go_error(err);
        match what {
            "" => self.reply(code, format!("{err}.")),
            what => self.reply(code, format!("{what}: {err}.")),
        }
    }
}

/// A temporary file beside `entry`, holding the first `start` bytes of
/// the file `virt` (all of them for `u64::MAX`: APPE), or `None` if the
/// file is shorter than `start`. What is kept of the old file is read
/// through the root, as RETR reads: never through a symlink out.
fn temp_beside(root: &Root, virt: &Path, entry: Entry, start: u64) -> io::Result<Option<Temp>> {
    let mut temp = entry.temp()?;
    if start > 0 {
        let copied = match root.open(virt) {
            Ok(old) => io::copy(&mut old.take(start), &mut temp.file)?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => 0,
            Err(err) => return Err(err),
        };
        if copied < start && start != u64::MAX {
            return Ok(None);
        }
    }
    Ok(Some(temp))
}

fn is_anonymous(name: &str) -> bool {
    name.eq_ignore_ascii_case("anonymous") || name.eq_ignore_ascii_case("ftp")
}

/// A path in double quotes, each quote in it doubled (RFC 959's 257).
fn quote(path: &[u8]) -> Vec<u8> {
    let mut quoted = vec![b'"'];
    for &b in path {
        quoted.push(b);
        if b == b'"' {
            quoted.push(b'"');
        }
    }
    quoted.push(b'"');
    quoted
}

/// `line` without Telnet's commands (IAC and the byte after it: the
/// Interrupt Process that clients send before ABOR). An IAC followed by a
/// plain byte (the Data Mark went out of band) loses only the IAC.
fn strip_telnet(line: &[u8]) -> Vec<u8> {
    const IAC: u8 = 0xff;
    let mut out = Vec::with_capacity(line.len());
    let mut bytes = line.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b != IAC {
            out.push(b);
            continue;
        }
        match bytes.peek() {
            Some(&IAC) => {
                bytes.next();
                out.push(IAC); // an escaped 0xff
            }
            Some(&next) if next >= 0xf0 => {
                bytes.next();
            }
            _ => {}
        }
    }
    out
}

/// Whether the client, in the middle of a transfer, has sent ABOR on the
/// control connection, or closed it. Looks without taking anything.
fn abort_asked(ctrl: &TcpStream) -> bool {
    let mut buf = [0; 64];
    if ctrl.set_nonblocking(true).is_err() {
        return false;
    }
    let peeked = ctrl.peek(&mut buf);
    let _ = ctrl.set_nonblocking(false);
    match peeked {
        Ok(0) => true,
        Ok(n) => {
            let line = strip_telnet(&buf[..n]);
            line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"ABOR")
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telnet_commands_are_stripped() {
        assert_eq!(strip_telnet(b"\xff\xf4\xff\xf2ABOR"), b"ABOR");
        assert_eq!(strip_telnet(b"\xff\xf4\xffABOR"), b"ABOR");
        assert_eq!(strip_telnet(b"RETR a\xff\xffb"), b"RETR a\xffb");
        assert_eq!(quote(b"/a\"b"), b"\"/a\"\"b\"");
    }
}
