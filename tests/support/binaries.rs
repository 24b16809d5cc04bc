//! The workspace's binaries, for tests that run them as a user would. They belong to other
//! packages, so Cargo does not hand their paths to these tests (`CARGO_BIN_EXE_*` is per
//! package): each is built once per test process, with the cargo and profile running the
//! tests, and found where that build puts it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The path of binary `bin` of workspace package `package`, built first.
pub fn binary(package: &str, bin: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<Vec<(String, PathBuf)>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((_, path)) = built.iter().find(|(name, _)| name == bin) {
        return path.clone();
    }
    // This test executable lives in `<target dir>/<profile>/deps/`.
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable sits in <target>/<profile>/deps");
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "build",
        "--quiet",
        "--package",
        package,
        "--bin",
        bin,
    ]);
    if release {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(
        status.success(),
        "cargo build -p {package} --bin {bin} failed"
    );
    let path = profile_dir.join(bin);
    assert!(path.exists(), "{} was not built", path.display());
    built.push((bin.to_owned(), path.clone()));
    path
}

/// A command that runs `binary`, under the emulator the environment variable `runner_variable`
/// names when it is set (`qemu-aarch64`, words split on spaces): how the bootstrap tests run an
/// arm64 artifact on an x86_64 machine.
pub fn command_under_runner(binary: impl AsRef<std::ffi::OsStr>, runner_variable: &str) -> Command {
    let runner = std::env::var(runner_variable).unwrap_or_default();
    let mut words = runner.split_whitespace();
    match words.next() {
        Some(program) => {
            let mut cmd = Command::new(program);
            cmd.args(words).arg(binary);
            cmd
        }
        None => Command::new(binary),
    }
}
