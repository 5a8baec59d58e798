//! The file types an attachment may have ([`FileType`]): PNG, JPEG and WebP images (their
//! magic bytes checked, not only the declared type) and UTF-8 text, CSV and iCalendar files.

/// A type an attachment may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// `image/png`.
    Png,
    /// `image/jpeg`.
    Jpeg,
    /// `image/webp`.
    Webp,
    /// `text/plain`.
    Text,
    /// `text/csv`.
    Csv,
    /// `text/calendar` (`.ics`).
    Calendar,
}

/// What is accepted, for error messages.
pub const ACCEPTED: &str = "PNG, JPEG or WebP images, or text (.txt), CSV (.csv) or calendar (.ics) files";

impl FileType {
    /// The type a declared MIME type names (parameters such as `; charset=utf-8` ignored); for
    /// an empty or generic type (`application/octet-stream`) the file name's extension decides.
    pub fn of(mime_type: &str, name: &str) -> Option<Self> {
        let essence = mime_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "image/png" => Some(Self::Png),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(Self::Jpeg),
            "image/webp" => Some(Self::Webp),
            "text/plain" => Some(Self::Text),
            "text/csv" | "application/csv" => Some(Self::Csv),
            "text/calendar" => Some(Self::Calendar),
            "" | "application/octet-stream" => Self::of_extension(name),
            _ => None,
        }
    }

    fn of_extension(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Self::Png),
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "webp" => Some(Self::Webp),
            "txt" | "text" | "md" => Some(Self::Text),
            "csv" => Some(Self::Csv),
            "ics" => Some(Self::Calendar),
            _ => None,
        }
    }

    /// The canonical MIME type stored and sent.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Text => "text/plain",
            Self::Csv => "text/csv",
            Self::Calendar => "text/calendar",
        }
    }

    /// Whether it is a picture (shown with a preview; read by vision models only).
    pub fn is_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Webp)
    }

    /// Checks the bytes are what the type says: an image's signature, a text file's UTF-8
    /// (no NUL). The error says what was wrong.
    pub fn check(self, bytes: &[u8]) -> Result<(), String> {
        let image = |ok: bool, what: &str| {
            if ok { Ok(()) } else { Err(format!("the file is not a {what} image (its bytes say otherwise)")) }
        };
        match self {
            Self::Png => image(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "PNG"),
            Self::Jpeg => image(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "JPEG"),
            Self::Webp => {
                image(bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP", "WebP")
            }
            Self::Text | Self::Csv | Self::Calendar => {
                let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_owned())?;
                if text.contains('\0') {
                    return Err("the file is not text (it contains NUL bytes)".into());
                }
                if self == Self::Calendar && !text.contains("BEGIN:VCALENDAR") {
                    return Err("the file is not an iCalendar file (no BEGIN:VCALENDAR)".into());
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FileType;

    #[test]
    fn declared_types_and_extensions_name_the_accepted_types_only() {
        let cases = [
            ("image/png", "a.png", Some(FileType::Png)),
            ("IMAGE/JPEG", "a", Some(FileType::Jpeg)),
            ("text/plain; charset=utf-8", "a", Some(FileType::Text)),
            ("", "list.CSV", Some(FileType::Csv)),
            ("application/octet-stream", "cal.ics", Some(FileType::Calendar)),
            ("application/pdf", "a.pdf", None),
            ("image/gif", "a.gif", None),
            ("", "noext", None),
        ];
        for (mime, name, expected) in cases {
            assert_eq!(FileType::of(mime, name), expected, "{mime} {name}");
        }
    }

    #[test]
    fn bytes_must_match_the_declared_type() {
        assert!(FileType::Png.check(b"\x89PNG\r\n\x1a\nrest").is_ok());
        assert!(FileType::Png.check(b"hello, not a png").is_err());
        assert!(FileType::Jpeg.check(&[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
        assert!(FileType::Webp.check(b"RIFF\x00\x00\x00\x00WEBPVP8 ").is_ok());
        assert!(FileType::Webp.check(b"RIFF\x00\x00\x00\x00WAVE").is_err());
        assert!(FileType::Text.check("buy milk\nدودھ".as_bytes()).is_ok());
        assert!(FileType::Text.check(&[0xFF, 0xFE, 0x00]).is_err());
        assert!(FileType::Calendar.check(b"hello").is_err());
    }
}
