//! Problem titles in the reader's language: the `title` of every
//! `application/problem+json` answer is given in the interface language the
//! request's `Accept-Language` prefers (English, Arabic, Urdu, Pashto, Dari,
//! Turkish), with `Content-Language` saying which, and English for any other.
//!
//! Only the `title` is translated: it names the problem type, so one
//! sentence per type serves every request. The `type` URI and `code` stay as
//! they are (clients dispatch on them), and `detail` stays English (it is
//! built from the record at hand and names fields and rules exactly). No
//! plural or formatting rules are needed for fixed titles, hence no ICU or
//! Fluent dependency here.
//!
//! The rewrite is one middleware over every response, so problems raised
//! outside handlers (timeouts, rate limits, extractors' rejections) are
//! translated too.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Where problem types live (as in `error.rs`).
const PROBLEMS: &str = "https://truce.example/problems/";

/// A problem body larger than this is passed on untranslated (they are a
/// few hundred bytes; this only bounds what is read back into memory).
const MAX_PROBLEM_BYTES: u64 = 64 * 1024;

/// An interface language, as the web UI's catalogs name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    En,
    Ar,
    Ur,
    Ps,
    Prs,
    Tr,
}

impl Language {
    /// The BCP 47 tag for `Content-Language` (Dari is `prs`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ar => "ar",
            Language::Ur => "ur",
            Language::Ps => "ps",
            Language::Prs => "prs",
            Language::Tr => "tr",
        }
    }

    /// The language a single language range names, if it is one of ours.
    /// Persian (`fa`, `fa-IR`…) is given Dari: closer than English to a
    /// Persian reader, and `fa-AF` is Dari itself. Pashto's regional codes
    /// (`pbt`, `pbu`, `pst`) are Pashto.
    fn of_range(range: &str) -> Option<Language> {
        let primary = range.split('-').next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" | "*" => Some(Language::En),
            "ar" => Some(Language::Ar),
            "ur" => Some(Language::Ur),
            "ps" | "pbt" | "pbu" | "pst" => Some(Language::Ps),
            "prs" | "fa" => Some(Language::Prs),
            "tr" => Some(Language::Tr),
            _ => None,
        }
    }

    /// The language `Accept-Language` prefers among ours (RFC 9110 §12.5.4:
    /// ranges by weight, the first listed first among equals, `q=0` never),
    /// English when it names none of them or cannot be read.
    pub fn negotiate(accept_language: Option<&str>) -> Language {
        let Some(header) = accept_language else {
            return Language::En;
        };
        let mut ranges: Vec<(u16, usize, Language)> = header
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
                let language = Language::of_range(range)?;
                (weight > 0).then_some((weight, position, language))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges.first().map_or(Language::En, |r| r.2)
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

/// Every problem type's title: `(slug, [en, ar, ur, ps, prs, tr])`. The
/// English title is the one `error.rs` gives; a test holds them together.
pub const TITLES: &[(&str, [&str; 6])] = &[
    (
        "bad-request",
        [
            "The request is malformed",
            "صيغة الطلب غير صحيحة",
            "درخواست درست شکل میں نہیں",
            "غوښتنه سمه بڼه نه لري",
            "درخواست ساختار درست ندارد",
            "İstek hatalı biçimde",
        ],
    ),
    (
        "unauthorized",
        [
            "Sign in first",
            "سجّل الدخول أولًا",
            "پہلے سائن اِن کریں",
            "لومړی ننوځئ",
            "نخست وارد شوید",
            "Önce giriş yapın",
        ],
    ),
    (
        "forbidden",
        [
            "Not shared with you",
            "غير مشترك معك",
            "آپ کے ساتھ شیئر نہیں کیا گیا",
            "له تاسو سره نه دی شریک شوی",
            "با شما شریک نشده است",
            "Sizinle paylaşılmadı",
        ],
    ),
    (
        "not-found",
        [
            "Not found",
            "غير موجود",
            "نہیں ملا",
            "ونه موندل شو",
            "پیدا نشد",
            "Bulunamadı",
        ],
    ),
    (
        "method-not-allowed",
        [
            "Not a method this endpoint answers",
            "نقطة الوصول هذه لا تجيب عن هذا الأسلوب",
            "یہ اینڈپوائنٹ اس طریقے کا جواب نہیں دیتا",
            "دا ورځای دې میتود ته ځواب نه ورکوي",
            "این نقطهٔ دسترسی به این متد پاسخ نمی‌دهد",
            "Bu uç nokta bu yöntemi yanıtlamıyor",
        ],
    ),
    (
        "conflict",
        ["Conflict", "تعارض", "تضاد", "ټکر", "تعارض", "Çakışma"],
    ),
    (
        "rejected",
        [
            "The log refused the record",
            "رفض السجل القيد",
            "رجسٹر نے اندراج مسترد کر دیا",
            "ثبت دفتر ثبت رد کړ",
            "دفتر ثبت این ثبت را رد کرد",
            "Kayıt defteri kaydı reddetti",
        ],
    ),
    (
        "rule",
        [
            "The record breaks a rule of its kind",
            "القيد يخالف قاعدة من قواعد نوعه",
            "اندراج اپنی قسم کے ایک قاعدے کی خلاف ورزی کرتا ہے",
            "ثبت د خپل ډول یوه قاعده ماتوي",
            "این ثبت یکی از قواعد نوع خود را نقض می‌کند",
            "Kayıt, türünün bir kuralını çiğniyor",
        ],
    ),
    (
        "digest-mismatch",
        [
            "The content does not match its declared digest",
            "المحتوى لا يطابق البصمة المعلنة له",
            "مواد اپنے اعلان کردہ ڈائجسٹ سے مطابقت نہیں رکھتا",
            "منځپانګه له خپل اعلان شوي ډایجسټ سره سمون نه لري",
            "محتوا با چکیدهٔ اعلام‌شدهٔ خود مطابقت ندارد",
            "İçerik, bildirilen özet değeriyle uyuşmuyor",
        ],
    ),
    (
        "range-not-satisfiable",
        [
            "The range is outside the blob",
            "النطاق المطلوب خارج حدود الملف",
            "مانگی گئی حد فائل سے باہر ہے",
            "غوښتل شوې برخه له فایل څخه بهر ده",
            "محدودهٔ درخواست‌شده بیرون از فایل است",
            "İstenen aralık dosyanın dışında",
        ],
    ),
    (
        "evidence-unavailable",
        [
            "Evidence cannot be stored right now",
            "لا يمكن حفظ الأدلة الآن",
            "اس وقت ثبوت محفوظ نہیں کیا جا سکتا",
            "اوس شواهد نه شي ساتل کېدای",
            "اکنون شواهد ذخیره شده نمی‌تواند",
            "Kanıt şu anda saklanamıyor",
        ],
    ),
    (
        "contradictory",
        [
            "The request is well formed but contradicts itself",
            "الطلب سليم الصيغة لكنه يناقض نفسه",
            "درخواست درست شکل میں ہے مگر اپنی ہی تردید کرتی ہے",
            "غوښتنه سمه بڼه لري خو له ځان سره په ټکر کې ده",
            "درخواست ساختار درست دارد اما با خودش در تناقض است",
            "İstek doğru biçimde ama kendisiyle çelişiyor",
        ],
    ),
    (
        "too-large",
        [
            "Too large",
            "كبير جدًا",
            "بہت بڑا",
            "ډېر لوی",
            "بیش از حد بزرگ",
            "Çok büyük",
        ],
    ),
    (
        "unsupported-media-type",
        [
            "The body's Content-Type is not one this endpoint reads",
            "نوع المحتوى (Content-Type) في جسم الطلب ليس مما تقرؤه نقطة الوصول هذه",
            "درخواست کے متن کا Content-Type ایسا نہیں جسے یہ اینڈپوائنٹ پڑھتا ہو",
            "د غوښتنې د متن Content-Type داسې نه دی چې دا ورځای یې لولي",
            "Content-Type متن درخواست از نوعی نیست که این نقطهٔ دسترسی بخواند",
            "Gövdenin Content-Type değeri bu uç noktanın okuduğu türlerden değil",
        ],
    ),
    (
        "timeout",
        [
            "The request took too long",
            "استغرق الطلب وقتًا أطول من اللازم",
            "درخواست میں بہت زیادہ وقت لگا",
            "غوښتنې ډېر وخت ونیو",
            "درخواست بیش از حد طول کشید",
            "İstek çok uzun sürdü",
        ],
    ),
    (
        "rate-limited",
        [
            "Too many requests",
            "طلبات كثيرة جدًا",
            "بہت زیادہ درخواستیں",
            "ډېرې زیاتې غوښتنې",
            "درخواست‌های بیش از حد",
            "Çok fazla istek",
        ],
    ),
    (
        "unavailable",
        [
            "The log cannot take records right now",
            "لا يستطيع السجل قبول قيود الآن",
            "رجسٹر اس وقت اندراجات نہیں لے سکتا",
            "ثبت دفتر اوس ثبتونه نه شي اخیستلی",
            "دفتر ثبت اکنون ثبت‌ها را پذیرفته نمی‌تواند",
            "Kayıt defteri şu anda kayıt alamıyor",
        ],
    ),
    (
        "indexing",
        [
            "The server is still indexing the log",
            "لا يزال الخادم يفهرس السجل",
            "سرور ابھی رجسٹر کی فہرست سازی کر رہا ہے",
            "سرور لا تر اوسه د ثبت دفتر فهرست جوړوي",
            "سرور هنوز در حال فهرست‌سازی دفتر ثبت است",
            "Sunucu kayıt defterini hâlâ dizinliyor",
        ],
    ),
    (
        "internal",
        [
            "Something went wrong on the server",
            "حدث خطأ في الخادم",
            "سرور پر کچھ غلط ہو گیا",
            "په سرور کې یوه ستونزه رامنځته شوه",
            "در سرور مشکلی پیش آمد",
            "Sunucuda bir şeyler ters gitti",
        ],
    ),
];

/// The title of the problem type `slug` in `language`, if the type is known.
pub fn title(slug: &str, language: Language) -> Option<&'static str> {
    let (_, titles) = TITLES.iter().find(|(s, _)| *s == slug)?;
    let column = match language {
        Language::En => 0,
        Language::Ar => 1,
        Language::Ur => 2,
        Language::Ps => 3,
        Language::Prs => 4,
        Language::Tr => 5,
    };
    titles.get(column).copied()
}

/// The slug of a problem `type` URI (a rule's type is the "rule" slug).
fn slug(kind: &str) -> Option<&str> {
    let rest = kind.strip_prefix(PROBLEMS)?;
    Some(if rest.starts_with("rule/") {
        "rule"
    } else {
        rest
    })
}

/// The middleware: problem answers get their title in the negotiated
/// language, `Content-Language` and `Vary: Accept-Language`.
pub async fn localize_problems(request: Request, next: Next) -> Response {
    let language = Language::negotiate(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let response = next.run(request).await;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-language"));
    let small = axum::body::HttpBody::size_hint(&body)
        .exact()
        .is_some_and(|n| n <= MAX_PROBLEM_BYTES);
    if !small {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_PROBLEM_BYTES as usize).await {
        Ok(bytes) => bytes,
        // Its size was exact and within the bound, so this does not happen;
        // if it did, the body is gone: say so rather than send half of it.
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    let (body, translated) = translate(&bytes, language);
    let content_language = if translated { language } else { Language::En };
    parts.headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(content_language.tag()),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The problem body with its English title replaced by `language`'s, and
/// whether it was (a title it does not know, or English, is left as is). The
/// rest of the body is kept byte for byte: only the `"title":"…"` member's
/// value changes.
fn translate(bytes: &[u8], language: Language) -> (Vec<u8>, bool) {
    let unchanged = || (bytes.to_vec(), language == Language::En);
    if language == Language::En {
        return unchanged();
    }
    let Ok(problem) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return (bytes.to_vec(), false);
    };
    let found = problem
        .get("type")
        .and_then(|k| k.as_str())
        .and_then(slug)
        .and_then(|s| Some((title(s, Language::En)?, title(s, language)?)));
    let Some((english, translated)) = found else {
        return (bytes.to_vec(), false);
    };
    if problem.get("title").and_then(|t| t.as_str()) != Some(english) {
        return (bytes.to_vec(), false);
    }
    let (Ok(from), Ok(to)) = (
        serde_json::to_string(english),
        serde_json::to_string(translated),
    ) else {
        return (bytes.to_vec(), false);
    };
    let text = String::from_utf8_lossy(bytes);
    let member = format!("\"title\":{from}");
    if !text.contains(&member) {
        return (bytes.to_vec(), false);
    }
    let replaced = text.replacen(&member, &format!("\"title\":{to}"), 1);
    (replaced.into_bytes(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_heaviest_of_ours() {
        let pick = |h: &str| Language::negotiate(Some(h));
        assert_eq!(pick("ur"), Language::Ur);
        assert_eq!(pick("ur-PK,ur;q=0.9,en;q=0.8"), Language::Ur);
        assert_eq!(pick("de-DE, fr;q=0.9"), Language::En);
        assert_eq!(pick("de, tr;q=0.5"), Language::Tr);
        assert_eq!(pick("en;q=0.5, ps;q=0.8"), Language::Ps);
        assert_eq!(pick("fa-AF"), Language::Prs);
        assert_eq!(pick("prs, ar"), Language::Prs);
        assert_eq!(pick("ar;q=0, tr"), Language::Tr);
        assert_eq!(pick("AR-eg"), Language::Ar);
        assert_eq!(pick("*"), Language::En);
        assert_eq!(pick("ur;q=2"), Language::En, "an invalid weight");
        assert_eq!(pick(""), Language::En);
        assert_eq!(Language::negotiate(None), Language::En);
    }

    #[test]
    fn every_problem_type_has_a_title_in_every_language() {
        for (slug, titles) in TITLES {
            for (i, t) in titles.iter().enumerate() {
                assert!(!t.trim().is_empty(), "{slug}: title {i} is empty");
            }
            let others = &titles[1..];
            assert!(
                !others.contains(&titles[0]),
                "{slug}: a translation is the English title"
            );
        }
    }

    /// The English titles here are the ones error.rs answers with, and
    /// every problem type error.rs has is here.
    #[tokio::test]
    async fn the_english_titles_are_error_rs_s() {
        use crate::error::ApiError;
        use axum::response::IntoResponse;
        let m = || String::from("m");
        let errors = [
            ApiError::BadRequest(m()),
            ApiError::Unauthorized(m()),
            ApiError::Forbidden(m()),
            ApiError::NotFound(m()),
            ApiError::MethodNotAllowed(m()),
            ApiError::Conflict(m()),
            ApiError::Rejected(m()),
            ApiError::Contradictory(m()),
            ApiError::DigestMismatch(m()),
            ApiError::TooLarge(m()),
            ApiError::UnsupportedMediaType(m()),
            ApiError::TooManyRequests(m()),
            ApiError::Timeout(m()),
            ApiError::RangeNotSatisfiable { len: 1 },
            ApiError::Unavailable(m()),
            ApiError::EvidenceUnavailable(m()),
            ApiError::Indexing {
                indexed: 1,
                size: 2,
                retry_after_secs: 1,
            },
            ApiError::Internal(m()),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for error in errors {
            let body = axum::body::to_bytes(error.into_response().into_body(), 1 << 16)
                .await
                .unwrap();
            let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let slug = slug(problem["type"].as_str().unwrap()).unwrap().to_string();
            assert_eq!(
                title(&slug, Language::En),
                problem["title"].as_str(),
                "{slug}"
            );
            seen.insert(slug);
        }
        // A rule's problem (its type names the rule) is built the same way.
        seen.insert("rule".into());
        let listed: std::collections::BTreeSet<String> =
            TITLES.iter().map(|(s, _)| s.to_string()).collect();
        assert_eq!(seen, listed);
    }

    #[test]
    fn only_the_title_changes() {
        let body = br#"{"type":"https://truce.example/problems/rule/incident.unknown_party","title":"The record breaks a rule of its kind","status":422,"detail":"the title \"The record breaks a rule of its kind\" here is detail","code":"incident.unknown_party"}"#;
        let (out, translated) = translate(body, Language::Ur);
        assert!(translated);
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value["title"],
            "اندراج اپنی قسم کے ایک قاعدے کی خلاف ورزی کرتا ہے"
        );
        assert_eq!(
            value["detail"],
            "the title \"The record breaks a rule of its kind\" here is detail"
        );
        assert_eq!(value["code"], "incident.unknown_party");
        let (same, translated) = translate(b"not json", Language::Ar);
        assert_eq!((same.as_slice(), translated), (&b"not json"[..], false));
    }
}
