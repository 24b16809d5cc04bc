//! The routes the API answers, and which one a request matched.

/// The upload route, as the front end calls it.
pub const UPLOAD_PATH: &str = "/api/upload_url";
/// The browser-form upload route.
pub const UPLOAD_FORM_PATH: &str = "/api/upload_form";
/// The download route.
pub const DOWNLOAD_PATH: &str = "/api/download_url";
/// The batch download route: many images' URLs in one call.
pub const DOWNLOAD_BATCH_PATH: &str = "/api/download_urls";
/// What the routes allow.
pub const ALLOWED_METHODS: &str = "OPTIONS, POST";

/// Which route a request matched, for the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/api/upload_url`
    Upload,
    /// `/api/upload_form`
    UploadForm,
    /// `/api/download_url`
    Download,
    /// `/api/download_urls`
    DownloadBatch,
    /// Anything else.
    Unknown,
}

impl Route {
    /// The route a matched path names.
    pub fn from_path(path: &str) -> Route {
        match path {
            UPLOAD_PATH => Route::Upload,
            UPLOAD_FORM_PATH => Route::UploadForm,
            DOWNLOAD_PATH => Route::Download,
            DOWNLOAD_BATCH_PATH => Route::DownloadBatch,
            _ => Route::Unknown,
        }
    }

    /// The path, or `-`.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Upload => UPLOAD_PATH,
            Route::UploadForm => UPLOAD_FORM_PATH,
            Route::Download => DOWNLOAD_PATH,
            Route::DownloadBatch => DOWNLOAD_BATCH_PATH,
            Route::Unknown => "-",
        }
    }
}
