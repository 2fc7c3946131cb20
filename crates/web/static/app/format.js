// Formatting of times, numbers and the log's own values for display.
import { currentLanguage, intlOptions, locale, pashtoFormatting, t } from "./i18n.js";

// The Gregorian months as Afghanistan's Pashto writes them, for a browser
// without Pashto formatting data (Chromium has none).
const PASHTO_MONTHS = ["جنوري", "فبروري", "مارچ", "اپرېل", "مۍ", "جون", "جولای", "اګست", "سپټمبر", "اکتوبر", "نومبر", "ډسمبر"];

export function dateTime(iso, precision = "minute") {
  if (!iso) return "—";
  const date = new Date(iso);
  // The Gregorian calendar in every language: Dari's and Pashto's locales
  // default to the Solar Hijri one, and which calendar Afghanistan's
  // authorities use is itself disputed; the record, the agreement and the
  // mediators date things in Gregorian. Month names and digits are the locale's.
  const options = { timeZone: "UTC", calendar: "gregory", year: "numeric", month: "short", day: "numeric" };
  if (precision === "minute" || precision === "hour") {
    options.hour = "2-digit";
    options.minute = "2-digit";
    options.hourCycle = "h23";
  }
  if (precision === "month") delete options.day;
  const formatter = new Intl.DateTimeFormat(locale(), { ...options, ...intlOptions() });
  const text =
    currentLanguage().code === "ps" && !pashtoFormatting()
      ? formatter
          .formatToParts(date)
          .map((part) => (part.type === "month" ? PASHTO_MONTHS[date.getUTCMonth()] : part.value))
          .join("")
      : formatter.format(date);
  return precision === "minute" || precision === "hour" ? `${text} UTC` : text;
}

export function number(n) {
  return new Intl.NumberFormat(locale(), intlOptions()).format(n);
}

/** "3 d 4 h left" or "overdue by 2 h", from a number of seconds. */
export function timeLeft(seconds) {
  const abs = Math.abs(seconds);
  const days = Math.floor(abs / 86400);
  const hours = Math.floor((abs % 86400) / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  const [d, h, m] = [days, hours, minutes].map(number);
  const span = days > 0 ? t("time.days_hours", { d, h }) : hours > 0 ? t("time.hours_minutes", { h, m }) : t("time.minutes", { m });
  return seconds >= 0 ? t("time.left", { span }) : t("time.overdue", { span });
}

export function participantName(id, participants) {
  if (!id) return t("common.none");
  const p = participants?.find((x) => x.id === id);
  return p ? p.name : id;
}

export function degrees(e6) {
  return (e6 / 1e6).toFixed(4);
}

/** A short, copyable form of a base64 hash. */
export function shortHash(hash) {
  return hash ? `${hash.slice(0, 10)}…` : "";
}
