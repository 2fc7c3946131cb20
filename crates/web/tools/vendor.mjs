// Copies the browser packages the UI uses from node_modules (versions pinned
// in package.json / package-lock.json) into ../static/vendor/, with their
// licences. Run `npm ci && npm run vendor` here after changing a version,
// then commit ../static/vendor/. Truce itself never runs npm: the copies are
// what the binary embeds.

import { cpSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";

const vendor = new URL("../static/vendor/", import.meta.url);
const from = (path) => new URL(`./node_modules/${path}`, import.meta.url);
const packages = {
  leaflet: ["dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE"],
  "leaflet.markercluster": ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt"],
  "chart.js": ["dist/chart.umd.min.js", "LICENSE.md"],
  canonicalize: ["lib/canonicalize.js", "LICENSE"],
  "swagger-ui-dist": ["swagger-ui-bundle.js", "swagger-ui-bundle.js.LICENSE.txt", "swagger-ui.css", "LICENSE", "NOTICE"],
  // scrypt and the modules it imports (relative imports, so they load as they are).
  "@noble/hashes": ["scrypt.js", "pbkdf2.js", "hmac.js", "sha2.js", "_md.js", "_u64.js", "utils.js", "LICENSE"],
};
const target = { "swagger-ui-dist": "swagger-ui", "@noble/hashes": "noble-hashes" };

for (const [name, files] of Object.entries(packages)) {
  const dir = new URL(`${target[name] ?? name}/`, vendor);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { version, license } = JSON.parse(readFileSync(from(`${name}/package.json`)));
  for (const file of files) {
    const base = file.split("/").pop();
    cpSync(from(`${name}/${file}`), new URL(base, dir), { recursive: true });
  }
  // Source maps are not shipped; a dangling reference would only 404.
  for (const file of files.filter((f) => /\.(js|css)$/.test(f))) {
    const path = new URL(file.split("/").pop(), dir);
    const text = readFileSync(path, "utf8").replace(/\n?\/[/*]# sourceMappingURL=\S+?(\s*\*\/)?\s*$/, "\n");
    writeFileSync(path, text);
  }
  writeFileSync(
    new URL("PROVENANCE.txt", dir),
    `${name} ${version} from the npm registry (${license}); files: ${files.join(", ")}.\n` +
      "Copied unchanged by crates/web/tools/vendor.mjs, except that source-map comments are removed.\n",
  );
  console.log(`${name} ${version}`);
}
