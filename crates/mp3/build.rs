//! Links the system's LAME dynamically (Debian: `libmp3lame-dev`). LAME is LGPL: a dynamic
//! link keeps Ringdesk's own licence and lets the library be replaced.
fn main() {
    println!("cargo:rustc-link-lib=dylib=mp3lame");
}
