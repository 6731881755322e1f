//! Transfer syntaxes: which this build decodes, and their names for error messages.

/// How a transfer syntax's pixel data is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Uncompressed little endian (implicit/explicit/deflated): bytes as stored.
    Native,
    /// Uncompressed big endian: 16/32-bit samples are byte-swapped.
    NativeBig,
    /// JPEG 2000 (pydicom applies its J2K sign correction).
    Jpeg2000,
    /// Other encapsulated syntaxes dicom-pixeldata decodes (JPEG, RLE).
    Encapsulated,
    /// Not decodable in this build.
    Unsupported,
}

/// Classifies a transfer syntax UID and gives its name.
pub(crate) fn classify(uid: &str) -> (Kind, &'static str) {
    match uid.trim_end_matches('\0').trim() {
        "1.2.840.10008.1.2" => (Kind::Native, "Implicit VR Little Endian"),
        "1.2.840.10008.1.2.1" => (Kind::Native, "Explicit VR Little Endian"),
        "1.2.840.10008.1.2.1.99" => (Kind::Native, "Deflated Explicit VR Little Endian"),
        "1.2.840.10008.1.2.2" => (Kind::NativeBig, "Explicit VR Big Endian"),
        "1.2.840.10008.1.2.4.50" => (Kind::Encapsulated, "JPEG Baseline (Process 1)"),
        "1.2.840.10008.1.2.4.51" => (Kind::Encapsulated, "JPEG Extended (Process 2 & 4)"),
        "1.2.840.10008.1.2.4.57" => (Kind::Encapsulated, "JPEG Lossless (Process 14)"),
        "1.2.840.10008.1.2.4.70" => (Kind::Encapsulated, "JPEG Lossless SV1"),
        "1.2.840.10008.1.2.5" => (Kind::Encapsulated, "RLE Lossless"),
        "1.2.840.10008.1.2.4.90" => (Kind::Jpeg2000, "JPEG 2000 Lossless"),
        "1.2.840.10008.1.2.4.91" => (Kind::Jpeg2000, "JPEG 2000"),
        "1.2.840.10008.1.2.4.92" => (Kind::Jpeg2000, "JPEG 2000 Part 2 Lossless"),
        "1.2.840.10008.1.2.4.93" => (Kind::Jpeg2000, "JPEG 2000 Part 2"),
        "1.2.840.10008.1.2.4.80" if cfg!(feature = "jpeg-ls") => {
            (Kind::Encapsulated, "JPEG-LS Lossless")
        }
        "1.2.840.10008.1.2.4.81" if cfg!(feature = "jpeg-ls") => {
            (Kind::Encapsulated, "JPEG-LS Near-Lossless")
        }
        "1.2.840.10008.1.2.4.80" => (
            Kind::Unsupported,
            "JPEG-LS Lossless (this build lacks the `jpeg-ls` feature, which needs CMake)",
        ),
        "1.2.840.10008.1.2.4.81" => (
            Kind::Unsupported,
            "JPEG-LS Near-Lossless (this build lacks the `jpeg-ls` feature, which needs CMake)",
        ),
        "1.2.840.10008.1.2.4.201" | "1.2.840.10008.1.2.4.202" | "1.2.840.10008.1.2.4.203" => {
            (Kind::Unsupported, "HTJ2K")
        }
        "1.2.840.10008.1.2.4.110" | "1.2.840.10008.1.2.4.111" | "1.2.840.10008.1.2.4.112" => {
            (Kind::Unsupported, "JPEG XL")
        }
        "1.2.840.10008.1.2.4.100"
        | "1.2.840.10008.1.2.4.101"
        | "1.2.840.10008.1.2.4.102"
        | "1.2.840.10008.1.2.4.103"
        | "1.2.840.10008.1.2.4.104"
        | "1.2.840.10008.1.2.4.105"
        | "1.2.840.10008.1.2.4.106" => (Kind::Unsupported, "MPEG video"),
        _ => (Kind::Unsupported, "unknown transfer syntax"),
    }
}
