//! What the tests of the echo servers (reverb2, and reverb_idle and
//! reverb_wait, the exercises 8.8 and 8.4 on it) share.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use crate::PATIENCE;

/// The echoes of `shout`, loud, as it came, quiet: the three lines
/// (`\t SHOUT\n`, `\t Shout\n`, `\t shout\n`) a reverb sends back.
pub fn echoes_of(shout: &str) -> Vec<Vec<u8>> {
    [
        shout.to_uppercase(),
        shout.to_string(),
        shout.to_lowercase(),
    ]
    .map(|e| format!("\t {e}\n").into_bytes())
    .to_vec()
}

/// Asserts that the reverb at `addr`, started with a delay of a second or
/// more, resets the connection at once when a line over 64 KiB comes while
/// an echo is under way, as Go's does: its `Close` makes the echoes' later
/// writes fail, so after `\t HI` nothing more comes, not `\t hi` twice.
pub fn assert_a_long_line_cuts_off_the_echoes(addr: &str) {
    let mut conn = TcpStream::connect(addr).expect("connect");
    conn.set_read_timeout(Some(PATIENCE)).expect("SO_RCVTIMEO");
    let mut reader = BufReader::new(conn.try_clone().expect("try_clone"));
    conn.write_all(b"hi\n").expect("a shout");
    let mut loud = Vec::new();
    reader.read_until(b'\n', &mut loud).expect("the loud echo");
    assert_eq!(loud, b"\t HI\n");
    // The server may reset before it has read it all: a failed write is fine.
    let _ = conn.write_all(&[vec![b'x'; 100_000], b"\n".to_vec()].concat());
    let mut rest = Vec::new();
    let err = reader.read_to_end(&mut rest).expect_err("a reset");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
    let rest = String::from_utf8_lossy(&rest);
    assert!(rest.is_empty(), "echoes after the long line: {rest:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loud_as_it_came_then_quiet() {
        assert_eq!(
            echoes_of("Hello"),
            [
                b"\t HELLO\n".to_vec(),
                b"\t Hello\n".to_vec(),
                b"\t hello\n".to_vec()
            ]
        );
    }
}
