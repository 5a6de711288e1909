//! The book's two-terminal transcripts, replayed: a netcat client against
//! an echo server, both the programs' real code, in one process over
//! loopback.
//!
//! What the user types goes into the client's standard input through a
//! pipe; what it prints comes out of its standard output line by line.

use std::io::{PipeWriter, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use testkit::{PATIENCE, serve_in_process};

/// A client's terminal: the keyboard end of its stdin, and its screen.
struct Terminal {
    keyboard: Option<PipeWriter>,
    screen: mpsc::Receiver<Vec<u8>>,
    pending: Vec<u8>,
}

/// Its standard output, which hands every write to the terminal.
struct Screen(mpsc::Sender<Vec<u8>>);

/// What Go's errors would call it.
impl common::Named for Screen {
    fn go_name(&self) -> common::GoName {
        common::GoName::File("/dev/stdout".into())
    }
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Terminal {
    /// Runs `client` on a thread of its own, wired to a new terminal.
    fn run<F>(client: F) -> (Terminal, JoinHandle<()>)
    where
        F: FnOnce(std::io::PipeReader, Screen) + Send + 'static,
    {
        let (stdin, keyboard) = std::io::pipe().unwrap();
        let (tx, screen) = mpsc::channel();
        let handle = thread::spawn(move || client(stdin, Screen(tx)));
        let terminal = Terminal {
            keyboard: Some(keyboard),
            screen,
            pending: Vec::new(),
        };
        (terminal, handle)
    }

    fn type_line(&mut self, line: &str) {
        let keyboard = self.keyboard.as_mut().unwrap();
        keyboard.write_all(format!("{line}\n").as_bytes()).unwrap();
    }

    /// `^D`.
    fn end_input(&mut self) {
        self.keyboard = None;
    }

    /// The next line on the screen, without its newline.
    fn next_line(&mut self) -> String {
        while !self.pending.contains(&b'\n') {
            let more = self.screen.recv_timeout(PATIENCE).expect("a line in time");
            self.pending.extend(more);
        }
        let end = self.pending.iter().position(|&b| b == b'\n').unwrap();
        let line: Vec<u8> = self.pending.drain(..=end).collect();
        String::from_utf8(line)
            .unwrap()
            .trim_end_matches('\n')
            .to_string()
    }
}

/// Starts a server's real code on a free loopback port and dials it.
fn dial(serve: fn(std::net::TcpListener, Duration), delay: Duration) -> TcpStream {
    let addr = serve_in_process(move |listener| serve(listener, delay));
    common::dial(&addr).unwrap()
}

/// "Notice that the third shout from the client is not dealt with until the
/// second shout has petered out."
#[test]
fn reverb1_with_netcat2() {
    let conn = dial(reverb1::serve, Duration::from_millis(300));
    let (mut term, _) = Terminal::run(move |stdin, stdout| netcat2::run(conn, stdin, stdout));
    term.type_line("Hello?");
    assert_eq!(term.next_line(), "\t HELLO?");
    assert_eq!(term.next_line(), "\t Hello?");
    assert_eq!(term.next_line(), "\t hello?");
    term.type_line("Is there anybody there?");
    assert_eq!(term.next_line(), "\t IS THERE ANYBODY THERE?");
    term.type_line("Yooo-hooo!");
    assert_eq!(term.next_line(), "\t Is there anybody there?");
    assert_eq!(term.next_line(), "\t is there anybody there?");
    assert_eq!(term.next_line(), "\t YOOO-HOOO!");
    assert_eq!(term.next_line(), "\t Yooo-hooo!");
    assert_eq!(term.next_line(), "\t yooo-hooo!");
}

/// "Now the echoes are concurrent and overlap in time", and netcat3 waits
/// for its background thread before it returns.
#[test]
fn reverb2_with_netcat3() {
    let conn = dial(reverb2::serve, Duration::from_secs(1));
    let (mut term, client) = Terminal::run(move |stdin, stdout| netcat3::run(conn, stdin, stdout));
    term.type_line("Is there anybody there?");
    assert_eq!(term.next_line(), "\t IS THERE ANYBODY THERE?");
    term.type_line("Yooo-hooo!");
    let mut rest: Vec<String> = (0..5).map(|_| term.next_line()).collect();
    // The second shout is heard before the first has faded.
    let at = |line: &str| rest.iter().position(|l| l == line).unwrap();
    assert!(
        at("\t YOOO-HOOO!") < at("\t is there anybody there?"),
        "{rest:?}"
    );
    rest.sort();
    assert_eq!(
        rest,
        [
            "\t Is there anybody there?",
            "\t YOOO-HOOO!",
            "\t Yooo-hooo!",
            "\t is there anybody there?",
            "\t yooo-hooo!"
        ]
    );
    term.end_input();
    client.join().expect("netcat3 returns once input ends");
}
