//! `presigner-images process FILE [--type MEDIA_TYPE] --out DIR`: runs the image core on a
//! file, as the upload pipeline will, writes the variants into DIR and prints one JSON line
//! per variant (its name, size, type, bytes, what was removed, the ICC outcome). A refused
//! image, like any other failure, is one line on stderr and exit status 2, as `presign` does.
//!
//! Without `--type`, the declared type is taken from FILE's extension (.png, .jpg, .jpeg,
//! .gif, .webp), as a browser would label the upload.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use presigner_images::{process, DeclaredType, IccOutcome, Processed, Settings, Variant};

const USAGE: &str =
    "usage: presigner-images process FILE [--type MEDIA_TYPE] [--quality 1-100] --out DIR
       presigner-images --help | --version

Verifies FILE as an image of MEDIA_TYPE (default: from FILE's extension), strips its metadata
but the ICC profile, applies its EXIF orientation, and writes two variants to DIR:
NAME.thumb.EXT (at most 400x800) and NAME.display.EXT (at most 2048x2048), JPEG when opaque,
PNG when transparent. Prints one JSON line per variant; a refused image is one line on stderr
and exit status 2.";

struct Args {
    file: PathBuf,
    declared: Option<String>,
    quality: Option<u8>,
    out: PathBuf,
}

fn parse(mut args: impl Iterator<Item = std::ffi::OsString>) -> Result<Args, String> {
    let text = |a: std::ffi::OsString| {
        a.into_string()
            .map_err(|_| "arguments must be UTF-8".to_string())
    };
    match args.next().map(text).transpose()?.as_deref() {
        Some("process") => {}
        Some(other) => return Err(format!("unknown command {other:?}; try --help")),
        None => return Err(USAGE.to_string()),
    }
    let (mut file, mut declared, mut quality, mut out) = (None, None, None, None);
    while let Some(arg) = args.next() {
        let arg = text(arg)?;
        let mut value = |name: &str| {
            args.next()
                .map(text)
                .transpose()?
                .ok_or(format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--type" => declared = Some(value("--type")?),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--quality" => {
                let q: u8 = value("--quality")?
                    .parse()
                    .map_err(|_| "--quality must be 1 to 100")?;
                if !(1..=100).contains(&q) {
                    return Err("--quality must be 1 to 100".into());
                }
                quality = Some(q);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path if file.is_none() => file = Some(PathBuf::from(path)),
            _ => return Err("only one FILE".into()),
        }
    }
    Ok(Args {
        file: file.ok_or("FILE is missing; try --help")?,
        declared,
        quality,
        out: out.ok_or("--out DIR is missing")?,
    })
}

/// The media type a browser would give FILE, from its extension.
fn type_from_extension(file: &Path) -> Option<&'static str> {
    let ext = file.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn describe(path: &Path, variant: &Variant, processed: &Processed) -> String {
    let r = &processed.removed;
    let icc = match processed.icc {
        IccOutcome::Absent => "absent",
        IccOutcome::Kept => "kept",
        IccOutcome::Dropped => "dropped",
    };
    format!(
        "{{\"variant\":\"{}\",\"file\":{},\"width\":{},\"height\":{},\"type\":\"{}\",\"bytes\":{},\
\"source\":{{\"type\":\"{}\",\"width\":{},\"height\":{}}},\"icc\":\"{icc}\",\
\"removed\":{{\"exif\":{},\"gps\":{},\"orientation\":{},\"xmp\":{},\"iptc\":{},\"comments\":{},\
\"text\":{},\"other\":{},\"frames\":{},\"trailing_bytes\":{}}}}}",
        variant.name.as_str(),
        json_string(&path.display().to_string()),
        variant.width,
        variant.height,
        variant.media_type(),
        variant.bytes.len(),
        processed.kind.media_type(),
        processed.width,
        processed.height,
        r.exif,
        r.gps,
        r.orientation,
        r.xmp,
        r.iptc,
        r.comments,
        r.text,
        r.other,
        r.frames,
        r.trailing_bytes,
    )
}

fn run(args: Args) -> Result<String, String> {
    let media_type = match &args.declared {
        Some(t) => t.as_str(),
        None => type_from_extension(&args.file)
            .ok_or("FILE's extension names no supported type; give --type")?,
    };
    let declared = DeclaredType::from_media_type(media_type)
        .map_err(|r| format!("refused ({}): {r}", r.code()))?;
    let mut settings = Settings::default();
    if let Some(q) = args.quality {
        settings.jpeg_quality = q;
    }
    // Read no more than the limit allows, plus one byte to tell "over" from "at".
    let file =
        std::fs::File::open(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, settings.limits.max_bytes + 1),
        &mut bytes,
    )
    .map_err(|e| format!("{}: {e}", args.file.display()))?;
    let processed =
        process(&bytes, declared, &settings).map_err(|r| format!("refused ({}): {r}", r.code()))?;
    drop(bytes);
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let stem = args
        .file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("image");
    let mut lines = String::new();
    for variant in &processed.variants {
        let ext = match variant.kind {
            presigner_images::ImageKind::Png => "png",
            _ => "jpg",
        };
        let path = args
            .out
            .join(format!("{stem}.{}.{ext}", variant.name.as_str()));
        std::fs::write(&path, &variant.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        lines.push_str(&describe(&path, variant, &processed));
        lines.push('\n');
    }
    Ok(lines)
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).peekable();
    let result = if args.peek().is_some_and(|a| a == "--version") {
        Ok(format!("presigner-images {}\n", env!("CARGO_PKG_VERSION")))
    } else if args.peek().is_some_and(|a| a == "--help" || a == "-h") {
        Ok(format!("{USAGE}\n"))
    } else {
        parse(args).and_then(run)
    };
    match result {
        // A failed write (a closed pipe, a full disk) is reported, never a panic.
        Ok(lines) => match std::io::stdout().write_all(lines.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("presigner-images: stdout: {e}");
                ExitCode::from(2)
            }
        },
        Err(message) => {
            // One line, whatever the failure (with no arguments: the synopsis).
            eprintln!("presigner-images: {}", message.lines().next().unwrap_or(""));
            ExitCode::from(2)
        }
    }
}
