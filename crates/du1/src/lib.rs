//! Not a listing: what du1 to du4 (and exercise 8.9) take from Go's library.

pub mod readdir;
