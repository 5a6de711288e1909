//! Exercise 8.2, ftpd: a session of every command through Python's ftplib
//! (an independent client), passive and active; byte-for-byte transfers;
//! each safety claim by an attempt that works without its guard; and many
//! clients at a small thread budget.

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use testkit::ftp::{Control, Ftpd, have_python};
use testkit::{PATIENCE, Program};

const FTPD: &str = env!("CARGO_BIN_EXE_ftpd");

/// A root with a file, a directory, a name with spaces and a UTF-8 one.
fn fill(root: &Path) {
    fs::write(root.join("hello.txt"), "hello\nworld\n").unwrap();
    fs::create_dir(root.join("pub")).unwrap();
    fs::write(root.join("pub/inside.txt"), "inside").unwrap();
    fs::write(root.join("a name with spaces.txt"), "spaces").unwrap();
    fs::write(root.join("héllo wörld ☃.txt"), "utf-8").unwrap();
    fs::write(root.join("back\\slash.txt"), "a backslash is a character").unwrap();
}

/// Skips a test where python3 is missing (CI has it).
macro_rules! need_python {
    () => {
        if !have_python() {
            eprintln!("python3 is not installed: skipped");
            return;
        }
    };
}

#[test]
fn a_session_of_every_command() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &["--write"], fill);
    let out = ftpd.python(
        r#"
f = login()
assert f.sendcmd('SYST') == '215 UNIX Type: L8'
feat = f.sendcmd('FEAT')
assert 'EPSV' in feat and 'MLST' in feat and 'UTF8' in feat and 'REST STREAM' in feat, feat
assert f.sendcmd('OPTS UTF8 ON').startswith('200')
assert f.sendcmd('NOOP').startswith('200')
assert f.sendcmd('HELP').startswith('214')
assert f.sendcmd('ALLO 10').startswith('202')
assert f.pwd() == '/'
assert f.sendcmd('TYPE A').startswith('200') and f.sendcmd('TYPE I').startswith('200')
assert f.sendcmd('MODE S').startswith('200') and f.sendcmd('STRU F').startswith('200')
refused('504', f.sendcmd, 'MODE B')
refused('501', f.sendcmd, 'TYPE X')
refused('501', f.sendcmd, 'REST soon')
refused('502', f.sendcmd, 'SITE CHMOD 777 x')
refused('502', f.sendcmd, 'XYZZY')
for verb in ['RETR', 'CWD', 'SIZE', 'TYPE', 'REST', 'PORT', 'MKD']:
    refused('501', f.sendcmd, verb)
# Directories.
assert f.mkd('new dir') == '/new dir'
f.cwd('new dir')
assert f.pwd() == '/new dir'
assert f.sendcmd('CDUP').startswith('250') and f.pwd() == '/'
f.cwd('/pub')
assert f.sendcmd('XPWD') == '257 "/pub" is the current directory'
refused('550', f.cwd, 'nowhere')
refused('550', f.cwd, '/hello.txt')
f.cwd('/')
# Listings.
lines = []
f.retrlines('LIST', lines.append)
assert any(l.startswith('drwx') and l.endswith(' pub') for l in lines), lines
assert any(l.startswith('-rw') and ' 12 ' in l and l.endswith(' hello.txt') for l in lines), lines
assert 'a name with spaces.txt' in f.nlst()
assert 'héllo wörld ☃.txt' in f.nlst()
assert f.nlst('pub') == ['inside.txt'], f.nlst('pub')
lines = []
f.retrlines('LIST -la pub', lines.append)
assert len(lines) == 1 and lines[0].endswith(' inside.txt'), lines
facts = dict(f.mlsd())
assert facts['pub']['type'] == 'dir' and facts['hello.txt']['size'] == '12', facts
assert 'size=6;' in f.sendcmd('MLST /pub/inside.txt')
# Files.
assert get(f, 'hello.txt') == b'hello\nworld\n'
assert f.size('hello.txt') == 12
assert len(f.sendcmd('MDTM hello.txt')) == len('213 20260101000000')
refused('550', f.size, 'pub')
refused('550', get, f, 'nothing.txt')
put(f, 'up.bin', b'\x00\x01\xff' * 1000)
assert get(f, 'up.bin') == b'\x00\x01\xff' * 1000
f.storbinary('APPE up.bin', io.BytesIO(b'tail'))
assert get(f, 'up.bin') == b'\x00\x01\xff' * 1000 + b'tail'
f.rename('up.bin', 'new dir/moved.bin')
refused('550', f.size, 'up.bin')
assert f.size('new dir/moved.bin') == 3004
refused('503', f.sendcmd, 'RNTO x')
f.delete('new dir/moved.bin')
refused('550', f.delete, 'pub')
f.rmd('new dir')
refused('550', f.rmd, 'new dir')
assert f.sendcmd('ABOR').startswith('225')
assert f.quit().startswith('221')
print('ok')
"#,
    );
    assert_eq!(out, "ok\n");
}

#[test]
fn ascii_mode_sends_crlf_and_stores_lf() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &["--write"], fill);
    ftpd.python(
        r#"
f = login()
f.sendcmd('TYPE A')
conn = f.transfercmd('RETR hello.txt')
data = b''
while True:
    chunk = conn.recv(65536)
    if not chunk: break
    data += chunk
conn.close(); f.voidresp()
assert data == b'hello\r\nworld\r\n', data
f.storlines('STOR lines.txt', io.BytesIO(b'one\ntwo\r\nthree\n'))
assert open(os.path.join(ROOT, 'lines.txt'), 'rb').read() == b'one\ntwo\nthree\n'
"#,
    );
}

#[test]
fn active_mode_port_and_eprt() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &["--write"], fill);
    ftpd.python(
        r#"
f = login(passive=False)              # ftplib sends PORT
assert get(f, 'hello.txt') == b'hello\nworld\n'
put(f, 'active.txt', b'sent actively')
assert 'active.txt' in f.nlst()
# EPRT, by hand.
srv = socket.create_server(('127.0.0.1', 0))
assert f.sendcmd('EPRT |1|127.0.0.1|%d|' % srv.getsockname()[1]).startswith('200')
f.sendcmd('TYPE I')
f.putcmd('RETR active.txt')
assert f.getresp().startswith('150')
conn, _ = srv.accept()
data = b''
while True:
    chunk = conn.recv(65536)
    if not chunk: break
    data += chunk
conn.close(); f.voidresp()
assert data == b'sent actively', data
refused('522', f.sendcmd, 'EPRT |3|x|1|')
refused('501', f.sendcmd, 'EPRT |1|nonsense|1|')
refused('501', f.sendcmd, 'PORT 1,2,3')
assert f.sendcmd('EPSV').startswith('229')
refused('522', f.sendcmd, 'EPSV 2')
assert f.sendcmd('EPSV ALL').startswith('200')     # from now on, EPSV only
refused('500', f.sendcmd, 'PASV')
refused('500', f.sendcmd, 'PORT 127,0,0,1,4,1')
f.af = socket.AF_INET6                          # ftplib's way to make it use EPSV
f.set_pasv(True)
assert get(f, 'active.txt') == b'sent actively'
"#,
    );
}

/// Replies are not held back by Nagle's algorithm: `226` after `150` would
/// otherwise wait for the client's delayed ACK, about 40 ms a transfer
/// (ftplib waits for `226` before the next RETR), so 50 RETRs take 2 s.
#[test]
fn small_files_come_back_to_back() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &[], fill);
    ftpd.python(
        r#"
import time
f = login()
get(f, 'hello.txt')
start = time.monotonic()
for _ in range(50):
    assert get(f, 'hello.txt') == b'hello\nworld\n'
took = time.monotonic() - start
assert took < 1.0, f'50 RETRs of a small file took {took:.2f} s'
"#,
    );
}

#[test]
fn five_megabytes_round_trip_byte_for_byte_with_rest() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &["--write"], fill);
    ftpd.python(
        r#"
import hashlib
data = os.urandom(5 << 20)
f = login()
put(f, 'big file ☃.bin', data)
assert open(os.path.join(ROOT, 'big file ☃.bin'), 'rb').read() == data
assert f.size('big file ☃.bin') == len(data)
assert get(f, 'big file ☃.bin') == data
# REST: resume a download from an offset.
out = io.BytesIO()
f.retrbinary('RETR big file ☃.bin', out.write, rest=3_000_001)
assert out.getvalue() == data[3_000_001:]
refused('554', f.retrbinary, 'RETR big file ☃.bin', print, 1024, len(data) + 1)
# REST before STOR: resume an upload.
f.storbinary('STOR big file ☃.bin', io.BytesIO(data[4_000_000:] + b'more'), rest=4_000_000)
assert get(f, 'big file ☃.bin') == data + b'more'
# Names with spaces and in UTF-8, by every command that takes a name.
assert get(f, 'a name with spaces.txt') == b'spaces'
assert get(f, 'héllo wörld ☃.txt') == b'utf-8'
f.rename('héllo wörld ☃.txt', 'ünï côdé.txt')
assert get(f, 'ünï côdé.txt') == b'utf-8'
assert f.mkd('dîr ☃') == '/dîr ☃'
f.cwd('dîr ☃')
assert f.pwd() == '/dîr ☃'
"#,
    );
}

#[test]
fn nothing_outside_the_root_is_read_listed_or_written() {
    need_python!();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
    let out_dir = outside.path().to_path_buf();
    let ftpd = Ftpd::start(FTPD, &["--write"], |root| {
        fill(root);
        symlink(&out_dir, root.join("link-out")).unwrap();
        symlink(out_dir.join("secret.txt"), root.join("secret-link")).unwrap();
        symlink(root.join("pub"), root.join("link-in")).unwrap();
    });
    let outside_abs = outside.path().join("secret.txt");
    let script = r#"
f = login()
f.cwd('pub')
for name in ['../secret.txt', '../../secret.txt', '/../secret.txt', OUTSIDE,
             'link-out/secret.txt', '/link-out/secret.txt', '../link-out/secret.txt',
             'secret-link', '/secret-link', '..\\secret.txt', '..\\..\\secret.txt',
             '/pub/../../link-out/./secret.txt', '\\link-out\\secret.txt',
             '..//.//..//' + OUTSIDE, '/etc/passwd', '../../../../etc/passwd']:
    refused('550', get, f, name)
    refused('550', f.size, name)
    refused('550', f.sendcmd, 'MDTM ' + name)
    refused('550', f.sendcmd, 'MLST ' + name)
for name in ['/link-out', '../link-out', 'link-out/', OUTSIDE_DIR]:
    refused('550', f.cwd, name)
    refused('550', f.nlst, name)
    refused('550', f.retrlines, 'LIST ' + name)
# The root's listing leaves out what leads outside, and shows what leads in.
f.cwd('/')
names = f.nlst()
assert 'link-out' not in names and 'secret-link' not in names and 'link-in' in names, names
assert f.nlst('link-in') == ['inside.txt']
f.cwd('../../..')
assert f.pwd() == '/'
# A backslash is a character of a name, not a separator.
assert get(f, 'back\\slash.txt') == b'a backslash is a character'
# Writes: never through a link out, nor above the root.
for name in ['link-out/new.txt', OUTSIDE_DIR + '/new.txt', '/link-out/../link-out/new.txt']:
    refused('550', put, f, name, b'x')
    refused('550', f.mkd, name)
put(f, '../../new.txt', b'up')                  # lands at the root, not above it
assert open(os.path.join(ROOT, 'new.txt'), 'rb').read() == b'up'
refused('550', f.storbinary, 'APPE secret-link', io.BytesIO(b'x'))
refused('550', f.storbinary, 'STOR secret-link', io.BytesIO(b'x'), 8192, None, 3)
for name in ['link-out/secret.txt', '../link-out/secret.txt', OUTSIDE]:
    refused('550', f.delete, name)
    refused('550', f.rename, name, 'mine.txt')
    refused('550', f.rename, 'hello.txt', name)
refused('550', f.rmd, '/')
refused('550', f.rmd, 'link-out')
# STOR to the link's name replaces the link, not what it points to.
put(f, 'secret-link', b'mine now')
assert get(f, 'secret-link') == b'mine now'
"#
    .replace(
        "OUTSIDE_DIR",
        &format!("{:?}", outside.path().to_str().unwrap()),
    )
    .replace("OUTSIDE", &format!("{:?}", outside_abs.to_str().unwrap()));
    ftpd.python(&script);
    // What is outside is as it was, and nothing new is there.
    assert_eq!(fs::read_to_string(&outside_abs).unwrap(), "SECRET");
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1);
    assert!(!ftpd.root.path().parent().unwrap().join("new.txt").exists());
}

/// A local user (not a client: FTP makes no symlinks) swaps the directory a
/// client is in for a symlink out, absolute or relative, between two
/// commands: nothing is read, listed or written through it. Nor can a name
/// RNFR took while the directory was real be renamed through it by RNTO,
/// which the server once allowed, moving the file outside into the root.
#[test]
fn a_directory_swapped_for_a_symlink_out_between_commands_is_never_followed() {
    need_python!();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("file.txt"), "SECRET").unwrap();
    fs::create_dir(outside.path().join("sub")).unwrap();
    let ftpd = Ftpd::start(FTPD, &["--write"], |root| {
        fill(root);
        fs::write(root.join("pub/file.txt"), "inside").unwrap();
        fs::create_dir(root.join("pub/sub")).unwrap();
    });
    // Both temporary directories are in the same one.
    let relative = Path::new("..").join(outside.path().file_name().unwrap());
    let script = r#"
pub, away = os.path.join(ROOT, 'pub'), os.path.join(ROOT, 'pub.away')
f = login()
for target in [OUTSIDE_DIR, RELATIVE]:
    f.cwd('/pub')
    assert get(f, 'file.txt') == b'inside'
    f.sendcmd('RNFR file.txt')
    os.rename(pub, away)                        # the local user's swap
    os.symlink(target, pub)
    refused('550', f.sendcmd, 'RNTO /stolen.txt')
    for name in ['file.txt', '/pub/file.txt', 'sub/../file.txt']:
        refused('550', get, f, name)
        refused('550', f.size, name)
        refused('550', f.sendcmd, 'MDTM ' + name)
        refused('550', f.sendcmd, 'MLST ' + name)
        refused('550', put, f, name, b'x')
        refused('550', f.storbinary, 'APPE ' + name, io.BytesIO(b'x'))
        refused('550', f.delete, name)
        refused('550', f.rename, name, '/mine.txt')
    for name in ['', '.', 'sub', '/pub', '/pub/sub']:
        refused('550', f.retrlines, ('LIST ' + name).strip())
        refused('550', f.nlst, name)
        refused('550', f.cwd, name or '.')
    refused('550', put, f, 'new.txt', b'x')
    refused('550', f.mkd, 'new')
    refused('550', f.rmd, 'sub')
    assert 'pub' not in f.nlst('/'), f.nlst('/')
    os.remove(pub)
    os.rename(away, pub)
f.cwd('/')
assert get(f, 'pub/file.txt') == b'inside'     # and the session goes on
"#
    .replace(
        "OUTSIDE_DIR",
        &format!("{:?}", outside.path().to_str().unwrap()),
    )
    .replace("RELATIVE", &format!("{:?}", relative.to_str().unwrap()));
    ftpd.python(&script);
    // Outside, all is as it was; inside, nothing came in.
    assert_eq!(
        fs::read_to_string(outside.path().join("file.txt")).unwrap(),
        "SECRET"
    );
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 2);
    assert_eq!(fs::read_dir(outside.path().join("sub")).unwrap().count(), 0);
    assert!(!ftpd.root.path().join("stolen.txt").exists());
}

/// The race itself: a thread exchanges a directory and a symlink out, as
/// fast as it can, while a client retrieves a file in that directory again
/// and again, for two seconds. Each retrieval gets the file inside or is
/// refused; none gets the one outside. (The server that checked, then
/// opened by the path, sent it 3 to 18 times in 4 runs of 5.)
#[test]
fn a_directory_swapped_for_a_symlink_out_during_retrievals_is_never_followed() {
    need_python!();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("f.txt"), "SECRET").unwrap();
    let ftpd = Ftpd::start(FTPD, &[], |root| {
        fs::create_dir(root.join("race")).unwrap();
        fs::write(root.join("race/f.txt"), "inside").unwrap();
        symlink(outside.path(), root.join("link")).unwrap();
    });
    let (race, link) = (ftpd.root.path().join("race"), ftpd.root.path().join("link"));
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = thread::spawn({
        let stop = Arc::clone(&stop);
        move || {
            let (mut swaps, started) = (0u64, Instant::now());
            // Bounded by time too, should the client fail.
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(10) {
                let (cwd, exchange) = (rustix::fs::CWD, rustix::fs::RenameFlags::EXCHANGE);
                rustix::fs::renameat_with(cwd, &race, cwd, &link, exchange).expect("an exchange");
                swaps += 1;
            }
            swaps
        }
    });
    let out = ftpd.python(
        r#"
f = login()
counts = {'inside': 0, 'SECRET': 0, 'refused': 0}
end = time.time() + 2
while time.time() < end:
    try:
        counts[get(f, 'race/f.txt').decode()] += 1
    except ftplib.error_perm:
        counts['refused'] += 1
print(counts['inside'], counts['SECRET'], counts['refused'])
"#,
    );
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    let counts: Vec<u64> = out.split_whitespace().map(|n| n.parse().unwrap()).collect();
    let [inside, secret, refused] = counts[..] else {
        panic!("{out}");
    };
    eprintln!("{swaps} swaps; retrievals: {inside} inside, {secret} outside, {refused} refused");
    assert!(swaps > 0 && inside + refused > 0, "{out}");
    assert_eq!(secret, 0, "the file outside was sent {secret} times");
}

#[test]
fn port_and_eprt_to_another_address_are_refused() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &[], fill);
    ftpd.python(
        r#"
victim = socket.create_server(('127.0.0.2', 0))
port = victim.getsockname()[1]
victim.settimeout(0.5)
f = login()
refused('500', f.sendcmd, 'PORT 127,0,0,2,%d,%d' % (port >> 8, port & 255))
refused('500', f.sendcmd, 'EPRT |1|127.0.0.2|%d|' % port)
refused('500', f.sendcmd, 'PORT 127,0,0,1,0,25')     # a privileged port
refused('425', f.sendcmd, 'RETR hello.txt')           # no data connection set
try:
    victim.accept()
    raise AssertionError('the server connected to the victim')
except socket.timeout:
    pass
"#,
    );
    let log = ftpd.log().concat();
    assert!(
        log.contains("refused a data connection to 127.0.0.2:"),
        "{log}"
    );
}

#[test]
fn a_passive_connection_from_another_address_gets_nothing() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &[], fill);
    ftpd.python(
        r#"
f = login()
f.sendcmd('TYPE I')
host, port = ftplib.parse227(f.sendcmd('PASV'))
thief = socket.socket()
thief.bind(('127.0.0.2', 0))
thief.connect((host, port))                 # first in the queue
f.putcmd('RETR hello.txt')
client = socket.create_connection((host, port))
assert f.getresp().startswith('150')
data = b''
while True:
    chunk = client.recv(65536)
    if not chunk: break
    data += chunk
f.voidresp()
assert data == b'hello\nworld\n', data
thief.settimeout(30)
try:
    stolen = thief.recv(65536)
except ConnectionResetError:
    stolen = b''
assert stolen == b'', stolen
"#,
    );
    let line = ftpd.next_log_line();
    let line = if line.contains("serving") {
        ftpd.next_log_line()
    } else {
        line
    };
    assert!(
        line.contains("refused a data connection from 127.0.0.2:"),
        "{line}"
    );
}

#[test]
fn an_upload_reset_midway_leaves_the_old_file_and_no_partial_one() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &["--write"], |root| {
        fill(root);
        fs::write(root.join("keep.txt"), "old").unwrap();
    });
    ftpd.python(
        r#"
import struct
f = login()
f.sendcmd('TYPE I')
for command in ['STOR keep.txt', 'STOR new.bin', 'APPE keep.txt']:
    conn = f.transfercmd(command)
    conn.sendall(b'x' * (1 << 20))
    time.sleep(0.2)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    conn.close()                                  # a reset, not an end
    refused('426', f.voidresp)
assert open(os.path.join(ROOT, 'keep.txt'), 'rb').read() == b'old'
assert not os.path.exists(os.path.join(ROOT, 'new.bin'))
assert not [n for n in os.listdir(ROOT) if n.startswith('.ftpd-')], os.listdir(ROOT)
"#,
    );
}

#[test]
fn abor_stops_a_download_midway() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &[], |root| {
        let big = fs::File::create(root.join("big.bin")).unwrap();
        big.set_len(64 << 20).unwrap();
    });
    ftpd.python(
        r#"
f = login()
f.sendcmd('TYPE I')
conn = f.transfercmd('RETR big.bin')
got = len(conn.recv(1 << 20))
f.sock.sendall(b'ABOR\r\n')          # and read on, as tnftp does
while True:
    chunk = conn.recv(1 << 20)
    if not chunk: break
    got += len(chunk)
assert got < 64 << 20, got
refused('426', f.getresp)
assert f.getresp().startswith('226')
assert get(f, 'big.bin')[:4] == b'\0\0\0\0'   # the session goes on
"#,
    );
}

#[test]
fn a_line_of_a_megabyte_gets_a_reply_and_the_connection_closes() {
    let ftpd = Ftpd::start(FTPD, &[], fill);
    let mut control = ftpd.control();
    let mut stream = control.stream.try_clone().unwrap();
    let writer = thread::spawn(move || {
        let _ = stream.write_all(&vec![b'A'; 1 << 20]); // fails once the server closes
    });
    let (code, text) = control.reply();
    assert_eq!((code, text.as_str()), (500, "Command line too long."));
    assert!(control.closed_within(PATIENCE));
    writer.join().unwrap();
    // The server serves the next client.
    let mut next = ftpd.control();
    next.login();
    assert_eq!(next.ask("PWD").0, 257);
}

#[test]
fn commands_before_login_are_refused() {
    let ftpd = Ftpd::start(FTPD, &["--user", "alice:s3cret", "--write"], fill);
    let mut control = ftpd.control();
    for command in [
        "PWD",
        "CWD pub",
        "LIST",
        "NLST",
        "RETR hello.txt",
        "SIZE hello.txt",
        "PASV",
        "EPSV",
        "PORT 127,0,0,1,4,1",
        "STOR x",
        "DELE hello.txt",
        "MKD x",
        "TYPE I",
        "REST 1",
    ] {
        assert_eq!(control.ask(command).0, 530, "{command}");
    }
    assert_eq!(control.ask("SYST").0, 215);
    assert_eq!(control.ask("PASS nobody").0, 503);
    // Wrong passwords: 530 each, and at the third the server hangs up.
    for _ in 0..2 {
        assert_eq!(control.ask("USER alice").0, 331);
        assert_eq!(control.ask("PASS wrong").0, 530);
        assert_eq!(control.ask("PWD").0, 530);
    }
    assert_eq!(control.ask("USER alice").0, 331);
    assert_eq!(control.ask("PASS wrong").0, 530);
    assert!(control.closed_within(PATIENCE));
    // With --user, the account may write and anonymous may not.
    let mut alice = ftpd.control();
    assert_eq!(alice.ask("USER alice").0, 331);
    assert_eq!(alice.ask("PASS s3cret").0, 230);
    assert_eq!(alice.ask("MKD made-by-alice").0, 257);
    let mut anonymous = ftpd.control();
    anonymous.login();
    assert_eq!(anonymous.ask("MKD made-by-anonymous").0, 550);
    assert!(ftpd.root.path().join("made-by-alice").is_dir());
    assert!(!ftpd.root.path().join("made-by-anonymous").exists());
}

#[test]
fn read_only_by_default() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &[], fill);
    ftpd.python(
        r#"
f = login()
refused('550', put, f, 'new.txt', b'x')
refused('550', put, f, 'hello.txt', b'x')
refused('550', f.storbinary, 'APPE hello.txt', io.BytesIO(b'x'))
refused('550', f.delete, 'hello.txt')
refused('550', f.mkd, 'dir')
refused('550', f.rmd, 'pub')
refused('550', f.rename, 'hello.txt', 'renamed.txt')
refused('550', f.sendcmd, 'RNTO renamed.txt')
assert get(f, 'hello.txt') == b'hello\nworld\n'
"#,
    );
    let mut names: Vec<_> = fs::read_dir(ftpd.root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(ftpd.root.path().join("pub").is_dir());
}

#[test]
fn a_silent_client_is_told_and_disconnected_after_idle() {
    let ftpd = Ftpd::start(FTPD, &["--idle", "1s"], fill);
    let mut control = ftpd.control();
    control.login();
    let started = std::time::Instant::now();
    let (code, _) = control.reply();
    assert_eq!(code, 421);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(control.closed_within(PATIENCE));
}

#[test]
fn twenty_clients_at_a_budget_of_four_threads_all_get_their_megabyte() {
    need_python!();
    let ftpd = Ftpd::start(FTPD, &["--max-threads", "4"], |root| {
        let data: Vec<u8> = (0..1u32 << 20).map(|i| (i * 7 % 251) as u8).collect();
        fs::write(root.join("one.bin"), data).unwrap();
    });
    let out = ftpd.python(
        r#"
want = open(os.path.join(ROOT, 'one.bin'), 'rb').read()
results = []
def client(i):
    try:
        f = login(passive=(i % 2 == 0))
        results.append(get(f, 'one.bin') == want)
        f.quit()
    except Exception as e:
        results.append(repr(e))
threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(1 for r in results if r is True), [r for r in results if r is not True])
"#,
    );
    assert_eq!(out, "20 []\n");
    assert!(
        ftpd.server.threads() <= 4 + 1,
        "main and at most 4 sessions"
    );
}

#[test]
fn hundreds_of_idle_sessions_and_the_next_client_is_served() {
    let ftpd = Ftpd::start(FTPD, &[], fill);
    let idle: Vec<Control> = (0..300)
        .map(|_| {
            let mut c = ftpd.control();
            c.login();
            c
        })
        .collect();
    let mut next = ftpd.control();
    next.login();
    assert_eq!(next.ask("SIZE hello.txt"), (213, "12".into()));
    assert!(ftpd.server.threads() > 300, "a thread a session");
    drop(idle);
}

#[test]
fn past_the_budget_idle_sessions_are_closed_and_then_the_next_is_served() {
    let ftpd = Ftpd::start(FTPD, &["--max-threads", "2", "--idle", "1s"], fill);
    let mut idle: Vec<Control> = (0..2).map(|_| ftpd.control()).collect();
    // The third waits in the listen backlog until an idle one is closed.
    let mut next = Control::connect(&ftpd.server.addr);
    assert_eq!(next.reply().0, 220);
    next.login();
    for c in &mut idle {
        assert_eq!(c.reply().0, 421);
    }
}

#[test]
fn curl_gets_and_puts_passive_and_active() {
    if Program::start("curl", &["--version"]).finish().0.code() != Some(0) {
        eprintln!("curl is not installed: skipped");
        return;
    }
    let ftpd = Ftpd::start(FTPD, &["--write"], fill);
    let url = format!("ftp://127.0.0.1:{}/", ftpd.port());
    let curl = |args: &[&str]| {
        let mut all = vec!["-sS", "--max-time", "30"];
        all.extend_from_slice(args);
        let (status, out, err) = Program::start("curl", &all).finish();
        assert!(status.success(), "curl {args:?}: {err}");
        out
    };
    assert_eq!(curl(&[&format!("{url}hello.txt")]), b"hello\nworld\n");
    assert_eq!(
        curl(&["-P", "-", &format!("{url}hello.txt")]),
        b"hello\nworld\n"
    );
    let listing = String::from_utf8(curl(&[&url])).unwrap();
    assert!(
        listing.contains(" 12 ") && listing.contains(" pub"),
        "{listing}"
    );
    let upload = ftpd.root.path().join("pub/inside.txt");
    curl(&[
        "-T",
        upload.to_str().unwrap(),
        &format!("{url}pub/copy.txt"),
    ]);
    assert_eq!(
        fs::read(ftpd.root.path().join("pub/copy.txt")).unwrap(),
        b"inside"
    );
}

#[test]
fn help_version_and_bad_flags() {
    let (status, out, _) = Program::start(FTPD, &["--help"]).finish();
    let help = String::from_utf8(out).unwrap();
    assert!(status.success() && help.contains("exercise 8.2") && help.contains("--write"));
    let (status, out, _) = Program::start(FTPD, &["--version"]).finish();
    assert!(status.success() && out.starts_with(b"ftpd "));
    for bad in [
        &["--root", "/no/such/dir"][..],
        &["--user", "nopassword"],
        &["--idle", "0s"],
    ] {
        let (status, _, err) = Program::start(FTPD, bad).finish();
        assert_eq!(status.code(), Some(2), "{bad:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    testkit::net::assert_listen_failures(FTPD);
}

#[test]
fn a_control_connection_by_hand_speaks_rfc_959() {
    let ftpd = Ftpd::start(FTPD, &[], fill);
    let mut c: Control = ftpd.control();
    c.login();
    assert_eq!(c.ask("PWD"), (257, "\"/\" is the current directory".into()));
    assert_eq!(
        c.ask("CWD pub"),
        (250, "Directory successfully changed.".into())
    );
    assert_eq!(c.ask("FEAT").0, 211);
    assert_eq!(c.ask("QUIT").0, 221);
    assert!(c.closed_within(PATIENCE));
}
