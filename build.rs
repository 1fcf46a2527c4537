//! Generates the C header into OUT_DIR; a test compares it with `include/migcfg.h`.

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:rerun-if-changed=ffi/src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).unwrap_or_default();
    match cbindgen::Builder::new()
        .with_config(config)
        .with_src(format!("{dir}/ffi/src/lib.rs"))
        .generate()
    {
        Ok(b) => {
            b.write_to_file(format!("{out}/migcfg.h"));
        }
        Err(e) => {
            println!("cargo:warning=cbindgen failed: {e}");
            std::process::exit(1);
        }
    }
}
