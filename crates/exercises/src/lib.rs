//! The exercises' library. Each exercise is a binary in `src/bin/`; what
//! another crate needs of one is here instead, in a module named after it,
//! and its binary uses it from here too.
//!
//! | module         | exercise | used by                                   |
//! |----------------|----------|-------------------------------------------|
//! | [`mandelbrot`] | 8.5      | `src/bin/mandelbrot.rs`; `bench mandelbrot`, which times its renderers |

pub mod mandelbrot;
