//! The signing time as SigV4 writes it: `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`) and the scope date.

use std::fmt;

use crate::Error;

/// A signing time, UTC, to the second, already formatted the way SigV4 needs it.
///
/// The signer never reads a clock: the caller hands one of these in.
///
/// ```
/// use presigner_sigv4::SigningTime;
/// let t = SigningTime::from_unix_seconds(1_369_353_600).unwrap();
/// assert_eq!(t.amz_date(), "20130524T000000Z");
/// assert_eq!(t.date(), "20130524");
/// assert_eq!(SigningTime::parse_amz_date("20130524T000000Z").unwrap(), t);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SigningTime {
    unix_seconds: i64,
    amz_date: [u8; 16],
}

impl SigningTime {
    /// The time `unix_seconds` after 1970-01-01T00:00:00Z; years 1970 to 9999 only.
    pub fn from_unix_seconds(unix_seconds: i64) -> Result<Self, Error> {
        let at = time::OffsetDateTime::from_unix_timestamp(unix_seconds)
            .map_err(|_| Error::TimeOutOfRange)?;
        if !(1970..=9999).contains(&at.year()) {
            return Err(Error::TimeOutOfRange);
        }
        let mut amz_date = *b"00000000T000000Z";
        put_digits(&mut amz_date[0..4], at.year() as u32);
        put_digits(&mut amz_date[4..6], u8::from(at.month()) as u32);
        put_digits(&mut amz_date[6..8], at.day() as u32);
        put_digits(&mut amz_date[9..11], at.hour() as u32);
        put_digits(&mut amz_date[11..13], at.minute() as u32);
        put_digits(&mut amz_date[13..15], at.second() as u32);
        Ok(SigningTime {
            unix_seconds,
            amz_date,
        })
    }

    /// Parses `YYYYMMDDTHHMMSSZ`, the `X-Amz-Date` form, refusing impossible dates.
    pub fn parse_amz_date(text: &str) -> Result<Self, Error> {
        let b = text.as_bytes();
        let shape_ok = b.len() == 16
            && b[8] == b'T'
            && b[15] == b'Z'
            && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
        if !shape_ok {
            return Err(Error::InvalidAmzDate);
        }
        let num = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let month = time::Month::try_from(num(4..6) as u8).map_err(|_| Error::InvalidAmzDate)?;
        let date = time::Date::from_calendar_date(num(0..4) as i32, month, num(6..8) as u8)
            .map_err(|_| Error::InvalidAmzDate)?;
        let clock = time::Time::from_hms(num(9..11) as u8, num(11..13) as u8, num(13..15) as u8)
            .map_err(|_| Error::InvalidAmzDate)?;
        let unix = time::PrimitiveDateTime::new(date, clock)
            .assume_utc()
            .unix_timestamp();
        Self::from_unix_seconds(unix).map_err(|_| Error::InvalidAmzDate)
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.unix_seconds
    }

    /// `YYYYMMDDTHHMMSSZ`, the value of `X-Amz-Date`.
    pub fn amz_date(&self) -> &str {
        // Only ASCII digits, 'T' and 'Z' are ever written into the array.
        std::str::from_utf8(&self.amz_date).unwrap_or_default()
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339), for people and JSON.
    pub fn rfc3339(&self) -> String {
        let mut out = String::with_capacity(20);
        self.push_rfc3339(&mut out);
        out
    }

    /// Appends [`SigningTime::rfc3339`] to `out`.
    pub fn push_rfc3339(&self, out: &mut String) {
        let d = self.amz_date();
        for (part, then) in [
            (&d[0..4], "-"),
            (&d[4..6], "-"),
            (&d[6..8], "T"),
            (&d[9..11], ":"),
            (&d[11..13], ":"),
            (&d[13..15], "Z"),
        ] {
            out.push_str(part);
            out.push_str(then);
        }
    }

    /// `YYYYMMDD`, the date in the credential scope.
    pub fn date(&self) -> &str {
        &self.amz_date()[..8]
    }
}

fn put_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

impl fmt::Debug for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningTime({})", self.amz_date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let t = SigningTime::from_unix_seconds(1_440_938_160).unwrap();
        assert_eq!(t.amz_date(), "20150830T123600Z");
        assert_eq!(t.rfc3339(), "2015-08-30T12:36:00Z");
        assert_eq!(SigningTime::parse_amz_date("20150830T123600Z").unwrap(), t);
        let last = SigningTime::parse_amz_date("99991231T235959Z").unwrap();
        assert_eq!(last.amz_date(), "99991231T235959Z");
    }

    #[test]
    fn refuses_impossible_or_malformed_dates() {
        for bad in [
            "20150230T000000Z",
            "20151301T000000Z",
            "20150830T240000Z",
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "2015083OT123600Z",
            "",
        ] {
            assert_eq!(
                SigningTime::parse_amz_date(bad),
                Err(Error::InvalidAmzDate),
                "{bad}"
            );
        }
        assert_eq!(
            SigningTime::from_unix_seconds(-1),
            Err(Error::TimeOutOfRange)
        );
        assert_eq!(
            SigningTime::from_unix_seconds(253_402_300_800),
            Err(Error::TimeOutOfRange)
        );
    }
}
