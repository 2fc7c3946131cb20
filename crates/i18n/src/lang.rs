//! Which interface language: by name, and by a request's `Accept-Language`.

/// The interface languages, as the web UI names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Ar,
    Ur,
    Ps,
    /// Dari (Afghan Persian): Afghan usage, as the web UI's `prs.json`.
    Fa,
    Tr,
}

/// Which way a language's paragraphs run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

/// A language code that names none of the interface languages.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an interface language: use one of en, ar, ur, ps, fa, tr")]
pub struct UnknownLang(pub String);

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Ar, Lang::Ur, Lang::Ps, Lang::Fa, Lang::Tr];

    /// The language a report's `lang` names (`fa` is Dari).
    pub fn parse(s: &str) -> Result<Lang, UnknownLang> {
        Ok(match s {
            "en" => Lang::En,
            "ar" => Lang::Ar,
            "ur" => Lang::Ur,
            "ps" => Lang::Ps,
            "fa" => Lang::Fa,
            "tr" => Lang::Tr,
            other => return Err(UnknownLang(other.to_owned())),
        })
    }

    /// The code reports and their records use (`fa` for Dari).
    pub fn as_str(&self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
            Lang::Ur => "ur",
            Lang::Ps => "ps",
            Lang::Fa => "fa",
            Lang::Tr => "tr",
        }
    }

    /// The BCP 47 tag for `Content-Language`: Dari is `prs`, as the web UI
    /// names it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fa => "prs",
            other => other.as_str(),
        }
    }

    /// The CLDR locale: Dari is Afghan Persian, fa-AF, as the web UI has it.
    pub(crate) fn cldr(self) -> &'static str {
        match self {
            Lang::Fa => "fa-AF",
            other => other.as_str(),
        }
    }

    pub fn direction(&self) -> Direction {
        match self {
            Lang::Ar | Lang::Ur | Lang::Ps | Lang::Fa => Direction::Rtl,
            Lang::En | Lang::Tr => Direction::Ltr,
        }
    }

    /// The language a single language range names, if it is one of ours.
    /// Persian (`fa`, `fa-IR`…) is given Dari: closer than English to a
    /// Persian reader, and `fa-AF` is Dari itself. Pashto's regional codes
    /// (`pbt`, `pbu`, `pst`) are Pashto.
    fn of_range(range: &str) -> Option<Lang> {
        let primary = range.split('-').next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" | "*" => Some(Lang::En),
            "ar" => Some(Lang::Ar),
            "ur" => Some(Lang::Ur),
            "ps" | "pbt" | "pbu" | "pst" => Some(Lang::Ps),
            "prs" | "fa" => Some(Lang::Fa),
            "tr" => Some(Lang::Tr),
            _ => None,
        }
    }

    /// The language `Accept-Language` prefers among ours (RFC 9110 §12.5.4:
    /// ranges by weight, the first listed first among equals, `q=0` never),
    /// English when it names none of them or cannot be read.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::En;
        };
        let mut ranges: Vec<(u16, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let range = parts.next()?.trim();
                let mut weight = 1000u16;
                for param in parts {
                    let (key, value) = param.split_once('=')?;
                    if key.trim().eq_ignore_ascii_case("q") {
                        weight = qvalue(value.trim())?;
                    }
                }
                let lang = Lang::of_range(range)?;
                (weight > 0).then_some((weight, position, lang))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges.first().map_or(Lang::En, |r| r.2)
    }
}

/// An RFC 9110 qvalue ("0", "0.5", "1.000") in thousandths.
fn qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}
