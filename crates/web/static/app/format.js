// Formatting of times, numbers and the log's own values for display.
import { locale, t } from "./i18n.js";

export function dateTime(iso, precision = "minute") {
  if (!iso) return "—";
  const date = new Date(iso);
  const options = { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" };
  if (precision === "minute" || precision === "hour") {
    options.hour = "2-digit";
    options.minute = "2-digit";
    options.hourCycle = "h23";
  }
  if (precision === "month") delete options.day;
  const text = new Intl.DateTimeFormat(locale(), options).format(date);
  return precision === "minute" || precision === "hour" ? `${text} UTC` : text;
}

export function number(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

/** "3 d 4 h left" or "overdue by 2 h", from a number of seconds. */
export function timeLeft(seconds) {
  const abs = Math.abs(seconds);
  const days = Math.floor(abs / 86400);
  const hours = Math.floor((abs % 86400) / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  const span = days > 0 ? t("time.days_hours", { d: days, h: hours }) : hours > 0 ? t("time.hours_minutes", { h: hours, m: minutes }) : t("time.minutes", { m: minutes });
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
