// Sign-in: pick a demo member, or load a member key file (plain, or
// passphrase-protected: then its passphrase is asked for). Either way the key
// is imported here as a non-extractable CryptoKey and signs the server's
// challenge in the browser.
import * as session from "../session.js";
import { isEncrypted, KeyFileError } from "../keyfile.js";
import { t } from "../i18n.js";
import { html, fill } from "../html.js";

export async function render(main, _params, context) {
  const demo = await session.demoMembers();
  fill(main, html`
    <section class="page narrow">
      <h1>${t("signin.title")}</h1>
      <p class="lead">${t("signin.lead")}</p>
      <div id="signin-error" role="alert"></div>
      ${demo ? demoList(demo, context) : ""}
      <form class="card" id="key-form">
        <h2>${t("signin.with_key")}</h2>
        <p class="hint">${t("signin.key_hint")}</p>
        <div>
          <label for="key-file">${t("signin.key_file")}</label>
          <input type="file" id="key-file" accept=".key,text/plain">
        </div>
        <div id="passphrase-field" hidden>
          <label for="key-passphrase">${t("signin.passphrase")}</label>
          <p class="hint" id="passphrase-hint">${t("signin.passphrase_hint")}</p>
          <input type="password" id="key-passphrase" autocomplete="off" spellcheck="false" aria-describedby="passphrase-hint">
        </div>
        <div id="key-error" role="alert"></div>
        <p class="hint" id="key-status" role="status" hidden></p>
        <button type="submit" class="button">${t("session.sign_in")}</button>
      </form>
    </section>`);
  const status = document.getElementById("key-status");
  const keyError = document.getElementById("key-error");
  const show = (box, e) => {
    const message = e instanceof KeyFileError ? t(`signin.errors.${e.code}`) : e.message;
    fill(box, html`<div class="notice error" dir="auto">${message}</div>`);
  };
  const done = () => {
    location.hash = sessionStorage.getItem("truce.after_sign_in") || "#/";
    sessionStorage.removeItem("truce.after_sign_in");
  };
  for (const button of main.querySelectorAll("[data-demo-member]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await session.signInAsDemoMember(button.dataset.demoMember);
        done();
      } catch (e) {
        button.disabled = false;
        show(document.getElementById("signin-error"), e);
      }
    });
  }

  const fileInput = document.getElementById("key-file");
  const passphraseField = document.getElementById("passphrase-field");
  const passphrase = document.getElementById("key-passphrase");
  // Only the file's first line is read here, to tell whether to ask for a
  // passphrase; the key itself is read once, on submit.
  fileInput.addEventListener("change", async () => {
    passphrase.value = "";
    keyError.replaceChildren();
    const file = fileInput.files[0];
    const encrypted = file ? isEncrypted(await file.slice(0, 64).text()) : false;
    passphraseField.hidden = !encrypted;
    if (encrypted) passphrase.focus();
  });
  const form = document.getElementById("key-form");
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) return show(keyError, new Error(t("signin.choose_file")));
    keyError.replaceChildren();
    button.disabled = true;
    status.textContent = t("signin.opening");
    status.hidden = false;
    try {
      await session.signIn(await file.text(), passphrase.value);
      done();
    } catch (e) {
      show(keyError, e);
      if (e instanceof KeyFileError && ["wrong_passphrase", "passphrase_needed"].includes(e.code)) passphrase.select();
    } finally {
      button.disabled = false;
      status.hidden = true;
    }
  });
}

function demoList(demo, context) {
  const groups = context.participants.map((p) => ({ p, members: demo.filter((m) => m.participant === p.id) })).filter((g) => g.members.length);
  return html`
    <div class="card">
      <h2>${t("signin.demo_title")}</h2>
      <p class="hint">${t("signin.demo_hint")}</p>
      <div class="member-grid">
        ${groups
          .map(
            ({ p, members }) => html`
          <div class="member-group">
            <h3><span class="role-dot role-${p.role}" aria-hidden="true"></span><span dir="auto">${p.name}</span> <small>${t(`roles.${p.role}`)}</small></h3>
            ${members
              .map(
                (m) => html`<button type="button" class="member-button" data-demo-member="${m.member}">
                  <strong dir="auto">${m.display_name}</strong><span>${m.member}</span></button>`,
              )}
          </div>`,
          )}
      </div>
    </div>`;
}
