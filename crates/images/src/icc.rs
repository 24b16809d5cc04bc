//! The one block of the input that reaches the variants: the ICC colour profile, kept only
//! when it is a well-formed profile for RGB pixels.

use crate::{IccOutcome, Limits, Refusal};

/// Whether `profile` goes into the variants. A profile over the limit refuses the image; a
/// malformed one, or one for another colour space (CMYK, grey), is dropped.
pub(crate) fn keep(profile: Option<&[u8]>, limits: &Limits) -> Result<IccOutcome, Refusal> {
    let Some(profile) = profile else {
        return Ok(IccOutcome::Absent);
    };
    if profile.len() as u64 > limits.max_icc_bytes {
        return Err(Refusal::IccTooLarge {
            bytes: profile.len() as u64,
            limit: limits.max_icc_bytes,
        });
    }
    // ICC.1 header: the profile's size (bytes 0..4), data colour space (16..20) and the
    // signature `acsp` (36..40).
    let well_formed = profile.len() >= 128
        && profile[0..4] == (profile.len() as u32).to_be_bytes()
        && &profile[36..40] == b"acsp"
        && &profile[16..20] == b"RGB ";
    Ok(if well_formed {
        IccOutcome::Kept
    } else {
        IccOutcome::Dropped
    })
}
