//! What the tests of the echo servers (reverb_idle and reverb_wait, the
//! exercises 8.8 and 8.4 on reverb2) share.

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
