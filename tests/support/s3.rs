//! The local S3 (s3s-fs) started inside the test process on 127.0.0.1, port 0, over a temp
//! folder, with the fixed local keys; with event notifications when a test gives them (the dev
//! server's processor, which this crate does not depend on: see presigner-local-aws).

use std::path::PathBuf;

use presigner_local_aws as local;

pub struct LocalS3 {
    pub port: u16,
    pub root: PathBuf,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl LocalS3 {
    /// The local S3 without event notifications.
    pub fn start() -> LocalS3 {
        LocalS3::start_with(|_| None)
    }

    /// The local S3, sending the notifications `notifications` makes for its port.
    pub fn start_with(notifications: impl FnOnce(u16) -> Option<local::Notifications>) -> LocalS3 {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let serve_root = root.clone();
        let notifications = notifications(port);
        runtime.spawn(async move {
            local::serve_s3_notifying(
                listener,
                &serve_root,
                &[local::BUCKET],
                &local::LocalOrigins::loopback(),
                notifications,
            )
            .await
        });
        LocalS3 {
            port,
            root,
            _dir: dir,
            _runtime: runtime,
        }
    }

    /// Every object under `prefix` of the local bucket (s3s-fs keeps an object as a file at
    /// its key, and a folder per key prefix).
    pub fn objects_under(&self, prefix: &str) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut folders = vec![self.root.join(local::BUCKET).join(prefix)];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    folders.push(entry.path());
                } else {
                    found.push(entry.path());
                }
            }
        }
        found
    }

    /// The objects still under `uploads/` once the processor is done: it deletes an upload
    /// right after writing the status object a test waits on, so this gives it up to ten
    /// seconds to leave none.
    pub fn uploads_left(&self) -> Vec<PathBuf> {
        let give_up = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let left = self.objects_under("uploads");
            if left.is_empty() || std::time::Instant::now() > give_up {
                return left;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// The file s3s-fs keeps for `key` of the local bucket.
    pub fn object_path(&self, key: &str) -> PathBuf {
        self.root.join(local::BUCKET).join(key)
    }
}

/// A small valid PNG (1x1, red), for uploads to the local S3.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xdd, 0x8d, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];
