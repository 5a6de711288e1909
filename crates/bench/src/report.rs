//! The results table, in Markdown so it can go straight into PERFORMANCE.md.

/// One measured target.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The program and what was measured.
    pub target: String,
    /// Our figure.
    pub ours: String,
    /// The reference's figure, measured in the same run.
    pub reference: String,
    /// Ours divided by the reference.
    pub ratio: Option<f64>,
    /// What counts as a pass.
    pub goal: String,
    /// Whether it passed; `None` for figures given for information.
    pub pass: Option<bool>,
    /// Go's figure, quoted (Go is not installed here).
    pub go: String,
}

impl Row {
    /// A row for a target that could not be measured.
    pub fn failed(target: &str, goal: &str, go: &str, error: &str) -> Row {
        Row {
            target: target.to_string(),
            ours: format!("error: {error}"),
            goal: goal.to_string(),
            pass: Some(false),
            go: go.to_string(),
            ..Row::default()
        }
    }
}

/// `bytes` as MB (10⁶ bytes, as `ps` and the quoted figures count).
pub fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 * 1024.0 / 1e6)
}

/// A duration in seconds or, below 10 ms, in microseconds.
pub fn secs(d: std::time::Duration) -> String {
    if d.as_secs_f64() < 0.01 {
        format!("{:.2} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// A ratio, `1.07×`, with two significant digits when small (`0.0031×`).
pub fn times(ratio: f64) -> String {
    if ratio >= 0.1 || ratio == 0.0 {
        format!("{ratio:.2}×")
    } else {
        let decimals = (-ratio.log10().floor()) as usize + 1;
        format!("{ratio:.decimals$}×")
    }
}

/// The rows as a Markdown table with aligned columns.
pub fn render(rows: &[Row]) -> String {
    let header = [
        "target",
        "ours",
        "reference (same run)",
        "ratio",
        "goal",
        "pass",
        "Go (quoted)",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|row| {
            [
                row.target.replace('|', "\\|"),
                row.ours.clone(),
                row.reference.clone(),
                row.ratio.map(times).unwrap_or_default(),
                row.goal.clone(),
                match row.pass {
                    Some(true) => "pass".to_string(),
                    Some(false) => "FAIL".to_string(),
                    None => "-".to_string(),
                },
                row.go.clone(),
            ]
        })
        .collect();
    let width = |col: usize| {
        cells
            .iter()
            .map(|c| c[col].chars().count())
            .chain([header[col].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cols: Vec<String>| {
        let padded: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|(text, &w)| format!("{text}{}", " ".repeat(w - text.chars().count())))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    out += &line(widths.iter().map(|&w| "-".repeat(w)).collect());
    for row in cells {
        out += &line(row.to_vec());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_aligned_markdown() {
        let rows = [
            Row {
                target: "spinner fib(45)".to_string(),
                ours: "1.40 s".to_string(),
                reference: "1.25 s".to_string(),
                ratio: Some(1.12),
                goal: "≤ 2.3×".to_string(),
                pass: Some(true),
                go: "4.2 s (3.5×)".to_string(),
            },
            Row::failed("clock2", "≤ 1.2×", "58 MB", "clock2 is missing"),
        ];
        let table = render(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[1].starts_with("| ---"));
        assert!(lines[2].contains("| 1.12× |") && lines[2].contains("| pass |"));
        assert!(lines[3].contains("FAIL") && lines[3].contains("error: clock2 is missing"));
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{table}");
    }

    #[test]
    fn units_read_well() {
        assert_eq!(mb(82_031), "84.0 MB");
        assert_eq!(secs(std::time::Duration::from_millis(1234)), "1.23 s");
        assert_eq!(secs(std::time::Duration::from_nanos(12_346)), "12.35 µs");
        assert_eq!(times(1.071), "1.07×");
        assert_eq!(times(0.0031), "0.0031×");
        assert_eq!(times(0.06), "0.060×");
    }
}
