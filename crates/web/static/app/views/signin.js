// Sign-in: pick a demo member, or load a member key file. Either way the key
// signs the server's challenge here, in the browser.
import * as session from "../session.js";
import { t } from "../i18n.js";
import { escapeHtml } from "../format.js";

export async function render(main, _params, context) {
  const demo = await session.demoMembers();
  main.innerHTML = `
    <section class="page narrow">
      <h1>${t("signin.title")}</h1>
      <p class="lead">${t("signin.lead")}</p>
      <div id="signin-error" role="alert"></div>
      ${demo ? demoList(demo, context) : ""}
      <form class="card" id="key-form">
        <h2>${t("signin.with_key")}</h2>
        <p class="hint">${t("signin.key_hint")}</p>
        <label for="key-file">${t("signin.key_file")}</label>
        <input type="file" id="key-file" accept=".key,text/plain">
        <button type="submit" class="button">${t("session.sign_in")}</button>
      </form>
    </section>`;
  const fail = (error) => {
    document.getElementById("signin-error").innerHTML = `<div class="notice error">${escapeHtml(error.message)}</div>`;
  };
  const done = () => {
    location.hash = sessionStorage.getItem("truce.after_sign_in") || "#/";
    sessionStorage.removeItem("truce.after_sign_in");
  };
  for (const button of main.querySelectorAll("[data-demo-member]")) {
    button.addEventListener("click", async () => {
      const member = demo.find((m) => m.member === button.dataset.demoMember);
      button.disabled = true;
      try {
        await session.signIn(member.private_key);
        done();
      } catch (error) {
        button.disabled = false;
        fail(error);
      }
    });
  }
  document.getElementById("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = document.getElementById("key-file").files[0];
    if (!file) return fail(new Error(t("signin.choose_file")));
    try {
      await session.signIn(await file.text());
      done();
    } catch (error) {
      fail(error);
    }
  });
}

function demoList(demo, context) {
  const groups = context.participants.map((p) => ({ p, members: demo.filter((m) => m.participant === p.id) })).filter((g) => g.members.length);
  return `
    <div class="card">
      <h2>${t("signin.demo_title")}</h2>
      <p class="hint">${t("signin.demo_hint")}</p>
      <div class="member-grid">
        ${groups
          .map(
            ({ p, members }) => `
          <div class="member-group">
            <h3><span class="role-dot role-${escapeHtml(p.role)}" aria-hidden="true"></span>${escapeHtml(p.name)} <small>${t(`roles.${p.role}`)}</small></h3>
            ${members
              .map(
                (m) => `<button type="button" class="member-button" data-demo-member="${escapeHtml(m.member)}">
                  <strong>${escapeHtml(m.display_name)}</strong><span>${escapeHtml(m.member)}</span></button>`,
              )
              .join("")}
          </div>`,
          )
          .join("")}
      </div>
    </div>`;
}
