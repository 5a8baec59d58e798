//! What a recording is: its [`AudioFormat`] from the MIME type the client gave, checked
//! against the file's own first bytes (a container's magic), and, for WAV, its duration read
//! from the header. Compressed formats are not decoded: their duration is not known here.

/// The audio formats accepted, as the MIME types that name them.
pub const ACCEPTED: &str = "audio/webm (Opus), audio/ogg, audio/wav, audio/mp4 (m4a), audio/mpeg (mp3)";

/// A container the transcription services read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    /// WebM (Matroska), as Chromium's and Firefox's `MediaRecorder` write it (Opus inside).
    Webm,
    /// Ogg (Opus or Vorbis inside).
    Ogg,
    /// RIFF WAVE.
    Wav,
    /// MPEG-4 audio (`.m4a`), as Safari's `MediaRecorder` writes it.
    Mp4,
    /// MPEG audio layer III.
    Mp3,
}

impl AudioFormat {
    /// The format `mime` names (parameters such as `;codecs=opus` ignored, case-insensitive),
    /// or None for any other type.
    pub fn from_mime(mime: &str) -> Option<Self> {
        let essence = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        Some(match essence.as_str() {
            "audio/webm" | "video/webm" => Self::Webm,
            "audio/ogg" | "audio/opus" | "application/ogg" => Self::Ogg,
            "audio/wav" | "audio/wave" | "audio/x-wav" | "audio/vnd.wave" => Self::Wav,
            "audio/mp4" | "audio/m4a" | "audio/x-m4a" | "audio/aac" | "video/mp4" => Self::Mp4,
            "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mpeg-3" => Self::Mp3,
            _ => return None,
        })
    }

    /// The file name extension the transcription services recognise the format by.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Webm => "webm",
            Self::Ogg => "ogg",
            Self::Wav => "wav",
            Self::Mp4 => "m4a",
            Self::Mp3 => "mp3",
        }
    }

    /// The MIME type sent upstream with the file.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Webm => "audio/webm",
            Self::Ogg => "audio/ogg",
            Self::Wav => "audio/wav",
            Self::Mp4 => "audio/mp4",
            Self::Mp3 => "audio/mpeg",
        }
    }

    /// Whether `bytes` start the way a file of this format does.
    pub fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Self::Webm => bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]),
            Self::Ogg => bytes.starts_with(b"OggS"),
            Self::Wav => bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WAVE",
            Self::Mp4 => bytes.len() >= 8 && &bytes[4..8] == b"ftyp",
            // An ID3 tag, or straight into an MPEG frame (11 sync bits).
            Self::Mp3 => {
                bytes.starts_with(b"ID3") || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
            }
        }
    }
}

/// The duration of a WAV file in seconds, from its `fmt ` chunk's byte rate and its `data`
/// chunk's length (what is actually there when the header's size is unset, as streaming
/// writers leave it); None when the header cannot be read.
pub fn wav_seconds(bytes: &[u8]) -> Option<f64> {
    let u32_at = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let mut at = 12;
    let mut byte_rate = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32_at(at + 4)? as usize;
        let body = at + 8;
        if id == b"fmt " {
            byte_rate = u32_at(body + 8).filter(|r| *r > 0);
        } else if id == b"data" {
            let present = bytes.len() - body;
            let length = if size == 0 || size == u32::MAX as usize { present } else { size.min(present) };
            return byte_rate.map(|rate| length as f64 / f64::from(rate));
        }
        // Chunks are padded to an even length.
        at = body.checked_add(size)?.checked_add(size % 2)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PCM WAV header for `seconds` of 16 kHz mono 16-bit audio, with `data_size` as written.
    fn wav(seconds: usize, data_size: Option<u32>) -> Vec<u8> {
        let rate = 16_000u32 * 2;
        let data = vec![0u8; seconds * rate as usize];
        let mut out = b"RIFF\0\0\0\0WAVE".to_vec();
        out.extend_from_slice(b"LIST\x04\0\0\0INFO");
        out.extend_from_slice(b"fmt \x10\0\0\0\x01\0\x01\0");
        out.extend_from_slice(&16_000u32.to_le_bytes());
        out.extend_from_slice(&rate.to_le_bytes());
        out.extend_from_slice(b"\x02\0\x10\0data");
        out.extend_from_slice(&data_size.unwrap_or(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
        out
    }

    #[test]
    fn mime_types_name_their_format_whatever_the_parameters_and_case() {
        let cases = [
            ("audio/webm;codecs=opus", Some(AudioFormat::Webm)),
            ("Audio/WebM", Some(AudioFormat::Webm)),
            ("audio/ogg; codecs=opus", Some(AudioFormat::Ogg)),
            ("audio/wav", Some(AudioFormat::Wav)),
            ("audio/x-wav", Some(AudioFormat::Wav)),
            ("audio/mp4", Some(AudioFormat::Mp4)),
            ("audio/x-m4a", Some(AudioFormat::Mp4)),
            ("audio/mpeg", Some(AudioFormat::Mp3)),
            ("audio/flac", None),
            ("text/plain", None),
            ("", None),
        ];
        for (mime, want) in cases {
            assert_eq!(AudioFormat::from_mime(mime), want, "{mime}");
        }
    }

    #[test]
    fn a_file_must_start_with_its_formats_magic() {
        assert!(AudioFormat::Webm.matches(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]));
        assert!(AudioFormat::Ogg.matches(b"OggS\0\x02"));
        assert!(AudioFormat::Wav.matches(&wav(0, None)));
        assert!(AudioFormat::Mp4.matches(b"\0\0\0\x20ftypM4A "));
        assert!(AudioFormat::Mp3.matches(b"ID3\x04\0"));
        assert!(AudioFormat::Mp3.matches(&[0xFF, 0xFB, 0x90]));
        assert!(!AudioFormat::Wav.matches(b"OggS\0\x02"));
        assert!(!AudioFormat::Webm.matches(b"RIFF"));
        assert!(!AudioFormat::Mp4.matches(b"ftyp"));
        assert!(!AudioFormat::Mp3.matches(b"hello"));
    }

    #[test]
    fn a_wav_files_duration_comes_from_its_header_or_its_data_when_the_size_is_unset() {
        assert_eq!(wav_seconds(&wav(3, None)), Some(3.0));
        assert_eq!(wav_seconds(&wav(2, Some(u32::MAX))), Some(2.0));
        assert_eq!(wav_seconds(&wav(2, Some(0))), Some(2.0));
        // A header claiming more than is there counts what is there.
        assert_eq!(wav_seconds(&wav(1, Some(10_000_000))), Some(1.0));
        assert_eq!(wav_seconds(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(wav_seconds(b"RIFF\0\0\0\0WAVEdata\x04\0\0\0abcd"), None, "no fmt chunk, no rate");
    }
}
