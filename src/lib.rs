//! Cross-program tests and channel walk-throughs live in `tests/` and `examples/`.
