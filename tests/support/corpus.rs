//! Fuzz inputs kept as files (seeds, event fixtures, the fuzzers' finds), read back for the
//! replays that run on stable in every test run.

use std::path::Path;

/// The files of `dir` as (name, bytes), sorted by name, hidden files (`.gitkeep`) left out;
/// `None` when `dir` cannot be read (a target with no finds has no folder).
pub fn files(dir: &Path) -> Option<Vec<(String, Vec<u8>)>> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    files.sort();
    Some(files)
}
