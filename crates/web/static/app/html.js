// Markup is built by escaping, never by concatenation: `html` is a template
// tag that escapes every `${}` it is given — text or attribute value alike —
// unless the value is itself a fragment made by `html`. Arrays (a `.map`)
// are fragments of fragments, escaped item by item; nothing joins raw
// strings. `fill` is the one place markup meets the DOM, and it accepts
// only fragments: a plain string (however it was built) is refused, so a
// view cannot forget to escape. There is no way to mark a string as safe
// other than writing it in an `html` literal.
//
// Written here rather than taken from lit-html: about seventy lines, no
// dependency to vendor and audit, no build step, and nothing that needs more
// than the Content-Security-Policy's 'self' (no eval, no inline script).

const made = Symbol("made by html");

/** A piece of markup whose every interpolation was escaped. */
class Html {
  #markup;
  constructor(markup, token) {
    if (token !== made) throw new TypeError("markup fragments are made by html`…` only");
    this.#markup = markup;
  }
  // Joined into a plain string (`${fragment}` in an untagged template,
  // `.join`), a fragment would lose what it is: refuse, loudly.
  toString() {
    throw new TypeError("a fragment joins other markup only inside html`…`");
  }
  static markupOf(fragment) {
    return fragment.#markup;
  }
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };
const escape = (text) => String(text).replace(/[&<>"'`]/g, (c) => ENTITIES[c]);

// Where a `${}` stands, from the literal text before it: in text; inside a
// quoted attribute value (which attribute, and whether the value starts
// there); between a tag's attributes; or somewhere no value may go — a tag
// or attribute name, an unquoted value (which could add attributes).
function placeOf(before) {
  const open = before.lastIndexOf("<");
  if (open <= before.lastIndexOf(">")) return { in: "text" };
  const tag = before.slice(open).replace(/"[^"]*"|'[^']*'/g, '""');
  const value = tag.match(/([\w:-]+)\s*=\s*["']([^"']*)$/);
  if (value) return { in: "attribute", name: value[1].toLowerCase(), start: value[2] === "" };
  if (/^<\/?[\w-]*$/.test(tag) || /=\s*$/.test(tag) || /[\w-]$/.test(tag)) return { in: "nowhere" };
  return { in: "tag" };
}

// An event handler or srcdoc would run a value as script or markup; inline
// styles are refused by the CSP anyway (set them through the CSSOM).
const NEVER = /^(?:on.*|srcdoc|style)$/;
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "data", "poster", "cite"]);
// A link made from a value may only go where links go: within this origin,
// or to http(s), blob: (a file already in the page) and mailto:.
const SAFE_URL = /^(?:[#/?.]|(?:https?|blob|mailto):|[^:]*(?:[/?#]|$))/i;

const isEmpty = (value) => value == null || value === false || value === "";

function piece(value, place) {
  const where = place.in;
  if (where === "text") {
    if (value instanceof Html) return Html.markupOf(value);
    if (Array.isArray(value)) return value.map((v) => piece(v, place)).join("");
    return isEmpty(value) ? "" : escape(value);
  }
  if (where === "tag" && (value instanceof Html || isEmpty(value))) return isEmpty(value) ? "" : Html.markupOf(value);
  if (where === "attribute" && !NEVER.test(place.name) && !(value instanceof Html) && !Array.isArray(value)) {
    if (isEmpty(value)) return "";
    if (place.start && URL_ATTRIBUTES.has(place.name) && !SAFE_URL.test(String(value).trim())) return "about:invalid";
    return escape(value);
  }
  throw new TypeError(`html: ${where === "attribute" ? `no value may go in ${place.name}` : "a value stands only in text, in a quoted attribute value, or (a fragment) between attributes"}`);
}

/** A fragment from a template literal, each `${}` escaped unless it is a fragment. */
export function html(strings, ...values) {
  if (!Array.isArray(strings?.raw)) throw new TypeError("html is a template tag: html`<p>${text}</p>`");
  let markup = strings[0];
  let literal = strings[0];
  values.forEach((value, i) => {
    markup += piece(value, placeOf(literal)) + strings[i + 1];
    literal += strings[i + 1];
  });
  return new Html(markup, made);
}

function nodes(fragment) {
  if (!(fragment instanceof Html)) throw new TypeError("fill takes a fragment made by html`…`, not a string");
  const template = document.createElement("template");
  template.innerHTML = Html.markupOf(fragment); // The only markup sink in the application.
  return template.content;
}

/** Replaces `element`'s content with `fragment`. */
export function fill(element, fragment) {
  element.replaceChildren(nodes(fragment));
}

/** Puts `fragment` right after `element`. */
export function fillAfter(element, fragment) {
  element.after(nodes(fragment));
}

/** The markup of `fragment`, for a third-party API that takes an HTML string (Leaflet's icons and popups). */
export function markup(fragment) {
  if (!(fragment instanceof Html)) throw new TypeError("markup takes a fragment made by html`…`");
  return Html.markupOf(fragment);
}
